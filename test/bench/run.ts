// npm run bench [-- <case-prefix> …]: generates its own data, prints one line per case,
// writes bench-results.json.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyStore } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { OWASP_SCRYPT } from '../../src/main/kdf';
import { createFileSettingsStore } from '../../src/main/settings';
import { ADMIN, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { type BenchCase, runBenchmarks } from './harness';
import { benchSchool, KEYCHAIN } from './school';

const SCHOOL_STUDENTS = Number(process.env['BENCH_STUDENTS'] ?? 50_000);
const scratch = tempDir();
let counter = 0;

function openCase(name: string, key: () => Buffer | null, baseline?: string): BenchCase {
  return {
    name,
    ...(baseline ? { baseline } : {}),
    runs: 40,
    warmup: 5,
    async run() {
      const path = join(scratch.dir, `open-${++counter}.db`);
      const store = await openStore(path, key());
      await store.close();
      return () => ['', '-wal', '-shm'].forEach((s) => rmSync(path + s, { force: true }));
    },
  };
}

let loginDesk: TestDesk;
let clients = 0;

/** The 50,000-student school, opened once for every case that needs it. */
const school = {
  desk: null as TestDesk | null,
  raw: null as OpenedStore | null,
  studentIds: [] as string[],
  names: [] as string[],
  async open() {
    if (this.desk) return;
    const dir = join(scratch.dir, 'school');
    rmSync(dir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    this.desk = await benchSchool(SCHOOL_STUDENTS, dir);
    await this.desk.ok('auth.login', { username: 'cashier', password: 'demo-cashier-2026' });
    const [key] = createKeyStore(KEYCHAIN, createFileSettingsStore(join(dir, 'settings.json'))).automaticKeys();
    this.raw = await openStore(join(dir, 'feedesk.db'), key!);
    const rows = await this.raw.db.selectFrom('student').select(['id', 'full_name']).where('status', '=', 'active').execute();
    this.studentIds = rows.map((r) => r.id);
    this.names = rows.map((r) => r.full_name);
  },
  pick<T>(items: T[]): T {
    return items[Math.floor(Math.random() * items.length)]!;
  },
};

function schoolCase(name: string, runs: number, run: () => Promise<unknown>, baseline?: string): BenchCase {
  return {
    name,
    ...(baseline ? { baseline } : {}),
    runs,
    warmup: 20,
    setup: () => school.open(),
    async run() {
      await run();
    },
  };
}

const cases: BenchCase[] = [
  openCase('db.open.plain', () => null),
  openCase('db.open', () => randomBytes(32), 'db.open.plain'),
  {
    name: 'auth.login',
    runs: 15,
    warmup: 2,
    async setup() {
      loginDesk = await openTestDesk({ dir: join(scratch.dir, 'login') });
      await loginDesk.restart({ kdfCost: OWASP_SCRYPT, validateOutput: false });
      await setUpSchool(loginDesk);
    },
    async run() {
      await loginDesk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, `bench-${++clients}`);
    },
    teardown: () => loginDesk.close(),
  },
  schoolCase('insert.single', 200, () =>
    school.raw!.db.transaction().execute((tx) => tx.insertInto('family').values({ id: crypto.randomUUID(), name: 'bench', created_at: new Date().toISOString() }).execute()),
  ),
  schoolCase(
    'payment.record',
    200,
    () => school.desk!.ok('payments.record', { studentIds: [school.pick(school.studentIds)], amount: 1_500_00, method: { mode: 'upi', utr: 'UTR2026112300' } }),
    'insert.single',
  ),
  schoolCase('student.search.3letters', 300, () => school.desk!.ok('students.search', { query: school.pick(school.names).slice(0, 3), limit: 20 })),
  schoolCase('student.search.fullname', 300, () => school.desk!.ok('students.search', { query: school.pick(school.names), limit: 20 })),
  schoolCase('student.dues', 300, () => school.desk!.ok('payments.openDues', { studentIds: [school.pick(school.studentIds)] })),
  schoolCase('student.ledger', 300, () => school.desk!.ok('payments.ledger', { studentId: school.pick(school.studentIds) })),
];

try {
  await runBenchmarks(cases, process.argv.slice(2), join(process.cwd(), 'bench-results.json'));
} finally {
  if (school.desk?.errors.length) console.error(school.desk.errors);
  await school.raw?.close();
  await school.desk?.close();
  scratch.cleanup();
}

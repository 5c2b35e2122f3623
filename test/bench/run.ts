// npm run bench [-- <case-prefix> …]: generates its own data, prints one line per case,
// writes bench-results.json.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyStore } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { OWASP_SCRYPT } from '../../src/main/kdf';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import { ADMIN, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { type BenchCase, runBenchmarks } from './harness';
import { benchSchool, KEYCHAIN } from './school';
import { closeSyncBench, syncCases } from './sync';
import { closeServerPushBench, serverPushCases } from './server-push';
import { closeServerThroughputBench, serverThroughputCases } from './server-throughput';
import { closeReportBench, reportCases } from './reports';
import { closeImportBench, importCases } from './imports';
import { auditCases, closeAuditBench } from './audit';
import { closeShellBench, shellCases } from './shell';
import { closeReconcileBench, reconcileCases } from './reconcile';
import { closeYearBench, yearCases } from './year';

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
let qrCode = '';
let clients = 0;
let utrs = 0;

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

/** One UPI payment for a student picked at random; a UTR names one payment in the books, so each is new. */
const recordUpiPayment = () =>
  school.desk!.ok('payments.record', {
    studentIds: [school.pick(school.studentIds)],
    amount: 1_500_00,
    method: { mode: 'upi', utr: `UTR${String(++utrs).padStart(9, '0')}` },
  });

/** Longer than the store's timed checkpoint (5 s): the idle desk has copied its WAL into the database. */
const IDLE_MS = 6_000;

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

/** A one-class school with 60 students and 1,000 receipts on one day, for the printing cases. */
const printing = {
  desk: null as TestDesk | null,
  paymentIds: [] as string[],
  classId: '',
  async open() {
    if (this.desk) return;
    const desk = await openTestDesk({ dir: join(scratch.dir, 'printing') });
    desk.clock.current = new Date('2026-04-02T05:00:00Z');
    await setUpSchool(desk);
    await desk.ok('settings.update', { idleLockMinutes: 120, verifyBaseUrl: 'https://sync.gvs.example/verify/' });
    const school = await seedSmallSchool(desk);
    const students = [];
    for (let i = 0; i < 60; i++) students.push(await admit(desk, school, { fullName: `Student ${i} Rao` }));
    for (let i = 0; i < 1000; i++) {
      const r = await desk.ok('payments.record', { studentIds: [students[i % 60]!.id], amount: 100_00, method: { mode: 'cash' } });
      this.paymentIds.push(r.paymentId);
    }
    this.classId = school.classId;
    this.desk = desk;
  },
};

function printingCase(name: string, runs: number, warmup: number, run: () => Promise<unknown>): BenchCase {
  return { name, runs, warmup, setup: () => printing.open(), run: async () => void (await run()) };
}

const cases: BenchCase[] = [
  printingCase('receipt.pdf', 50, 5, () =>
    printing.desk!.ok('receipts.print', { paymentId: school.pick(printing.paymentIds), layout: 'a5', target: 'pdf' }),
  ),
  printingCase('receipt.bulk1000', 3, 1, () => printing.desk!.ok('receipts.printDay', { date: '2026-04-02', target: 'pdf' })),
  printingCase('slips.class60', 5, 1, () => printing.desk!.ok('slips.print', { classId: printing.classId, perPage: 2, target: 'pdf' })),
  {
    name: 'qr.verify',
    runs: 500,
    warmup: 50,
    async setup() {
      await printing.open();
      const receipt = await printing.desk!.ok('payments.receipt', { paymentId: printing.paymentIds[0]! });
      qrCode = receipt.qr!;
    },
    async run() {
      await printing.desk!.ok('receipts.verify', { code: qrCode });
    },
  },
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
    school
      .raw!.db.transaction()
      .execute((tx) =>
        tx.insertInto('family').values({ id: crypto.randomUUID(), name: 'bench', created_at: new Date().toISOString() }).execute(),
      ),
  ),
  schoolCase('payment.record', 200, recordUpiPayment, 'insert.single'),
  {
    // What a cashier meets: the desk idle between parents (past a timed checkpoint of the WAL), then one payment.
    ...schoolCase('payment.record.idle', 20, recordUpiPayment, 'insert.single'),
    warmup: 2,
    pause: () => new Promise((resolve) => setTimeout(resolve, IDLE_MS)),
  },
  schoolCase('student.search.3letters', 300, () =>
    school.desk!.ok('students.search', { query: school.pick(school.names).slice(0, 3), limit: 20 }),
  ),
  schoolCase('student.search.fullname', 300, () => school.desk!.ok('students.search', { query: school.pick(school.names), limit: 20 })),
  schoolCase('student.dues', 300, () => school.desk!.ok('payments.openDues', { studentIds: [school.pick(school.studentIds)] })),
  schoolCase('student.ledger', 300, () => school.desk!.ok('payments.ledger', { studentId: school.pick(school.studentIds) })),
  ...syncCases,
  ...serverPushCases,
  ...serverThroughputCases,
  ...reportCases,
  ...importCases,
  ...auditCases,
  ...shellCases,
  ...reconcileCases,
  ...yearCases,
];

try {
  await runBenchmarks(cases, process.argv.slice(2), join(process.cwd(), 'bench-results.json'));
} finally {
  if (school.desk?.errors.length) console.error(school.desk.errors);
  await printing.desk?.close();
  await school.raw?.close();
  await school.desk?.close();
  await closeSyncBench();
  await closeServerPushBench();
  await closeServerThroughputBench();
  await closeReportBench();
  await closeImportBench();
  await closeAuditBench();
  await closeShellBench();
  await closeReconcileBench();
  await closeYearBench();
  scratch.cleanup();
}

// npm run bench [-- <case-prefix> …]: generates its own data, prints one line per case,
// writes bench-results.json.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/main/db/open';
import { OWASP_SCRYPT } from '../../src/main/kdf';
import { ADMIN, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { type BenchCase, runBenchmarks } from './harness';

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

let desk: TestDesk;
let clients = 0;

const cases: BenchCase[] = [
  openCase('db.open.plain', () => null),
  openCase('db.open', () => randomBytes(32), 'db.open.plain'),
  {
    name: 'auth.login',
    runs: 15,
    warmup: 2,
    async setup() {
      desk = await openTestDesk({ dir: join(scratch.dir, 'login') });
      await desk.restart({ kdfCost: OWASP_SCRYPT, validateOutput: false });
      await setUpSchool(desk);
    },
    async run() {
      await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, `bench-${++clients}`);
    },
    teardown: () => desk.close(),
  },
];

try {
  await runBenchmarks(cases, process.argv.slice(2), join(process.cwd(), 'bench-results.json'));
} finally {
  scratch.cleanup();
}

// The store's disk failing under a payment (issue 17, item 13): full, read-only, or failing to write. The person is told
// which, in their words, naming the store's folder; the log keeps SQLite's own first error (not "cannot rollback"); nothing
// is half-written, the receipt number is not used up, and the store works again once the disk does.
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenedStore } from '../../src/main/db/open';
import { ADMIN, openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

// The backend's own connection, as it registers its SQL functions: the disk limits below are set on it.
const connections = vi.hoisted(() => [] as Database.Database[]);
vi.mock('../../src/main/db/sql-functions', async (original) => {
  const real = await original<typeof import('../../src/main/db/sql-functions')>();
  return {
    ...real,
    registerSqlFunctions: (raw: Database.Database) => {
      connections.push(raw);
      real.registerSqlFunctions(raw);
    },
  };
});

let desk: TestDesk;
let school: SmallSchool;
let side: OpenedStore;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  side = await openSideStore(desk);
});
afterAll(async () => {
  await side.close();
  await desk.close();
});

const backend = () => connections.at(-1)!;
const count = async (table: 'payment' | 'allocation' | 'audit_log' | 'outbox') =>
  Number(
    (
      await side.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const lastSeq = async () => (await side.db.selectFrom('receipt_series').select('last_seq').executeTakeFirst())?.last_seq ?? 0;
const written = async () => ({
  payments: await count('payment'),
  allocations: await count('allocation'),
  audit: await count('audit_log'),
  outbox: await count('outbox'),
  seq: await lastSeq(),
});
const pay = (studentId: string) => desk.call('payments.record', { studentIds: [studentId], amount: 1_000_00, method: { mode: 'cash' } });
/** The logged errors' SQLite codes (and the rollback's, when it failed after). */
const loggedCodes = () => desk.errors.splice(0).map((e) => String((e as { code?: unknown }).code ?? (e as Error).message ?? e));

describe('a full disk', () => {
  it('says the disk is full and where, keeps SQLITE_FULL in the log, writes nothing and uses no receipt number', async () => {
    const s = await admit(desk, school);
    const before = await written();
    const raw = backend();
    // The store may not grow by a single page: each page it has is packed, so the payment needs a new one.
    raw.exec('vacuum');
    raw.pragma(`max_page_count = ${raw.pragma('page_count', { simple: true }) as number}`);
    let failed;
    try {
      failed = await pay(s.id);
    } finally {
      raw.pragma('max_page_count = 1073741823');
    }
    expect(failed.ok ? null : failed.error).toEqual({
      code: 'disk_full',
      message: `The disk is full: nothing was saved. Free some space on ${desk.dir} and try again.`,
    });
    expect(loggedCodes()).toEqual(['SQLITE_FULL']);
    expect(await written()).toEqual(before);

    const saved = await pay(s.id);
    expect(saved.ok ? saved.value.receiptNo : saved.error).toBe(`2026-27/D01/${String(before.seq + 1).padStart(6, '0')}`);
  });
});

describe('a disk that fails to write', () => {
  it('says the disk could not be written, keeps SQLITE_IOERR in the log and writes nothing', async () => {
    const s = await admit(desk, school);
    const before = await written();
    // The process may write no byte past the first of any file: every write of the store fails as the OS refuses it.
    const soft = execFileSync('prlimit', ['--pid', String(process.pid), '--fsize', '--raw', '--noheadings', '--output=SOFT'])
      .toString()
      .trim();
    execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=1:']);
    let failed;
    try {
      failed = await pay(s.id);
    } finally {
      execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${soft === '-1' ? 'unlimited' : soft}:`]);
    }
    expect(failed.ok ? null : failed.error.code).toBe('disk_error');
    expect(failed.ok ? null : failed.error.message).toMatch(
      new RegExp(
        `^The disk could not be read or written \\(SQLITE_IOERR_WRITE\\): nothing was saved\\. Check that the drive holding ${desk.dir}`,
      ),
    );
    expect(loggedCodes()).toEqual(['SQLITE_IOERR_WRITE']);
    expect(await written()).toEqual(before);

    const saved = await pay(s.id);
    expect(saved.ok ? saved.value.receiptNo : saved.error).toBe(`2026-27/D01/${String(before.seq + 1).padStart(6, '0')}`);
  });
});

/** The store's file made read-only: an attribute even root cannot write past where running as root, else its mode. */
function makeReadOnly(path: string, readOnly: boolean): void {
  if (process.getuid?.() === 0) execFileSync('chattr', [readOnly ? '+i' : '-i', path]);
  else chmodSync(path, readOnly ? 0o444 : 0o644);
}

describe('a read-only store', () => {
  it('says the store cannot be written, writes nothing, and works again once writable', async () => {
    const s = await admit(desk, school);
    const before = await written();
    await side.close();
    await desk.app.close();
    makeReadOnly(desk.dbPath, true);
    try {
      await desk.restart();
      const failed = await desk.call('auth.login', { username: ADMIN.username, password: ADMIN.password });
      const refused = failed.ok ? await pay(s.id) : failed;
      expect(refused.ok ? null : refused.error).toEqual({
        code: 'store_read_only',
        message: `The store cannot be written (read-only): nothing was saved. Make ${desk.dir} and the files in it writable (or the drive not write-protected), then restart FeeDesk.`,
      });
      expect(loggedCodes()).toEqual(['SQLITE_READONLY']);
    } finally {
      makeReadOnly(desk.dbPath, false);
    }
    await desk.restart();
    side = await openSideStore(desk);
    expect(await written()).toEqual(before);
    await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const saved = await pay(s.id);
    expect(saved.ok ? saved.value.receiptNo : saved.error).toBe(`2026-27/D01/${String(before.seq + 1).padStart(6, '0')}`);
  });
});

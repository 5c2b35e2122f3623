// A damaged WAL drops the store's last commits without a word (issue 17, item 14): SQLite stops reading the WAL at the
// first frame whose checksum fails, so integrity_check passes and the lost payment's receipt number would be issued again
// although its paper is out. The desk keeps a high-water mark beside the store; at open a store behind it (or behind what
// the sync server confirmed) is said loudly in the store's status, and the next receipt number comes after the lost ones.
import { randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../src/main/db/open';
import { openSideStore, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { enrollDesk, startSyncServer, type TestSyncServer } from '../support/sync-server';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** The frames of the WAL's current generation: those after its header whose salts match the header's. */
function walFrames(walPath: string): { count: number; frameSize: number } {
  const wal = readFileSync(walPath);
  const frameSize = FRAME_HEADER + wal.readUInt32BE(8);
  const salts = wal.subarray(16, 24);
  let count = 0;
  while (
    WAL_HEADER + (count + 1) * frameSize <= wal.length &&
    wal.subarray(WAL_HEADER + count * frameSize + 8, WAL_HEADER + count * frameSize + 16).equals(salts)
  )
    count++;
  return { count, frameSize };
}

/** Flips one byte of a frame's page: its checksum (and every later frame's, chained on it) no longer holds. */
function spoilFrame(walPath: string, frame: number): void {
  const { frameSize } = walFrames(walPath);
  const at = WAL_HEADER + frame * frameSize + FRAME_HEADER + 100;
  const fd = openSync(walPath, 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(fd, byte, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Holds a read snapshot on a second connection from before `work`, so no checkpoint copies what `work` writes into the
 * database file and the WAL is not started again: what `work` commits stays in the WAL, from the frame returned.
 */
async function inWal(desk: TestDesk, side: OpenedStore, work: () => Promise<void>): Promise<number> {
  side.raw.exec('begin');
  side.raw.prepare('select count(*) from payment').get();
  try {
    const first = walFrames(`${desk.dbPath}-wal`).count;
    await work();
    return first;
  } finally {
    side.raw.exec('commit');
  }
}

/** The desk's files as a power cut leaves them, with the WAL spoilt from `frame` on (the lock and -shm are not kept). */
function copyWithSpoiltWal(desk: TestDesk, frame: number): string {
  const copy = tempDir().dir;
  for (const name of ['feedesk.db', 'feedesk.db-wal', 'feedesk.db.mark', 'settings.json']) {
    if (existsSync(join(desk.dir, name))) copyFileSync(join(desk.dir, name), join(copy, name));
  }
  spoilFrame(join(copy, 'feedesk.db-wal'), frame);
  return copy;
}

const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };
const addCashier = (desk: TestDesk) => desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });

const pay = (desk: TestDesk, studentId: string) =>
  desk.ok('payments.record', { studentIds: [studentId], amount: 1_000_00, method: { mode: 'cash' } });

const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

describe('a store that lost its last payment in a damaged WAL', () => {
  it('says so at open, though integrity_check passes, and does not issue the lost receipt number again', async () => {
    const desk = await openTestDesk();
    opened.push(desk);
    desk.clock.current = new Date('2026-04-02T05:00:00Z');
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    await addCashier(desk);
    const s = await admit(desk, school);
    await pay(desk, s.id);
    await pay(desk, s.id);
    const side = await openSideStore(desk);
    opened.push(side);
    const lostFrom = await inWal(desk, side, async () => {
      expect((await pay(desk, s.id)).receiptNo).toBe('2026-27/D01/000003');
    });

    const after = await openTestDesk({ dir: copyWithSpoiltWal(desk, lostFrom), keychain: desk.keychain });
    opened.push(after);
    const check = await openSideStore(after);
    expect(check.raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.raw.prepare('select max(receipt_no) as last from payment').get()).toEqual({ last: '2026-27/D01/000002' });

    const status = await after.ok('store.status');
    expect(status.lostRecords).toMatch(
      /^This desk's store has lost records it had saved .*: receipt 2026-27\/D01\/000003 was issued, but the store's last is 2026-27\/D01\/000002\. Stop collecting/,
    );
    expect(after.errors.map(String).some((e) => e.startsWith("store: STORE HAS LOST RECORDS: This desk's store has lost records"))).toBe(
      true,
    );
    // Kept in the store too, among the alerts of the Sync page, for after a restart.
    expect(check.raw.prepare("select message from sync_alert where kind = 'store_lost_records'").all()).toEqual([
      { message: status.lostRecords },
    ]);
    await check.close();
    await after.ok('auth.login', CASHIER);
    expect((await pay(after, s.id)).receiptNo).toBe('2026-27/D01/000004');
  });
});

describe('a store that lost payments the sync server already holds', () => {
  let server: TestSyncServer;
  afterAll(async () => server?.close());

  it('names the receipts the server confirmed, and numbers on after them', async () => {
    server = await startSyncServer({ kind: 'pglite' });
    const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    opened.push(desk);
    desk.clock.current = new Date('2026-04-02T05:00:00Z');
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    await addCashier(desk);
    const s = await admit(desk, school);
    await enrollDesk(server, desk);
    await pay(desk, s.id);
    const side = await openSideStore(desk);
    opened.push(side);
    const lostFrom = await inWal(desk, side, async () => {
      expect((await pay(desk, s.id)).receiptNo).toBe('2026-27/D01/000002');
      expect((await desk.app.sync.runNow())?.pushed).toBeGreaterThan(0);
    });

    const after = await openTestDesk({
      dir: copyWithSpoiltWal(desk, lostFrom),
      keychain: desk.keychain,
      ids: { uuid: () => randomUUID() },
    });
    opened.push(after);
    const status = await after.ok('store.status');
    expect(status.lostRecords).toMatch(
      /^This desk's store has lost records the sync server already holds: receipts up to 2026-27\/D01\/000002 were confirmed by the server, but the store's last is 2026-27\/D01\/000001\. Stop collecting/,
    );
    await after.ok('auth.login', CASHIER);
    expect((await pay(after, s.id)).receiptNo).toBe('2026-27/D01/000003');
    // The payment made after the loss reaches the server: its change is numbered after the ones the server holds (it
    // took the same numbers as the lost changes, and the server dropped it as "sent already").
    await after.app.sync.runNow();
    const onServer = await server.database.db.selectFrom('payment').select('receipt_no').orderBy('receipt_no').execute();
    expect(onServer.map((p) => p.receipt_no)).toEqual(['2026-27/D01/000001', '2026-27/D01/000002', '2026-27/D01/000003']);
  });
});

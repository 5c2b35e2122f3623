// A new desk's first pull of a whole school runs on the pull worker (its own write connection): the cashier collects
// while the school comes in, the Sync status says it is setting up, and afterwards both desks hold the same books.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { FetchLike } from '../../src/main/sync/client';
import { sql } from 'kysely';
import { ADMIN, capturingLogger, openSideStore, openTestDesk, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { deskFigures, enrollDesk, openSyncDesk, startSyncServer, syncAll, type TestSyncServer } from '../support/sync-server';

const SCHOOL = 'Green Valley Public School';
const STUDENTS = 400;

/** A fetch that holds back a pull's answer for which `hold(n, more)` is true (n counts the pulls) until release(). */
function holdingPulls(hold: (n: number, more: boolean) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let pulls = 0;
  const fetchLike: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    const text = await response.text();
    if (url.endsWith('/v1/pull') && response.status === 200 && hold(++pulls, (JSON.parse(text) as { more: boolean }).more)) await released;
    return { status: response.status, text: async () => text };
  };
  return { fetch: fetchLike, release, pulls: () => pulls };
}

describe('a first pull on the pull worker', () => {
  let server: TestSyncServer | undefined;
  const desks: TestDesk[] = [];

  afterAll(async () => {
    for (const d of desks) await d.close();
    await server?.close();
  });

  it('lets the new desk collect while the school comes in, says it is setting up, and ends with the same books', async () => {
    server = await startSyncServer({ kind: 'pglite' });
    const origin = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    desks.push(origin);
    origin.clock.current = new Date('2026-04-02T05:00:00Z');
    await origin.app.generateDemoSchool({ students: STUDENTS, until: '2026-03-31' });
    await origin.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' });
    await enrollDesk(server, origin, SCHOOL);
    await origin.app.sync.runNow();

    // The new desk pulls in small pages, every one on the worker. Its last page is held back until the cashier has
    // collected: the payments are certain to land while the pull is still running.
    const held = holdingPulls((_n, more) => !more);
    const b = await openSyncDesk('D02');
    desks.push(b);
    const { log, logger } = capturingLogger();
    await b.restart({ logger, syncFetch: held.fetch, sync: { intervalMs: 3_600_000, pullPage: 50, workerPageChars: 1 } });
    await b.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    await enrollDesk(server, b, SCHOOL);
    let finished = false;
    const pulling = b.app.sync.runNow().finally(() => (finished = true));

    // The cashier looks students up by admission number and takes ₹100 from each one whose dues have arrived.
    const collected: string[] = [];
    let sawSettingUp = false;
    for (let n = 1; collected.length < 5 && n <= STUDENTS;) {
      const status = await b.ok('sync.status');
      if (status.catchingUp?.fromStart) sawSettingUp = true;
      const [student] = await b.ok('students.search', { query: `GV${String(n).padStart(6, '0')}`, limit: 1 });
      const open = student ? await b.ok('payments.openDues', { studentIds: [student.id] }) : null;
      if (!student || !open || open.totals.outstanding === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (student && open) n += 1;
        continue;
      }
      await b.ok('payments.record', { studentIds: [student.id], amount: 100_00, method: { mode: 'cash' } });
      collected.push(student.id);
      n += 1;
    }
    expect(finished).toBe(false);
    expect(sawSettingUp).toBe(true);
    expect(collected).toHaveLength(5);
    held.release();
    await pulling;
    expect(held.pulls()).toBeGreaterThan(5);
    expect((await b.ok('sync.status')).catchingUp).toBeNull();
    expect(log).toContain('sync: pulling the whole school on the pull worker');
    // A second worker copied the pull's WAL into the database while the pull worker wrote.
    expect(log.some((line) => /^sync: the pull's WAL was copied into the database [1-9]\d* times beside it$/.test(line))).toBe(true);
    expect(log.filter((line) => line.includes('failed') || line.includes('stopped'))).toEqual([]);

    await syncAll(origin, b);
    const [there, here] = [await deskFigures(origin), await deskFigures(b)];
    expect(here.students.size).toBe(STUDENTS);
    expect(here.students).toEqual(there.students);
    expect(here.queue).toBe(0);
    expect(there.receiptNos).toEqual(here.receiptNos);
    expect(here.ownPayments).toEqual({ count: 5, total: 500_00 });
    // Each ₹100 went to the student it was taken from, on both desks: to their dues, or any part of it their dues (as
    // they stand once the whole school is in) do not take as advance credit.
    for (const desk of [origin, b]) {
      const side = await openSideStore(desk);
      const ours = await sql<{ student_id: string; total: number }>`
        select student_id, sum(amount) as total from (
          select a.student_id, a.amount from allocation a join payment p on p.id = a.payment_id where p.desk_code = 'D02'
          union all
          select c.student_id, c.amount from credit_entry c join payment p on p.id = c.payment_id
          where p.desk_code = 'D02' and c.kind = 'overpayment'
        ) group by student_id order by student_id`.execute(side.db);
      await side.close();
      expect(ours.rows).toEqual(collected.toSorted().map((id) => ({ student_id: id, total: 100_00 })));
    }
  }, 180_000);

  it('makes the dues of a student the counter opens while the school comes in, and only then', async () => {
    server ??= await startSyncServer({ kind: 'pglite' });
    const a = await openSyncDesk('D01');
    desks.push(a);
    const school = await seedSmallSchool(a);
    for (let i = 0; i < 30; i++) await admit(a, school);
    await enrollDesk(server, a, 'Counter-first School');
    await a.app.sync.runNow();

    // The new desk's pull stops after its first page, on the worker, until the test lets the second through.
    const held = holdingPulls((n) => n === 2);
    const b = await openSyncDesk('D02');
    desks.push(b);
    await b.restart({ syncFetch: held.fetch, sync: { intervalMs: 3_600_000, pullPage: 20, workerPageChars: 1 } });
    await b.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    await enrollDesk(server, b, 'Counter-first School');
    const pulling = b.app.sync.runNow();
    // Let go however the test ends: the desk cannot close while its pull waits.
    onTestFinished(() => held.release());
    // The first page is in (the pull tells how many changes it has applied).
    while (!((await b.ok('sync.status')).catchingUp?.pulled ?? 0)) await new Promise((resolve) => setTimeout(resolve, 20));

    // Students the pull has brought whose dues it has not made yet (as while it makes a big school's dues a chunk of
    // students at a time, after their structure's assignment): written beside the desk, with no dues.
    const withoutDues = async (n: number) => {
      const side = await openSideStore(b);
      try {
        const [first] = (await sql<{ id: string }>`select id from student order by admission_no limit 1`.execute(side.db)).rows;
        expect(first).toBeDefined();
        const columns = (await sql<{ name: string }>`select name from pragma_table_info('student')`.execute(side.db)).rows.map(
          (c) => c.name,
        );
        const id = randomUUID();
        const copied = columns.map((c) => (c === 'id' ? `'${id}'` : c === 'admission_no' ? `'NEW${n}'` : c)).join(', ');
        await sql
          .raw(`insert into student (${columns.join(', ')}) select ${copied} from student where id = '${first!.id}'`)
          .execute(side.db);
        const { rows } = await sql<{ n: number }>`select count(*) as n from due where student_id = ${id}`.execute(side.db);
        expect(rows[0]!.n).toBe(0);
        return id;
      } finally {
        await side.close();
      }
    };
    const dueCount = async (id: string) => {
      const side = await openSideStore(b);
      const { rows } = await sql<{ n: number }>`select count(*) as n from due where student_id = ${id}`.execute(side.db);
      await side.close();
      return rows[0]!.n;
    };

    // Opened at the counter: the dues are there at once, the structure's ten, and opening again makes no more.
    const opened = await withoutDues(1);
    expect((await b.ok('payments.openDues', { studentIds: [opened] })).totals.outstanding).toBe(20_000_00);
    await b.ok('payments.openDues', { studentIds: [opened] });
    expect(await dueCount(opened)).toBe(10);
    // Paid without being opened first: the money goes to the dues, not to advance credit.
    const paid = await withoutDues(2);
    const receipt = await b.ok('payments.record', { studentIds: [paid], amount: 5_000_00, method: { mode: 'cash' } });
    const open = await b.ok('payments.openDues', { studentIds: [paid] });
    expect(open.totals).toMatchObject({ outstanding: 15_000_00, credit: 0 });
    expect(receipt.paymentId).toBeDefined();

    held.release();
    await pulling;
    expect((await b.ok('sync.status')).catchingUp).toBeNull();
    // The pull over, opening a student writes nothing: every student's dues are made where the school's changes are.
    const later = await withoutDues(3);
    expect((await b.ok('payments.openDues', { studentIds: [later] })).totals.outstanding).toBe(0);
    expect(await dueCount(later)).toBe(0);
    expect(await dueCount(opened)).toBe(10);
  }, 120_000);

  it('goes on without the worker when it cannot start, applying the pull on the main thread', async () => {
    server ??= await startSyncServer({ kind: 'pglite' });
    const a = await openSyncDesk('D01');
    desks.push(a);
    const school = await seedSmallSchool(a);
    const students = [];
    for (let i = 0; i < 12; i++) students.push(await admit(a, school));
    await a.ok('payments.record', { studentIds: [students[3]!.id], amount: 2_000_00, method: { mode: 'cash' } });
    await enrollDesk(server, a, 'Worker-less School');
    await a.app.sync.runNow();

    const b = await openSyncDesk('D02');
    desks.push(b);
    const { log, logger } = capturingLogger();
    await b.restart({
      logger,
      backgroundWorker: { file: new URL('./no-such-worker.js', import.meta.url) },
      sync: { intervalMs: 3_600_000, workerPageChars: 1 },
    });
    await b.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    await enrollDesk(server, b, 'Worker-less School');
    await syncAll(a, b);

    expect(log.some((line) => line.startsWith('sync: the pull worker failed, so this desk applies the pull itself'))).toBe(true);
    const [there, here] = [await deskFigures(a), await deskFigures(b)];
    expect(here.students.size).toBe(12);
    expect(here.students).toEqual(there.students);
    expect(here.receiptNos).toEqual(['2026-27/D01/000001']);
  }, 120_000);
});

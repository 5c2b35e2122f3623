// Two desks of one school sync through a real server (embedded PGlite and real PostgreSQL): master data and payments
// flow both ways, a stale edit is refused with both values, an offline double payment becomes credit with an alert.
import { randomUUID } from 'node:crypto';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSideStore, openTestDesk, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import {
  deskFigures,
  enrollDesk,
  openSyncDesk,
  serverFigures,
  startSyncServer,
  syncAll,
  type TestSyncServer,
  syncBackends,
} from '../support/sync-server';

const backends = await syncBackends();

/** Makes the desk pull from the very start on its next round, as after a resync. */
async function forgetCookie(desk: TestDesk) {
  const side = await openSideStore(desk);
  await side.db.updateTable('sync_state').set({ cookie: null }).execute();
  await side.close();
}

// Generous per test: each syncs several times, and must hold on a busy machine.
describe.each(backends)('sync through a %s server', { timeout: 90_000 }, (_name, backend) => {
  // Shared by every test: the server, the school, and two enrolled desks. Each test works on students (and, where it
  // would change a desk for the tests after it, a desk) of its own, so none relies on another having run or passed.
  let server: TestSyncServer;
  let a: TestDesk;
  let b: TestDesk;
  let school: SmallSchool;
  const ownDesks: TestDesk[] = [];

  beforeAll(async () => {
    server = await startSyncServer(backend);
    a = await openSyncDesk('D01');
    school = await seedSmallSchool(a);
    await enrollDesk(server, a);
    b = await openSyncDesk('D02');
    await enrollDesk(server, b);
    await syncAll(a, b);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([a, b, ...ownDesks].map((desk) => desk?.close()));
    await server?.close();
  });

  /** Students of the calling test's own, admitted on the first desk; both desks are in step after. */
  async function ownStudents(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await admit(a, school)).id);
    await syncAll(a, b);
    return ids;
  }

  /** A new desk enrolled on the server, for a test that would otherwise leave a shared desk changed for the rest. */
  async function ownDesk(deskCode: string): Promise<TestDesk> {
    const desk = await openSyncDesk(deskCode);
    ownDesks.push(desk);
    await enrollDesk(server, desk);
    return desk;
  }

  it('brings a new desk the whole school: years, classes, structures, students and their dues, with the same ids', async () => {
    const students: string[] = [];
    for (let i = 0; i < 5; i++) students.push((await admit(a, school)).id);
    await a.ok('payments.record', { studentIds: [students[0]!], amount: 5_000_00, method: { mode: 'cash' } });
    await a.ok('settings.update', { receiptFooter: 'Fees once paid are not refunded.', bounceCharge: 300_00 });
    const fresh = await ownDesk('D03');
    await syncAll(a, fresh);

    const status = await fresh.ok('sync.status');
    expect(status).toMatchObject({ enrolled: true, enabled: true, queue: 0, online: true, lastError: null });
    expect((await a.ok('sync.status')).queue).toBe(0);
    const masters = await fresh.ok('masters.get');
    expect(masters.classes.map((c) => c.name)).toContain('Class 5');
    expect((await fresh.ok('structures.list', {})).map((s) => s.id)).toEqual([school.structureId]);
    expect(await fresh.ok('settings.get')).toMatchObject({ receiptFooter: 'Fees once paid are not refunded.', bounceCharge: 300_00 });
    const [fa, ff] = [await deskFigures(a), await deskFigures(fresh)];
    expect(students.filter((id) => ff.students.has(id))).toEqual(students);
    expect(ff.students).toEqual(fa.students);
    expect(fa.students.get(students[0]!)!.allocated).toBe(5_000_00);
  });

  it('carries a payment made on the second desk back to the first, and the server holds both exactly once', async () => {
    const [student] = await ownStudents(1);
    await a.ok('payments.record', { studentIds: [student!], amount: 5_000_00, method: { mode: 'cash' } });
    const receipt = await b.ok('payments.record', {
      studentIds: [student!],
      amount: 3_000_00,
      method: { mode: 'upi', utr: '412345678901' },
    });
    expect(receipt.receiptNo).toContain('D02');
    await syncAll(a, b);
    const [fa, fb] = [await deskFigures(a), await deskFigures(b)];
    expect(fa.students).toEqual(fb.students);
    expect(fa.receiptNos).toEqual(fb.receiptNos);
    const s = await serverFigures(server.database.db);
    expect((await serverFigures(server.database.db, [student!])).payments).toEqual({ count: 2, total: 8_000_00 });
    for (const [id, f] of fa.students) expect((s.allocated.get(id) ?? 0) + (s.credit.get(id) ?? 0)).toBe(f.allocated + f.credit);
    // The first desk can verify the second desk's receipt offline: the key came with the sync.
    const check = await a.ok('receipts.verify', { code: receipt.qr! });
    expect(check.verdict).toBe('valid');
  });

  it("refuses a stale edit with both values, and the desk takes the server's", async () => {
    const [student] = await ownStudents(1);
    const rejectedBefore = (await b.ok('sync.status')).rejected;
    const before = await a.ok('students.get', { studentId: student! });
    const edit = (desk: TestDesk, guardianName: string) =>
      desk.ok('students.update', {
        studentId: before.id,
        version: before.version,
        fullName: before.fullName,
        classId: before.classId,
        sectionId: before.sectionId,
        guardianName,
        phone: before.phone,
        phone2: null,
        email: null,
        categoryId: null,
        familyId: null,
      });
    await edit(a, 'Meena Iyer');
    await edit(b, 'Ravi Iyer');
    await a.app.sync.runNow();
    await b.app.sync.runNow();
    const rejected = (await b.ok('sync.rejected')).filter((r) => (r.record as { id: string }).id === student);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/^stale: .* changed on another desk/);
    expect(rejected[0]!.record).toMatchObject({ guardianName: 'Ravi Iyer' });
    expect(rejected[0]!.server).toMatchObject({ guardianName: 'Meena Iyer' });
    expect((await b.ok('students.get', { studentId: before.id })).guardianName).toBe('Meena Iyer');
    expect((await b.ok('sync.status')).rejected).toBe(rejectedBefore + 1);
  });

  it('lets the members of a new family be edited on every desk, and a stale edit of one takes the server’s copy whole', async () => {
    // Before: grouping siblings raised their version on the desks but not on the server, so the next edit of either,
    // on any desk, was refused as stale, and the copy sent back (the admission row) could not be read.
    const [s3, s4] = (await ownStudents(2)) as [string, string];
    const rejectedBefore = (await b.ok('sync.status')).rejected;
    const family = await a.ok('families.create', { name: 'Iyer family', studentIds: [s3, s4] });
    await syncAll(a, b);
    const editOf = async (desk: TestDesk, studentId: string, guardianName: string) => {
      const s = await desk.ok('students.get', { studentId });
      const { fullName, classId, sectionId, phone, phone2, email, categoryId, familyId, version } = s;
      return desk.ok('students.update', {
        studentId,
        version,
        fullName,
        classId,
        sectionId,
        guardianName,
        phone,
        phone2,
        email,
        categoryId,
        familyId,
      });
    };
    await editOf(a, s3, 'Lakshmi Iyer');
    await editOf(b, s4, 'Suresh Iyer');
    await syncAll(a, b);
    expect((await a.ok('sync.rejected')).filter((r) => r.name === 'students.update')).toEqual([]);
    expect((await b.ok('sync.status')).rejected).toBe(rejectedBefore);
    for (const desk of [a, b]) {
      expect(await desk.ok('students.get', { studentId: s3 })).toMatchObject({
        guardianName: 'Lakshmi Iyer',
        familyId: family.id,
        version: 3,
      });
      expect(await desk.ok('students.get', { studentId: s4 })).toMatchObject({
        guardianName: 'Suresh Iyer',
        familyId: family.id,
        version: 3,
      });
    }

    // Both desks edit one member offline: the later push is refused, and that desk takes the server's student.
    await editOf(a, s3, 'Lakshmi R Iyer');
    await editOf(b, s3, 'L Iyer');
    await a.app.sync.runNow();
    await b.app.sync.runNow();
    const refused = (await b.ok('sync.rejected')).filter((r) => r.name === 'students.update' && (r.record as { id: string }).id === s3);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.server).toMatchObject({ guardianName: 'Lakshmi R Iyer', familyId: family.id, version: 4 });
    expect(await b.ok('students.get', { studentId: s3 })).toMatchObject({
      guardianName: 'Lakshmi R Iyer',
      familyId: family.id,
      version: 4,
    });
  });

  it("carries the school's UPI payee and each fee slip's reference to the other desk", async () => {
    const [student] = await ownStudents(1);
    await a.ok('settings.update', { upiId: 'fees.gvs@sbi', upiPayeeName: 'Green Valley School' });
    await a.ok('slips.print', { studentIds: [student!], perPage: 1, target: 'pdf' });
    await syncAll(a, b);
    expect(await b.ok('settings.get')).toMatchObject({ upiId: 'fees.gvs@sbi', upiPayeeName: 'Green Valley School' });
    const refsOf = async (desk: TestDesk) => {
      const side = await openSideStore(desk);
      try {
        return await side.db.selectFrom('upi_reference').selectAll().orderBy('ref').execute();
      } finally {
        await side.close();
      }
    };
    const [onA, onB] = [await refsOf(a), await refsOf(b)];
    expect(onA).toHaveLength(1);
    expect(onA[0]).toMatchObject({ student_id: student, desk_code: 'D01', ref: 'FDD01000001' });
    expect(onB).toEqual(onA);
    await a.ok('settings.update', { upiId: '' });
    await syncAll(a, b);
  });

  it('applies both offline payments for the same dues, turns the excess into credit and alerts the accountant', async () => {
    const [target] = (await ownStudents(1)) as [string];
    const open = await a.ok('payments.openDues', { studentIds: [target] });
    const q1 = open.items.filter((i) => i.installment === 'Quarter 1' && i.key.startsWith('due:')).reduce((s, i) => s + i.balance, 0);
    await a.ok('payments.record', { studentIds: [target], amount: q1, method: { mode: 'cash' } });
    await b.ok('payments.record', { studentIds: [target], amount: q1, method: { mode: 'cash' } });
    await syncAll(a, b);
    const [fa, fb] = [await deskFigures(a), await deskFigures(b)];
    expect(fa.students).toEqual(fb.students);
    expect(fa.students.get(target)!.allocated + fa.students.get(target)!.credit).toBe(2 * q1);
    expect(fa.students.get(target)!.credit).toBe(q1);
    const alertsOf = async (desk: TestDesk) => (await desk.ok('sync.alerts')).filter((x) => x.studentId === target);
    const alerts = await alertsOf(a);
    expect(alerts.reduce((sum, x) => sum + (x.amount ?? 0), 0)).toBe(q1);
    expect(alerts[0]!.message).toMatch(/another desk took money for it too/);
    expect((await alertsOf(b)).length).toBe(alerts.length);
    const s = await serverFigures(server.database.db);
    expect(s.credit.get(target)).toBe(q1);
  });

  it('keeps what was collected offline across a restart and sends it when the network returns', async () => {
    const [student] = await ownStudents(1);
    const c = await ownDesk('D04');
    await c.app.sync.runNow();
    await c.ok('sync.setEnabled', { enabled: false });
    await c.ok('payments.record', { studentIds: [student!], amount: 700_00, method: { mode: 'cash' } });
    expect(await c.app.sync.runNow()).toBeNull();
    await c.restart({ syncFetch: (url, init) => fetch(url, init) });
    await c.ok('auth.login', { username: 'principal', password: 'correct horse battery' });
    expect((await c.ok('sync.status')).queue).toBeGreaterThan(0);
    await c.ok('sync.setEnabled', { enabled: true });
    await syncAll(a, c);
    expect((await c.ok('sync.status')).queue).toBe(0);
    expect((await deskFigures(a)).students.get(student!)!.allocated).toBe(700_00);
    expect((await deskFigures(a)).students).toEqual((await deskFigures(c)).students);
  });

  it('applying the whole school again (a page cut off half-way, a resync) changes nothing', async () => {
    const [student] = await ownStudents(1);
    await a.ok('payments.record', { studentIds: [student!], amount: 1_200_00, method: { mode: 'cash' } });
    await syncAll(a, b);
    const before = await deskFigures(b);
    expect(before.students.get(student!)!.allocated).toBe(1_200_00);
    await forgetCookie(b);
    await b.app.sync.runNow();
    expect(await deskFigures(b)).toEqual(before);
  });

  it('reports the sync of a cancelled receipt to every desk', async () => {
    const [student] = await ownStudents(1);
    const receipt = await a.ok('payments.record', { studentIds: [student!], amount: 1_000_00, method: { mode: 'cash' } });
    await syncAll(a, b);
    await a.ok('users.create', { username: 'meera', fullName: 'Meera', role: 'accountant', password: 'ledger balance 42' });
    await a.ok('payments.cancel', {
      paymentId: receipt.paymentId,
      reason: 'wrong student',
      approver: { username: 'meera', password: 'ledger balance 42' },
    });
    await syncAll(a, b);
    const onB = await b.ok('payments.receipt', { paymentId: receipt.paymentId });
    expect(onB.status).toBe('cancelled');
    expect((await deskFigures(b)).students).toEqual((await deskFigures(a)).students);
  });

  it('carries day closes and cheque clearances, so every desk’s reports agree on them', async () => {
    // A desk of its own closes the day: a closed day takes no more payments, and the shared desks must go on taking them.
    const [student] = await ownStudents(1);
    const c = await ownDesk('D05');
    await c.app.sync.runNow();
    const cheque = await c.ok('payments.record', {
      studentIds: [student!],
      amount: 700_00,
      method: { mode: 'cheque', chequeNo: '654321', bank: 'SBI', chequeDate: '2026-04-02' },
    });
    await c.ok('payments.record', { studentIds: [student!], amount: 650_00, method: { mode: 'cash' } });
    const status = await c.ok('dayClose.status', { date: '2026-04-02' });
    const expectedCash = status.expected['cash']!;
    const notes = { '50000': Math.floor(expectedCash / 50000) };
    const left = expectedCash - notes['50000'] * 50000;
    await c.ok('dayClose.close', {
      date: '2026-04-02',
      cashCount: { ...notes, ...(left > 0 ? { '100': left / 100 } : {}) },
      counted: { cheque: 700_00 },
    });
    await syncAll(c, b);
    const onB = await b.ok('reports.run', { report: 'day_close', date: '2026-04-02', desk: 'D05' });
    expect(onB.footnote).toMatch(/^Closed by /);
    expect(onB.totals['variance']).toBe(0);
    expect((await b.ok('reports.dashboard')).desksNotClosed.filter((d) => d.desk === 'D05' && d.day === '2026-04-02')).toEqual([]);

    expect((await b.ok('reports.run', { report: 'cheques', asOf: '2026-04-02' })).rows.map((r) => r['paymentId'])).toContain(
      cheque.paymentId,
    );
    await b.ok('cheques.clear', { paymentId: cheque.paymentId, clearedOn: '2026-04-02' });
    await syncAll(c, b);
    expect((await c.ok('reports.run', { report: 'cheques', asOf: '2026-04-02' })).rows.map((r) => r['paymentId'])).not.toContain(
      cheque.paymentId,
    );
    const late = await c.call('payments.record', { studentIds: [student!], amount: 100_00, method: { mode: 'cash' } });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('carries imported opening balances, which no desk could derive from a structure', async () => {
    const [studentId] = await ownStudents(1);
    await a.ok('masters.createHead', { name: 'Opening balance' });
    const student = await a.ok('students.get', { studentId: studentId! });
    const path = join(a.dir, 'opening.csv');
    writeFileSync(path, `Admission no.,Amount,Due on\r\n${student.admissionNo},750,2026-03-31\r\n`);
    const wait = async (job: { id: string; state: string }) => {
      let now = job;
      while (now.state === 'running') {
        await new Promise((r) => setTimeout(r, 30));
        now = await a.ok('imports.job', { jobId: job.id });
      }
      return now as Awaited<ReturnType<typeof a.ok<'imports.job'>>>;
    };
    const dry = await wait(await a.ok('imports.dryRun', { importer: 'opening_balances', path }));
    expect((await wait(await a.ok('imports.commit', { importer: 'opening_balances', path, sha256: dry.summary!.sha256 }))).state).toBe(
      'done',
    );
    await syncAll(a, b);
    const onB = await b.ok('payments.openDues', { studentIds: [studentId!] });
    expect(onB.items.find((i) => i.head === 'Opening balance')).toMatchObject({ balance: 750_00, dueOn: '2026-03-31' });
    expect((await deskFigures(b)).students).toEqual((await deskFigures(a)).students);
  });
});

describe('a server restored from an older backup', () => {
  it('makes the desk resync loudly: it pulls from the start and sends again what the server lost', async () => {
    const data = tempDir();
    const backup = tempDir();
    onTestFinished(() => {
      data.cleanup();
      backup.cleanup();
    });
    const server = await startSyncServer({ kind: 'pglite' }, 0, join(data.dir, 'db'));
    onTestFinished(() => server.close());
    const desk = await openSyncDesk('D01');
    onTestFinished(() => desk.close());
    const school = await seedSmallSchool(desk);
    const student = await admit(desk, school);
    await enrollDesk(server, desk);
    await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
    await desk.app.sync.runNow();
    await server.restartAfter(() => cpSync(join(data.dir, 'db'), join(backup.dir, 'db'), { recursive: true }));

    await desk.ok('payments.record', { studentIds: [student.id], amount: 2_000_00, method: { mode: 'cash' } });
    await desk.app.sync.runNow();
    expect((await serverFigures(server.database.db)).payments.count).toBe(2);

    // The server's disk is replaced by last night's backup: it no longer has the second payment.
    await server.restartAfter(() => {
      rmSync(join(data.dir, 'db'), { recursive: true });
      cpSync(join(backup.dir, 'db'), join(data.dir, 'db'), { recursive: true });
    });
    expect((await serverFigures(server.database.db)).payments.count).toBe(1);
    await desk.app.sync.runNow();

    const status = await desk.ok('sync.status');
    expect(status.resync?.reason).toMatch(/server has this desk's changes only up to no\. \d+|did not recognise this desk's sync position/);
    expect(status).toMatchObject({ queue: 0, lastError: null });
    const s = await serverFigures(server.database.db);
    expect(s.payments).toEqual({ count: 2, total: 3_000_00 });
    expect(s.receiptNos).toEqual((await deskFigures(desk)).receiptNos);
  });
});

describe('the demo school, a year of it, pulled by a new desk', () => {
  it('arrives whole: families, concessions, payments in every mode, cancellations, bounces, fines — the same figures for every student', async () => {
    // PostgreSQL where the machine has it, else PGlite: the last of the backends.
    const server = await startSyncServer(backends.at(-1)![1]);
    onTestFinished(() => server.close());
    const origin = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    onTestFinished(() => origin.close());
    const fresh = await openSyncDesk('D02');
    onTestFinished(() => fresh.close());
    origin.clock.current = new Date('2027-02-15T06:00:00Z');
    const made = await origin.app.generateDemoSchool({ students: 300, until: '2027-02-15', seed: 7 });
    expect(made.cancelled + made.bounced).toBeGreaterThan(0);
    await origin.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' });
    await enrollDesk(server, origin);
    await origin.app.sync.runNow();
    await enrollDesk(server, fresh);
    await fresh.app.sync.runNow();

    const [o, f] = [await deskFigures(origin), await deskFigures(fresh)];
    expect(f.students.size).toBe(300);
    expect(f.students).toEqual(o.students);
    expect(f.receiptNos).toEqual(o.receiptNos);
    const s = await serverFigures(server.database.db);
    expect(s.payments).toEqual(o.ownPayments);
    expect(await fresh.ok('sync.rejected')).toEqual([]);
    expect((await fresh.ok('concessions.list', { status: 'approved' })).length).toBe(
      (await origin.ok('concessions.list', { status: 'approved' })).length,
    );
  }, 120_000);
});

// The server's database restored from a backup while desks went on working (issue 21): every desk, one offline through
// the restore included, notices, resyncs loudly, and ends with every payment ever recorded, once.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSideStore, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { deskFigures, enrollDesk, openSyncDesk, serverFigures, startSyncServer, syncAll, syncBackends } from '../support/sync-server';

const backends = await syncBackends();

describe.each(backends)('a %s server restored from a backup', (_name, backend) => {
  it('is noticed by every desk, one offline through the restore too: each resyncs loudly and no payment is lost or doubled', async () => {
    const server = await startSyncServer(backend);
    const [a, b, c] = [await openSyncDesk('D01'), await openSyncDesk('D02'), await openSyncDesk('D03')];
    const recorded: number[] = [];
    try {
      const school = await seedSmallSchool(a);
      const students: string[] = [];
      for (let i = 0; i < 6; i++) students.push((await admit(a, school)).id);
      for (const d of [a, b, c]) await enrollDesk(server, d);
      await syncAll(a, b, c);
      // Each payment a different amount, so a lost or doubled one shows in the totals.
      const pay = async (desk: TestDesk, count: number) => {
        for (let i = 0; i < count; i++) {
          const amount = 100_00 + recorded.length;
          await desk.ok('payments.record', { studentIds: [students[recorded.length % 6]!], amount, method: { mode: 'cash' } });
          recorded.push(amount);
        }
      };

      await pay(a, 5);
      await pay(b, 5);
      await syncAll(a, b, c);
      const backup = await server.backup();

      // After last night's backup: A and C take payments and sync; everyone pulls them; then C goes offline.
      await pay(a, 5);
      await pay(c, 5);
      await syncAll(a, c, b);
      expect((await serverFigures(server.database.db)).payments.count).toBe(20);

      await backup.restore();
      expect((await serverFigures(server.database.db)).payments.count).toBe(10);
      // A and B go on working against the restored server: their new changes get the log positions the lost ones had.
      await a.app.sync.runNow();
      await pay(a, 5);
      await a.app.sync.runNow();
      await pay(b, 5);
      await syncAll(b, a);
      // C, offline through all of it, took payments too; it comes back online.
      await pay(c, 5);
      await syncAll(c, a, b);

      const total = recorded.reduce((s, x) => s + x, 0);
      const s = await serverFigures(server.database.db);
      expect(s.payments).toEqual({ count: 35, total });
      for (const d of [a, b, c]) {
        const f = await deskFigures(d);
        expect(f.receiptNos).toEqual(s.receiptNos);
        expect(new Map([...f.students].map(([id, x]) => [id, x.allocated + x.credit]))).toEqual(
          new Map(students.map((id) => [id, (s.allocated.get(id) ?? 0) + (s.credit.get(id) ?? 0)])),
        );
        const status = await d.ok('sync.status');
        expect(status).toMatchObject({ queue: 0, lastError: null });
        // Every desk had pulled past the backup's end: each must have said it started again from the beginning.
        expect(status.resync, `the Sync status of ${(await d.ok('setup.status')).deskCode}`).not.toBeNull();
      }
    } finally {
      for (const d of [a, b, c]) await d.close();
      await server.close();
    }
  }, 120_000);
});

describe('a sync position from before changes named their batch', () => {
  it('still holds after the server is upgraded: the desk pulls on from it, with no resync', async () => {
    const server = await startSyncServer({ kind: 'pglite' });
    const [a, b] = [await openSyncDesk('D01'), await openSyncDesk('D02')];
    try {
      const school = await seedSmallSchool(a);
      const student = await admit(a, school);
      for (const d of [a, b]) await enrollDesk(server, d);
      await syncAll(a, b);
      // As an older server left them: its changes without a batch, the desk's cookie without one.
      await sql`update change set batch = null`.execute(server.database.db);
      const side = await openSideStore(b);
      const { cookie } = await side.db.selectFrom('sync_state').select('cookie').executeTakeFirstOrThrow();
      await side.db
        .updateTable('sync_state')
        .set({ cookie: cookie!.split('.').slice(0, 2).join('.') })
        .execute();
      await side.close();

      await a.ok('payments.record', { studentIds: [student.id], amount: 1_500_00, method: { mode: 'cash' } });
      await syncAll(a, b);
      expect((await deskFigures(b)).receiptNos).toEqual((await serverFigures(server.database.db)).receiptNos);
      expect(await b.ok('sync.status')).toMatchObject({ resync: null, lastError: null });
    } finally {
      for (const d of [a, b]) await d.close();
      await server.close();
    }
  });
});

describe('an over-payment the server settled after the backup', () => {
  it('is settled again on the other receipt when the desks send their payments in another order, and each desk undoes the one the server lost: the excess is credit once', async () => {
    const server = await startSyncServer({ kind: 'pglite' });
    const [a, c] = [await openSyncDesk('D01'), await openSyncDesk('D03')];
    try {
      const school = await seedSmallSchool(a);
      const target = (await admit(a, school)).id;
      for (const d of [a, c]) await enrollDesk(server, d);
      await syncAll(a, c);
      const backup = await server.backup();
      // Both desks take the first quarter offline; A's payment reaches the server first, C's is settled as the excess.
      const open = await a.ok('payments.openDues', { studentIds: [target] });
      const q1 = open.items.filter((i) => i.installment === 'Quarter 1' && i.key.startsWith('due:')).reduce((s, i) => s + i.balance, 0);
      for (const d of [a, c]) await d.ok('payments.record', { studentIds: [target], amount: q1, method: { mode: 'cash' } });
      await syncAll(a, c);
      expect((await deskFigures(a)).students.get(target)!.credit).toBe(q1);

      await backup.restore();
      // This time C's payment comes back first, so the server settles A's as the excess.
      await syncAll(c, a);
      const s = await serverFigures(server.database.db);
      expect(s.credit.get(target)).toBe(q1);
      for (const d of [a, c]) {
        const figures = (await deskFigures(d)).students.get(target)!;
        expect(figures.credit, 'credit on a desk').toBe(q1);
        expect(figures.allocated, 'paid on the dues on a desk').toBe(s.allocated.get(target));
        const alerts = await d.ok('sync.alerts');
        expect(alerts.filter((x) => x.studentId === target).map((x) => x.kind)).toEqual(
          expect.arrayContaining(['overpayment', 'overpayment_undone']),
        );
      }
      // Both desks see the same receipts carry the excess as the server does, and a second round changes nothing.
      await syncAll(a, c);
      for (const d of [a, c]) {
        expect((await deskFigures(d)).students.get(target)!.credit).toBe(q1);
        // The undoing entries are the sync's own, like the over-payment's: the audit chain still checks out.
        expect((await d.ok('audit.verify')).intact).toBe(true);
      }
    } finally {
      for (const d of [a, c]) await d.close();
      await server.close();
    }
  });
});

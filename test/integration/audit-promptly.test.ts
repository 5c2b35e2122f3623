// Issue 17, item 9: history not yet on the server can be rewritten by whoever holds the store key, so a payment's audit
// rows leave the desk straight after it (not at the next 30-second round), and a desk whose unsynced audit has waited
// longer than AUDIT_STALE_MINUTES says so on its Sync screen. Real desk, real sync server (PGlite), real loop timers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_STALE_MINUTES } from '../../src/shared/contract/sync';
import { ADMIN, openTestDesk, schoolInput, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { enrollDesk, startSyncServer, type TestSyncServer } from '../support/sync-server';

let server: TestSyncServer;
const desks: TestDesk[] = [];
beforeAll(async () => {
  server = await startSyncServer({ kind: 'pglite' });
});
afterAll(async () => {
  for (const d of desks) await d.close();
  await server?.close();
});

async function enrolledDesk(name: string) {
  const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
  desks.push(desk);
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.ok('setup.initialize', schoolInput({ deskCode: 'D01' }));
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school);
  await enrollDesk(server, desk, `${name} (${randomUUID().slice(0, 8)})`);
  await desk.app.sync.runNow().catch(() => {});
  const deskId = (
    await server.database.db.selectFrom('desk').select('id').orderBy('enrolled_at', 'desc').limit(1).executeTakeFirstOrThrow()
  ).id;
  return { desk, student, deskId };
}

const serverHasAuditOf = async (deskId: string, paymentId: string) =>
  (
    await server.database.db
      .selectFrom('audit_row')
      .select('seq')
      .where('desk_id', '=', deskId)
      .where('entity_id', '=', paymentId)
      .execute()
  ).length > 0;

describe('a payment’s audit rows reach the server promptly', () => {
  it('with the loop running at its usual 30-second interval, the rows of a payment are on the server within seconds', async () => {
    const { desk, student, deskId } = await enrolledDesk('Prompt');
    desk.app.sync.start();
    try {
      // The loop's first round (a second after start) is over: the next is planned 30 s away.
      const planned = () => {
        const view = desk.app.sync.view();
        return !view.syncing && view.nextAttemptAt !== null && Date.parse(view.nextAttemptAt) - desk.clock.current.getTime() >= 20_000;
      };
      await expect.poll(planned, { timeout: 20_000 }).toBe(true);
      for (let i = 0; i < 3; i += 1) {
        const paid = await desk.ok('payments.record', { studentIds: [student.id], amount: 100_00 + i, method: { mode: 'cash' } });
        // Before: nothing left the desk until the next interval, so this waited ~30 s and failed.
        await expect
          .poll(() => serverHasAuditOf(deskId, paid.paymentId), { timeout: 12_000, message: `audit of payment ${i + 1} on the server` })
          .toBe(true);
      }
      // The round that carried the last payment's rows records what the server holds as it ends.
      await expect
        .poll(
          async () => {
            const { audit } = await desk.ok('sync.status');
            return audit.held === audit.rows && audit.unsyncedSince === null && !audit.stale;
          },
          { timeout: 12_000 },
        )
        .toBe(true);
    } finally {
      await desk.app.sync.stop();
    }
  });

  it('an offline desk is not hammered: after a failed round, a payment does not bring the retry forward', async () => {
    const { desk, student } = await enrolledDesk('Offline');
    await desk.ok('sync.setEnabled', { enabled: true });
    await server.close();
    try {
      desk.app.sync.start();
      await expect.poll(() => desk.app.sync.view().online, { timeout: 20_000 }).toBe(false);
      const planned = desk.app.sync.view().nextAttemptAt;
      await desk.ok('payments.record', { studentIds: [student.id], amount: 250_00, method: { mode: 'cash' } });
      expect(desk.app.sync.view().nextAttemptAt).toBe(planned);
    } finally {
      await desk.app.sync.stop();
      server = await startSyncServer({ kind: 'pglite' });
    }
  });
});

describe('a desk whose audit has not reached the server says so', () => {
  it(`flags audit rows older than ${AUDIT_STALE_MINUTES} minutes that the server does not hold, and clears once it does`, async () => {
    const { desk, student } = await enrolledDesk('Stale');
    expect((await desk.ok('sync.status')).audit).toMatchObject({ unsyncedSince: null, stale: false });
    // The loop is not running (as when the network is down): the payment's rows wait on the desk.
    const at = desk.clock.current.toISOString();
    await desk.ok('payments.record', { studentIds: [student.id], amount: 700_00, method: { mode: 'cash' } });
    const fresh = (await desk.ok('sync.status')).audit;
    expect(fresh.unsyncedSince).toBe(at);
    expect(fresh.stale).toBe(false);
    expect(fresh.rows).toBeGreaterThan(fresh.held);

    desk.clock.current = new Date(desk.clock.current.getTime() + (AUDIT_STALE_MINUTES + 1) * 60_000);
    // That long idle locked the first window: the check is made from a second one.
    await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
    expect((await desk.ok('sync.status', undefined, 'check')).audit).toMatchObject({ unsyncedSince: at, stale: true });

    await desk.app.sync.runNow();
    expect((await desk.ok('sync.status', undefined, 'check')).audit).toMatchObject({ unsyncedSince: null, stale: false });
  });
});

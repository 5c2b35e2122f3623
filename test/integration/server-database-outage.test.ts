// PostgreSQL goes away under a running sync server (issue 21): the server process stays up, answers every request 503
// with Retry-After while the database is gone, and serves again by itself once PostgreSQL is back, nothing lost.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openServerDatabase } from '../../src/server/db/connect';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import { freePort, postgresUnavailable, startTestPostgres, until } from '../support/postgres';
import { admit, seedSmallSchool } from '../support/school';
import { startServerProcess } from '../support/server-process';
import { openSyncDesk, serverFigures } from '../support/sync-server';

const pg = await startTestPostgres();
afterAll(async () => pg?.stop());
const outage = pg?.outage;

describe.skipIf(!pg || !outage)(
  `PostgreSQL restarting under the sync server${outage ? '' : ` (skipped: ${postgresUnavailable || 'no local cluster'})`}`,
  () => {
    it('answers 503 with Retry-After while PostgreSQL is down, stays up, and syncs again once it is back', async () => {
      const url = await pg!.newDatabase();
      const adminToken = randomUUID().replaceAll('-', '');
      const port = await freePort();
      const server = await startServerProcess({ DATABASE_URL: url, FEEDESK_ADMIN_TOKEN: adminToken }, port);
      const base = `http://127.0.0.1:${port}`;
      const post = (path: string, body: unknown, token: string) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      const issue = async (deskCode: string) => {
        const res = await post('/v1/admin/enrollments', { schoolName: 'Green Valley School', deskCode }, adminToken);
        return ((await res.json()) as { code: string }).code;
      };
      const desk = await openSyncDesk('D01');
      try {
        const school = await seedSmallSchool(desk);
        const { id: studentId } = await admit(desk, school);
        await desk.ok('sync.enroll', { serverUrl: base, code: await issue('D01') });
        await desk.ok('payments.record', { studentIds: [studentId], amount: 1500_00, method: { mode: 'cash' } });
        await desk.app.sync.runNow();
        expect((await desk.ok('sync.status')).queue).toBe(0);
        // A second desk's token, for requests sent by hand.
        const enrolled = await fetch(`${base}/v1/enroll`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: await issue('D02'), deskCode: 'D02' }),
        });
        const other = (await enrolled.json()) as { deskId: string; token: string };
        const pull = () => post('/v1/pull', { deskId: other.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, other.token);
        expect((await pull()).status).toBe(200);

        outage!.shutDown();
        for (const res of [
          await pull(),
          await post('/v1/push', { deskId: other.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [] }, other.token),
        ]) {
          expect(res.status).toBe(503);
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(await res.json()).toMatchObject({
            error: { code: 'unavailable', message: expect.stringMatching(/cannot reach its database.*nothing was applied/) },
          });
        }
        // The desk collects on; its sync fails and keeps the payment queued.
        await desk.ok('payments.record', { studentIds: [studentId], amount: 700_00, method: { mode: 'cash' } });
        await desk.app.sync.runNow().catch(() => {});
        expect((await desk.ok('sync.status')).queue).toBe(1);
        expect(server.alive(), server.output()).toBe(true);

        outage!.startUp();
        await until(async () => {
          await desk.app.sync.runNow().catch(() => {});
          return (await desk.ok('sync.status')).queue === 0;
        }, 'the desk to sync after PostgreSQL came back');
        expect((await pull()).status).toBe(200);
        expect(server.alive()).toBe(true);
        const db = await openServerDatabase({ databaseUrl: url });
        try {
          expect((await serverFigures(db.db)).payments).toEqual({ count: 2, total: 2200_00 });
        } finally {
          await db.close();
        }
      } finally {
        await desk.close();
        await server.stop();
      }
    }, 120_000);

    it('keeps /health answering while /ready says the database is gone, and /ready recovers with it', async () => {
      const port = await freePort();
      const server = await startServerProcess({ DATABASE_URL: await pg!.newDatabase() }, port);
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      try {
        expect((await get('/health')).status).toBe(200);
        expect((await get('/ready')).status).toBe(200);
        outage!.shutDown();
        expect(await (await get('/health')).json()).toMatchObject({ ok: true });
        const started = Date.now();
        const notReady = await get('/ready');
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(notReady.status).toBe(503);
        expect(Number(notReady.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await notReady.json()).toMatchObject({
          error: { code: 'unavailable', message: expect.stringMatching(/cannot reach its database/) },
        });
        outage!.startUp();
        await until(async () => (await get('/ready')).status === 200, '/ready once PostgreSQL is back');
        expect(server.alive()).toBe(true);
      } finally {
        await server.stop();
      }
    }, 120_000);
  },
);

// The sync server's PostgreSQL pool (issue 21): its size and acquire timeout are settings, a request that cannot get a
// connection in time is answered 503 instead of queueing forever, and every connection carries statement, lock and
// idle-in-transaction timeouts, so a frozen instance cannot hold a school's lock or a connection for ever.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type PoolSettings, type ServerDatabase } from '../../src/server/db/connect';
import { createEnrollment } from '../../src/server/enrollment';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import { postgresUnavailable, startTestPostgres, until } from '../support/postgres';

const pgServer = await startTestPostgres();
afterAll(async () => pgServer?.stop());

const opened: ServerDatabase[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

async function open(pool: Partial<PoolSettings>, errors: Error[] = []) {
  const url = await pgServer!.newDatabase();
  const database = await openServerDatabase({ databaseUrl: url, pool, onConnectionError: (err) => errors.push(err) });
  opened.push(database);
  return { database, url };
}

describe.skipIf(!pgServer)(`the sync server's PostgreSQL pool${pgServer ? '' : ` (skipped: ${postgresUnavailable})`}`, () => {
  it('answers 503 with Retry-After within the acquire timeout when every connection is taken', async () => {
    const { database } = await open({ max: 1, acquireTimeoutMs: 300 });
    const { app } = await buildSyncServer({ db: database.db });
    try {
      const { code } = await createEnrollment(database.db, {
        schoolName: 'Pool School',
        branchName: 'Main',
        deskCode: 'D01',
        validHours: 1,
      });
      const enrolled = await app.inject({ method: 'POST', url: '/v1/enroll', payload: { code, deskCode: 'D01' } });
      const { deskId, token } = enrolled.json<{ deskId: string; token: string }>();
      const pull = () =>
        app.inject({
          method: 'POST',
          url: '/v1/pull',
          headers: { authorization: `Bearer ${token}` },
          payload: { deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null },
        });
      expect((await pull()).statusCode).toBe(200);

      let free!: () => void;
      const held = new Promise<void>((resolve) => (free = resolve));
      let taken!: () => void;
      const isTaken = new Promise<void>((resolve) => (taken = resolve));
      const holder = database.db.connection().execute(async () => {
        taken();
        await held;
      });
      await isTaken;
      const started = Date.now();
      const refused = await pull();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(refused.statusCode).toBe(503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/busy.*nothing was applied/) } });

      free();
      await holder;
      expect((await pull()).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('gives every connection the statement, lock and idle-in-transaction timeouts it is configured with', async () => {
    const { database: defaults } = await open({});
    const show = async (db: ServerDatabase['db']) => {
      const rows = await sql<{ s: string; l: string; i: string }>`select current_setting('statement_timeout') as s,
        current_setting('lock_timeout') as l, current_setting('idle_in_transaction_session_timeout') as i`.execute(db);
      return rows.rows[0];
    };
    expect(await show(defaults.db)).toEqual({ s: '30s', l: '10s', i: '1min' });
    const { database: tuned } = await open({ statementTimeoutMs: 4000, lockTimeoutMs: 2000, idleInTransactionTimeoutMs: 0 });
    expect(await show(tuned.db)).toEqual({ s: '4s', l: '2s', i: '0' });
  });

  it('has PostgreSQL close a connection left idle in a transaction, and the server carries on', async () => {
    const errors: Error[] = [];
    const { database, url } = await open({ idleInTransactionTimeoutMs: 300 }, errors);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const idleInTransaction = async () =>
        Number(
          (
            await admin.query(
              `select count(*) as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`,
            )
          ).rows[0].n,
        );
      // A frozen instance: a transaction that took a school's lock and then stopped talking.
      const frozen = database.db.transaction().execute(async (trx) => {
        await sql`select id from school for update`.execute(trx);
        await until(async () => errors.length > 0, 'PostgreSQL to close the idle transaction', 30_000);
        await sql`select 1`.execute(trx);
      });
      await expect(frozen).rejects.toThrow();
      expect(await idleInTransaction()).toBe(0);
      expect(errors[0]!.message).toMatch(/idle-in-transaction timeout/);
      // The pool replaced the connection: the next request is served.
      expect((await sql<{ n: number }>`select 1 as n`.execute(database.db)).rows).toEqual([{ n: 1 }]);
    } finally {
      await admin.end();
    }
  });

  it("answers 503 when a frozen instance holds a school's push lock, and other schools push on", async () => {
    const { database, url } = await open({ max: 3, lockTimeoutMs: 500 });
    const { app } = await buildSyncServer({ db: database.db });
    const frozen = new pg.Client({ connectionString: url });
    try {
      const enroll = async (schoolName: string) => {
        const { code } = await createEnrollment(database.db, { schoolName, branchName: 'Main', deskCode: 'D01', validHours: 1 });
        const res = await app.inject({ method: 'POST', url: '/v1/enroll', payload: { code, deskCode: 'D01' } });
        return res.json<{ deskId: string; token: string }>();
      };
      const [a, b] = [await enroll('Lock School A'), await enroll('Lock School B')];
      const createClass = {
        mutationId: 1,
        id: randomUUID(),
        name: 'masters.createClass',
        args: { id: randomUUID(), name: 'Class 5', sortOrder: 5, sections: [] },
      };
      const push = (
        desk: { deskId: string; token: string },
        mutation = { ...createClass, id: randomUUID(), args: { ...createClass.args, id: randomUUID() } },
      ) =>
        app.inject({
          method: 'POST',
          url: '/v1/push',
          headers: { authorization: `Bearer ${desk.token}` },
          payload: { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [mutation] },
        });
      const { school_id: schoolA } = await database.db
        .selectFrom('desk')
        .select('school_id')
        .where('id', '=', a.deskId)
        .executeTakeFirstOrThrow();
      // Another instance froze mid-push: it holds school A's lock in a transaction that never ends.
      await frozen.connect();
      await frozen.query('begin');
      await frozen.query(`select pg_advisory_xact_lock(hashtextextended($1::text, 0))`, [schoolA]);

      const refused = await push(a, createClass);
      expect(refused.statusCode).toBe(503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({
        error: { code: 'unavailable', message: expect.stringMatching(/took too long.*nothing was applied/) },
      });
      expect((await push(b)).statusCode).toBe(200);

      await frozen.query('rollback');
      const accepted = await push(a, createClass);
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ lastMutationId: 1 });
    } finally {
      await frozen.end().catch(() => {});
      await app.close();
    }
  });
});

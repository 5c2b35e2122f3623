// Several sync server instances starting at once on one fresh database, directly and through a pgbouncer in
// transaction mode (issue 21): all come up, the migrations run once, and nothing is left locked for the next start.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openServerDatabase } from '../../src/server/db/connect';
import { serverMigrations } from '../../src/server/db/migrations';
import { pgbouncerUnavailable, startPgbouncer, type TestPgbouncer } from '../support/pgbouncer';
import { freePort, postgresUnavailable, startTestPostgres, until } from '../support/postgres';
import { type ServerProcess, startServerProcess } from '../support/server-process';

const pgServer = await startTestPostgres();
const bouncer: TestPgbouncer | null = pgServer?.address ? await startPgbouncer(pgServer.address) : null;
afterAll(async () => {
  await bouncer?.stop();
  await pgServer?.stop();
});

/** Starts `n` server instances at once; all must answer /health. */
async function startInstances(databaseUrl: string, n: number): Promise<ServerProcess[]> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const started = await Promise.allSettled(ports.map((port) => startServerProcess({ DATABASE_URL: databaseUrl }, port)));
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  await Promise.all(up.map((p) => p.stop()));
  const failed = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
  expect(failed).toEqual([]);
  return up;
}

/** Other instances' requests through pgbouncer: they take whichever server connection is free between statements. */
function traffic(databaseUrl: string, clients = 4) {
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('error', () => {});
    await client.connect();
    while (running) await client.query('select 1');
    await client.end();
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

async function appliedMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const locks = await client.query(`select count(*)::int as n from pg_locks where locktype = 'advisory'`);
    expect(locks.rows[0].n).toBe(0);
    return (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe.skipIf(!pgServer)(`server instances starting together${pgServer ? '' : ` (skipped: ${postgresUnavailable})`}`, () => {
  it('brings up 3 instances at once on a fresh database, migrating it once', async () => {
    const url = await pgServer!.newDatabase();
    await startInstances(url, 3);
    expect(await appliedMigrations(url)).toEqual(Object.keys(serverMigrations).sort());
  }, 120_000);

  it.skipIf(!bouncer)(
    `starts through pgbouncer in transaction mode, 3 at once and again, without hanging${bouncer ? '' : ` (skipped: ${pgbouncerUnavailable})`}`,
    async () => {
      const url = await pgServer!.newDatabase();
      const stopTraffic = traffic(bouncer!.through(url));
      try {
        for (let round = 0; round < 2; round++) await startInstances(bouncer!.through(url), 3);
      } finally {
        await stopTraffic();
      }
      expect(await appliedMigrations(url)).toEqual(Object.keys(serverMigrations).sort());
    },
    120_000,
  );

  it("waits for another instance's migrations longer than the lock timeout, then starts", async () => {
    const url = await pgServer!.newDatabase();
    const other = new pg.Client({ connectionString: url });
    const watcher = new pg.Client({ connectionString: url });
    await other.connect();
    await watcher.connect();
    try {
      // Another instance is in the middle of a long migration.
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtextextended('feedesk server migrations', 0))`);
      let outcome: unknown = 'pending';
      const opening = openServerDatabase({ databaseUrl: url, pool: { lockTimeoutMs: 200, statementTimeoutMs: 200 } }).then(
        (database) => (outcome = database),
        (err: unknown) => (outcome = err),
      );
      // Asked outside the open transaction: inside it, pg_stat_activity is read once and kept.
      const waitedSeconds = async () => {
        const rows = await watcher.query(`select extract(epoch from clock_timestamp() - a.query_start) as s from pg_locks l
          join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and not l.granted`);
        return rows.rows.length > 0 ? Number(rows.rows[0].s) : 0;
      };
      await until(async () => outcome !== 'pending' || (await waitedSeconds()) > 1, 'the new instance to wait on the migration lock');
      expect(outcome).toBe('pending');
      await other.query('commit');
      await opening;
      expect(outcome).not.toBeInstanceOf(Error);
      await (outcome as Awaited<ReturnType<typeof openServerDatabase>>).close();
    } finally {
      await other.end();
      await watcher.end();
    }
  });
});

// Opens the server's database: PostgreSQL through `pg` when DATABASE_URL is given, else an embedded PGlite folder.
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest, ServerDialect } from './migrate';
import type { ServerDB, ServerStore } from './schema';

// Money and sequences fit a JS number (below 2^53); calendar dates stay text, never shifted by a time zone.
const INT8 = 20;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface ServerDatabase {
  db: ServerStore;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/**
 * PGlite is one connection: this pool hands it to one transaction at a time, so the server's PostgresDialect
 * (which expects pg.Pool) can drive it unchanged.
 */
function pgliteDialect(lite: PGlite) {
  let tail = Promise.resolve();
  const client = {
    query: (text: string, params: unknown[]) => lite.query(text, params, { parsers: { [DATE]: (v: string) => v } }),
    release: () => {},
  };
  const pool = {
    connect() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const ready = tail.then(() => ({ ...client, release }));
      tail = tail.then(() => turn);
      return ready;
    },
    end: () => Promise.resolve(),
  };
  return new ServerDialect({ pool: pool as unknown as pg.Pool });
}

/** What each server instance may take from PostgreSQL, and how long anything may wait or hold on. 0 turns a timeout off. */
export interface PoolSettings {
  /** Connections this instance holds at most (FEEDESK_PG_POOL_MAX). */
  max: number;
  /** How long a request waits for a free connection before it is answered 503 (FEEDESK_PG_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs: number;
  /** Longest any one statement may run (FEEDESK_PG_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** Longest a statement waits for a row or table lock, such as a school's push lock (FEEDESK_PG_LOCK_TIMEOUT_MS). */
  lockTimeoutMs: number;
  /** A connection left idle inside a transaction this long is closed by PostgreSQL, its locks freed (FEEDESK_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_POOL: PoolSettings = {
  max: 10,
  acquireTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
};

export interface ServerDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  pool?: Partial<PoolSettings>;
  /** Told when a pooled connection fails (PostgreSQL restarted, network cut); the pool replaces it on the next request. */
  onConnectionError?: (err: Error) => void;
}

export const logLostConnection = (err: Error): void => void process.stderr.write(`database connection lost: ${err.message}\n`);

/**
 * A pg pool that outlives its database: a connection that fails, idle or checked out, is reported and dropped (pg would
 * otherwise throw the error at the process), and the next request opens a new one once PostgreSQL is back.
 */
function postgresPool(url: string, settings: PoolSettings, onError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.max,
    connectionTimeoutMillis: settings.acquireTimeoutMs,
    // Startup parameters: every connection has them from its first statement. 0 sends nothing (the server's own setting).
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    ...(settings.lockTimeoutMs > 0 ? { lock_timeout: settings.lockTimeoutMs } : {}),
    ...(settings.idleInTransactionTimeoutMs > 0 ? { idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs } : {}),
  });
  // An idle connection's error reaches both listeners with the same error object: report it once.
  const reported = new WeakSet<Error>();
  const report = (err: Error) => {
    if (reported.has(err)) return;
    reported.add(err);
    onError(err);
  };
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

export async function openServerDatabase(options: ServerDatabaseOptions): Promise<ServerDatabase> {
  let db: Kysely<ServerDB>;
  let kind: ServerDatabase['kind'];
  let closeExtra = async () => {};
  if (options.databaseUrl) {
    const pool = postgresPool(options.databaseUrl, { ...DEFAULT_POOL, ...options.pool }, options.onConnectionError ?? logLostConnection);
    db = new Kysely<ServerDB>({ dialect: new ServerDialect({ pool }) });
    kind = 'postgres';
  } else {
    const lite = new PGlite(options.dataDir ?? 'memory://');
    await lite.waitReady;
    db = new Kysely<ServerDB>({ dialect: pgliteDialect(lite) });
    kind = 'pglite';
    closeExtra = () => lite.close();
  }
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    await closeExtra();
    throw err;
  }
  return {
    db,
    kind,
    async close() {
      await db.destroy();
      await closeExtra();
    },
  };
}

// kysely's SQLite driver on a connection to the store, with three additions: a transaction takes the write lock when it
// begins (waiting for it without holding up the thread), a transaction that SQLite has already rolled back (after
// SQLITE_FULL, an I/O error) reports why, not "cannot rollback", and every commit is announced.
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { withFailedRollback } from './damage';

export interface StoreDriverHooks {
  /** After each commit (a transaction's, or a write on its own); must not throw: the write is already on disk. */
  committed(): void;
}

class StoreDriver extends SqliteDriver {
  readonly #raw: Database.Database;
  readonly #hooks: StoreDriverHooks;
  #connection: DatabaseConnection | null = null;
  /** The connection's busy timeout (read at the first transaction): how long a transaction waits for the write lock. */
  #busyTimeout: number | undefined;
  /** The first statement that failed in the open transaction. */
  #failure: { error: unknown } | null = null;

  constructor(config: SqliteDialectConfig, raw: Database.Database, hooks: StoreDriverHooks) {
    super(config);
    this.#raw = raw;
    this.#hooks = hooks;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#connection) {
      const inner = await super.acquireConnection();
      this.#connection = {
        executeQuery: <R>(query: CompiledQuery) => this.#run<R>(inner, query),
        streamQuery: (...args) => inner.streamQuery(...args),
      };
    }
    return this.#connection;
  }

  async #run<R>(inner: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    let result: QueryResult<R>;
    try {
      result = await inner.executeQuery<R>(query);
    } catch (err) {
      this.#failure ??= { error: err };
      throw err;
    }
    // A write outside a transaction, or the commit of one, is now in the store.
    if (result.numAffectedRows !== undefined && !this.#raw.inTransaction && query.sql !== 'rollback') this.#hooks.committed();
    return result;
  }

  /**
   * BEGIN IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before the transaction reads anything.
   * A deferred transaction that read first could not write at all once a worker's connection (a pull's pages, an
   * import) had committed since its read began: SQLite refuses it at once (SQLITE_BUSY_SNAPSHOT), without waiting.
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.#failure = null;
    // Waited for here, not in SQLite's busy handler: that one sleeps on this thread, and while a worker's
    // transaction (a pull's slice, an import's commit) holds the lock, the cashier's whole desk would stand still.
    const timeout = (this.#busyTimeout ??= this.#raw.pragma('busy_timeout', { simple: true }) as number);
    const deadline = Date.now() + timeout;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      this.#raw.pragma('busy_timeout = 0');
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        return;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      } finally {
        this.#raw.pragma(`busy_timeout = ${timeout}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const first = this.#failure;
    this.#failure = null;
    // SQLite has rolled the whole transaction back itself (disk full, I/O error): a rollback now would only fail.
    if (!this.#raw.inTransaction) return;
    try {
      await super.rollbackTransaction(connection);
    } catch (err) {
      throw first ? withFailedRollback(first.error, err) : err;
    }
  }
}

/** The dialect of `database` (the connection `raw`, or a wrapper of it) with the driver above. */
export class StoreDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #raw: Database.Database;
  readonly #hooks: StoreDriverHooks;

  constructor(config: SqliteDialectConfig, raw: Database.Database, hooks: StoreDriverHooks) {
    super(config);
    this.#config = config;
    this.#raw = raw;
    this.#hooks = hooks;
  }

  override createDriver(): Driver {
    return new StoreDriver(this.#config, this.#raw, this.#hooks);
  }
}

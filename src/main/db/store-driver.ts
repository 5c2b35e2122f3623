// kysely's SQLite driver on a connection to the store, with three additions: a transaction takes the write lock when it
// begins, a transaction that SQLite has already rolled back (after SQLITE_FULL, an I/O error) reports why, not "cannot
// rollback", and every commit is announced.
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
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
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

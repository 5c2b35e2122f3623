// Opens the encrypted store: key first, probe, pragmas, then migrations.
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { AppError } from '../../shared/contract/errors';
import { migrations } from './migrations';
import type { DB, Store } from './schema';
import { StoreDialect, type StoreDriverHooks } from './store-driver';

export const KEY_BYTES = 32;

export interface OpenedStore {
  db: Store;
  /** The database key (null: unencrypted), for the report worker's own read connection. */
  key: Buffer | null;
  /** The raw connection, for pragmas kysely has no words for (rekey, backup). */
  raw: Database.Database;
  /**
   * Stops the timed checkpoints until the returned release is called (each hold released once): while a worker writes
   * a bulk pull, it checkpoints on its own connection, and a checkpoint of its WAL here would stall the cashier's thread.
   */
  holdCheckpoints(): () => void;
  close(): Promise<void>;
}

/** A raw key goes in as a hex blob literal, which SQLite3MultipleCiphers uses as-is (no KDF). */
export function keyPragma(name: 'key' | 'rekey', key: Buffer): string {
  if (key.length !== KEY_BYTES) throw new Error(`database key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return `${name}="x'${key.toString('hex')}'"`;
}

/**
 * Opens the connection and proves the key. A wrong key fails here with a clear message and
 * nothing written: the probe is the first read, and pragmas that write come after it.
 * `key: null` opens an unencrypted file (used only as the benchmark baseline).
 */
export function openConnection(path: string, key: Buffer | null): Database.Database {
  const raw = new Database(path);
  try {
    if (key) raw.pragma(keyPragma('key', key));
    raw.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    raw.close();
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new AppError('wrong_key', 'database key does not match: this store was encrypted with another key');
    }
    throw err;
  }
  raw.pragma('journal_mode = WAL');
  // FULL: a payment is on disk before its receipt prints.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Temp files are not encrypted: keep them in memory.
  raw.pragma('temp_store = MEMORY');
  raw.pragma('busy_timeout = 5000');
  // Every page read from disk is decrypted: keep a working set of 64 MiB decrypted in memory.
  raw.pragma('cache_size = -65536');
  // Checkpoints run on a timer between actions (see startCheckpoints), not inside a cashier's payment;
  // this threshold is only the safety net.
  raw.pragma('wal_autocheckpoint = 10000');
  return raw;
}

/**
 * A second, read-only connection for reports and exports on a worker thread: WAL lets it read a steady snapshot
 * beside the writer. It never migrates or writes, and keeps a page cache of its own.
 */
export function openReader(path: string, key: Buffer | null, cacheMiB: number): Database.Database {
  const raw = new Database(path, { readonly: true, fileMustExist: true });
  try {
    if (key) raw.pragma(keyPragma('key', key));
    raw.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    raw.close();
    throw err;
  }
  raw.pragma('temp_store = MEMORY');
  raw.pragma('busy_timeout = 5000');
  raw.pragma(`cache_size = -${cacheMiB * 1024}`);
  return raw;
}

async function refuseNewerSchema(raw: Database.Database): Promise<void> {
  const table = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
  if (!table) return;
  const applied = raw.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
  const unknown = applied.map((m) => m.name).filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    throw new AppError(
      'store_too_new',
      `this database was written by a newer FeeDesk (schema ${unknown.at(-1)}); install that version or newer to open it`,
    );
  }
}

export async function migrateToLatest(db: Store): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * kysely prepares every query afresh; SQLite's parse and plan then dominate small queries. This keeps
 * prepared statements by their SQL text (kysely only runs them to completion, never two iterations at once).
 */
export function withStatementCache(raw: Database.Database, size = 512): Database.Database {
  const cache = new Map<string, Database.Statement>();
  return new Proxy(raw, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = target.prepare(source);
          if (cache.size >= size) cache.delete(cache.keys().next().value!);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/**
 * Copies the WAL into the database every few seconds, through kysely so it waits for any open
 * transaction; keeps the WAL short without making a payment pay for it. Skipped while `held()`.
 */
function startCheckpoints(db: Store, everyMs: number, held: () => boolean): () => void {
  const timer = setInterval(() => {
    if (held()) return;
    sql`pragma wal_checkpoint(PASSIVE)`.execute(db).catch(() => {
      // A busy checkpoint is retried on the next tick.
    });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function openStore(path: string, key: Buffer | null, hooks: StoreDriverHooks = { committed: () => {} }): Promise<OpenedStore> {
  const raw = openConnection(path, key);
  const db = new Kysely<DB>({ dialect: new StoreDialect({ database: withStatementCache(raw) }, raw, hooks) });
  try {
    await refuseNewerSchema(raw);
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  let holds = 0;
  const stopCheckpoints = startCheckpoints(db, 5_000, () => holds > 0);
  return {
    db,
    key,
    raw,
    holdCheckpoints() {
      holds += 1;
      let released = false;
      return () => {
        if (!released) holds -= 1;
        released = true;
      };
    },
    close: async () => {
      stopCheckpoints();
      await db.destroy();
    },
  };
}

/**
 * Changes the key of an open store. The bundled cipher library cannot rekey in WAL mode,
 * so the store leaves WAL (checkpointing it), rekeys, and goes back.
 * No other connection may be open on the file meanwhile.
 */
export function rekey(raw: Database.Database, newKey: Buffer): void {
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.pragma('journal_mode = DELETE');
  try {
    raw.pragma(keyPragma('rekey', newKey));
  } finally {
    raw.pragma('journal_mode = WAL');
  }
  raw.prepare('SELECT count(*) FROM sqlite_master').get();
}

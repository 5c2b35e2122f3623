// Brings the server's database to the latest migration, safely with several instances starting at once and behind a
// pooler in transaction mode: one transaction holds a transaction-scoped advisory lock for the whole run.
import { type Kysely, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { serverMigrations } from './migrations';
import type { ServerDB } from './schema';

// Kysely's own Postgres lock is a session lock taken and released in separate statements: through a transaction-mode
// pgbouncer they reach different server connections, the unlock misses and the lock stays with a pooled session, so
// the next start waits on it (issue 21). A transaction lock goes away with its transaction, wherever it ran.
const takeLock = (db: Kysely<unknown>) => sql`select pg_advisory_xact_lock(hashtextextended('feedesk server migrations', 0))`.execute(db);

class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await takeLock(db);
  }
  override async releaseMigrationLock(): Promise<void> {}
}

/** PostgresDialect whose migrations lock for their transaction only. */
export class ServerDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new TransactionLockAdapter();
  }
}

/**
 * Every migration not yet applied, in one transaction behind the lock: the lock comes first, so a second instance
 * waits and then finds the work done, even the migration table's creation (which `if not exists` alone does not make
 * safe when two instances race).
 */
export async function migrateToLatest(db: Kysely<ServerDB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // An index built on a large table outlasts the request timeouts, and a second instance waits out the first's
    // migrations: neither limit applies here (SET LOCAL ends with the transaction, so no pooled connection keeps it).
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`set local lock_timeout = 0`.execute(trx);
    await takeLock(trx as unknown as Kysely<unknown>);
    const migrator = new Migrator({ db: trx, provider: { getMigrations: async () => serverMigrations } });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`server migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
    }
  });
}

// Opens the server's database: PostgreSQL through `pg` when DATABASE_URL is given, else an embedded PGlite folder.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { serverMigrations } from './migrations';
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
 * PGlite is one connection: this pool hands it to one transaction at a time, so kysely's
 * PostgresDialect (which expects pg.Pool) can drive it unchanged.
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
  return new PostgresDialect({ pool: pool as unknown as pg.Pool });
}

export async function openServerDatabase(options: { databaseUrl?: string; dataDir?: string; poolSize?: number }): Promise<ServerDatabase> {
  let db: Kysely<ServerDB>;
  let kind: ServerDatabase['kind'];
  let closeExtra = async () => {};
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    db = new Kysely<ServerDB>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const lite = new PGlite(options.dataDir ?? 'memory://');
    await lite.waitReady;
    db = new Kysely<ServerDB>({ dialect: pgliteDialect(lite) });
    kind = 'pglite';
    closeExtra = () => lite.close();
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => serverMigrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    await closeExtra();
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`server migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
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

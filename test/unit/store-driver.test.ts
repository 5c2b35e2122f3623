// The store's kysely driver keeps a transaction's first failure (issue 17, item 13): when SQLite has rolled back by itself
// nothing is rolled back again, and a rollback that fails is kept as the secondary of the failure that led to it.
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreDialect } from '../../src/main/db/store-driver';

const open: Kysely<unknown>[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** A store on memory whose `rollback` fails when `failRollback` says so; `commits` counts the commits announced. */
function memoryStore(failRollback: () => boolean) {
  const raw = new Database(':memory:');
  raw.exec('create table t (x integer not null)');
  const database = new Proxy(raw, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          if (source === 'rollback' && failRollback())
            throw Object.assign(new Error('cannot roll back (injected)'), { code: 'SQLITE_IOERR' });
          return target.prepare(source);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const state = { commits: 0 };
  const db = new Kysely<unknown>({ dialect: new StoreDialect({ database }, raw, { committed: () => void state.commits++ }) });
  open.push(db);
  return { raw, db, state };
}

describe('the store driver', () => {
  it('reports the failed statement, not the rollback that failed after it, keeping the rollback as secondary', async () => {
    const { raw, db } = memoryStore(() => true);
    const failure = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into t values (1)`.execute(tx);
        await sql`insert into t values (null)`.execute(tx);
      })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL', rollbackError: { message: 'cannot roll back (injected)' } });
    raw.exec('rollback');
  });

  it('does not roll back what SQLite already rolled back, and the first error is what comes out', async () => {
    const { raw, db } = memoryStore(() => false);
    const failure = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into t values (1)`.execute(tx);
        // What SQLITE_FULL or an I/O error does inside SQLite: the whole transaction is gone.
        raw.exec('rollback');
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(raw.prepare('select count(*) as n from t').get()).toEqual({ n: 0 });
  });

  it('announces each commit, and a write outside a transaction, but not a read or a rollback', async () => {
    const { db, state } = memoryStore(() => false);
    await db.transaction().execute((tx) => sql`insert into t values (1)`.execute(tx));
    await sql`insert into t values (2)`.execute(db);
    await sql`select * from t`.execute(db);
    await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into t values (3)`.execute(tx);
        throw new Error('changed my mind');
      })
      .catch(() => {});
    expect(state.commits).toBe(2);
  });
});

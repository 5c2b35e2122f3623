// A push reads what its batch needs from ten tables in one statement (batch-state.ts, readTogether) and writes its rows
// in another (push.ts, writeTogether). The reads must give exactly the rows the queries give one by one, with the same
// types (INT8 as numbers, jsonb as objects, booleans, nulls); the writes must all land, rows that refer to each other
// included, the change log's in the order given; and either must still work, one statement at a time, with more
// parameters than one statement may bind.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTogether } from '../../src/server/batch-state';
import { writeTogether } from '../../src/server/push';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import type { ServerTx } from '../../src/server/db/schema';
import { syncBackends } from '../support/sync-server';

const backends = await syncBackends();

describe.each(backends)('reading a batch in one statement on %s', (_name, backend) => {
  let database: ServerDatabase;
  const school = randomUUID();
  const desk = randomUUID();
  const students = [randomUUID(), randomUUID()];
  const payments = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    database = await openServerDatabase(backend.kind === 'postgres' ? { databaseUrl: await backend.pg.newDatabase() } : {});
    const db = database.db;
    const branch = randomUUID();
    await sql`insert into school (id, name) values (${school}, 'Read school')`.execute(db);
    await sql`insert into branch (id, school_id, name) values (${branch}, ${school}, 'Main')`.execute(db);
    await sql`insert into desk (id, school_id, branch_id, code, token_hash, last_mutation_id)
      values (${desk}, ${school}, ${branch}, 'D01', ${randomUUID()}, 7)`.execute(db);
    for (const [i, id] of students.entries())
      await sql`insert into student (id, school_id, admission_no, version, data)
        values (${id}, ${school}, ${`A-${i}`}, ${i + 1}, ${JSON.stringify({ fullName: `Student ${i}`, familyId: null, fees: [1, 2] })})`.execute(
        db,
      );
    for (const [i, id] of payments.entries()) {
      await sql`insert into payment (id, school_id, desk_id, receipt_no, student_id, amount, business_date, status)
        values (${id}, ${school}, ${desk}, ${`2026-27/D01/00000${i + 1}`}, ${students[i % 2]!}, ${9_007_199_254_740 + i}, '2026-04-02',
          ${i === 2 ? 'cancelled' : 'valid'})`.execute(db);
      await sql`insert into allocation (school_id, payment_id, due_id, student_id, amount, event_id)
        values (${school}, ${id}, ${randomUUID()}, ${students[i % 2]!}, ${5000 * (i + 1)}, ${i === 1 ? randomUUID() : null})`.execute(db);
    }
    await sql`insert into credit (school_id, student_id, payment_id, amount, kind) values (${school}, ${students[0]!}, ${payments[0]!}, -2500, 'used')`.execute(
      db,
    );
    await sql`insert into desk_key (key_id, school_id, desk_id, desk_code, public_key, proven)
      values ('00112233445566ff', ${school}, ${desk}, 'D01', 'key', true)`.execute(db);
  });
  afterAll(async () => database?.close());

  const queries = (tx: ServerTx, ids: string[]) => ({
    students: tx.selectFrom('student').select(['id', 'school_id', 'admission_no', 'version', 'data']).where('id', 'in', students),
    payments: tx.selectFrom('payment').select(['id', 'receipt_no', 'amount', 'status']).where('id', 'in', ids).orderBy('receipt_no'),
    allocations: tx
      .selectFrom('allocation')
      .select(['payment_id', 'due_id', 'amount', 'event_id'])
      .where('payment_id', 'in', ids)
      .orderBy('amount'),
    credits: tx.selectFrom('credit').select(['payment_id', 'amount', 'kind', 'event_id']).where('payment_id', 'in', ids),
    keys: tx.selectFrom('desk_key').select(['key_id', 'proven']).where('school_id', '=', school),
    none: tx.selectFrom('desk').select('id').where('school_id', '=', school).where('revoked_at', 'is not', null),
  });

  async function oneByOne(tx: ServerTx, ids: string[]) {
    const q = queries(tx, ids);
    return {
      students: await q.students.execute(),
      payments: await q.payments.execute(),
      allocations: await q.allocations.execute(),
      credits: await q.credits.execute(),
      keys: await q.keys.execute(),
      none: await q.none.execute(),
    };
  }

  it('gives the rows and types the queries give one by one', async () => {
    await database.db.transaction().execute(async (tx) => {
      const together = await readTogether(tx, queries(tx, payments));
      const separate = await oneByOne(tx, payments);
      const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));
      expect(byId(together.students)).toEqual(byId(separate.students));
      expect(together.payments).toEqual(separate.payments);
      expect(together.allocations).toEqual(separate.allocations);
      expect(together.credits).toEqual(separate.credits);
      expect(together.keys).toEqual(separate.keys);
      expect(together.none).toEqual([]);
      // What the push then does with them: arithmetic on INT8, fields of the jsonb record, a boolean.
      expect(together.payments.map((p) => p.amount)).toEqual([9_007_199_254_740, 9_007_199_254_741, 9_007_199_254_742]);
      expect(together.payments[2]!.status).toBe('cancelled');
      expect(together.allocations.map((a) => a.event_id === null)).toEqual([true, false, true]);
      expect(together.credits[0]!.amount).toBe(-2500);
      expect(byId(together.students)[0]!.data).toEqual({ fullName: expect.stringMatching(/^Student /), familyId: null, fees: [1, 2] });
      expect(together.keys).toEqual([{ key_id: '00112233445566ff', proven: true }]);
    });
  });

  it('answers reads with more parameters than one statement may bind, one query at a time', async () => {
    // Limited here to 6 parameters, so the reads below (3 ids in each of three queries, and more) go one by one.
    await database.db.transaction().execute(async (tx) => {
      const many = [...payments, ...Array.from({ length: 5 }, () => randomUUID())];
      expect(await readTogether(tx, queries(tx, many), 6)).toEqual(await oneByOne(tx, many));
    });
  });

  describe.each([
    ['in one statement', undefined],
    ['one statement at a time, past the parameter limit', 4],
  ])('writing a batch %s', (_how, limit) => {
    it('lands every row, a payment and the allocation referring to it included, the change log in the order given', async () => {
      const payment = randomUUID();
      const batch = randomUUID().slice(0, 16);
      const names = ['first', 'second', 'third'].map((n) => `${n} ${batch}`);
      await database.db.transaction().execute(async (tx) => {
        await writeTogether(
          tx,
          [
            tx.insertInto('payment').values({
              id: payment,
              school_id: school,
              desk_id: desk,
              receipt_no: `2026-27/D01/${batch}`,
              student_id: students[0]!,
              amount: 700,
              business_date: '2026-04-03',
              status: 'valid',
            }),
            tx.insertInto('allocation').values({
              school_id: school,
              payment_id: payment,
              due_id: randomUUID(),
              student_id: students[0]!,
              amount: 700,
              event_id: null,
            }),
            tx.updateTable('desk').set({ last_mutation_id: 42 }).where('id', '=', desk),
            tx.insertInto('change').values(names.map((name) => ({ school_id: school, desk_id: desk, name, args: '{}', batch }))),
          ],
          limit,
        );
      });
      const db = database.db;
      expect(await db.selectFrom('allocation').select('amount').where('payment_id', '=', payment).execute()).toEqual([{ amount: 700 }]);
      expect(await db.selectFrom('desk').select('last_mutation_id').where('id', '=', desk).executeTakeFirst()).toEqual({
        last_mutation_id: 42,
      });
      const logged = await db.selectFrom('change').select('name').where('batch', '=', batch).orderBy('seq').execute();
      expect(logged.map((c) => c.name)).toEqual(names);
    });

    it('writes nothing when one of them is refused', async () => {
      const batch = randomUUID().slice(0, 16);
      const write = database.db.transaction().execute(async (tx) => {
        await writeTogether(
          tx,
          [
            tx.insertInto('change').values({ school_id: school, desk_id: desk, name: 'kept?', args: '{}', batch }),
            // No such payment: the foreign key refuses it, at the end of the statement or on its own.
            tx.insertInto('allocation').values({
              school_id: school,
              payment_id: randomUUID(),
              due_id: randomUUID(),
              student_id: students[0]!,
              amount: 700,
              event_id: null,
            }),
          ],
          limit,
        );
      });
      await expect(write).rejects.toThrow(/foreign key/);
      expect(await database.db.selectFrom('change').select('seq').where('batch', '=', batch).execute()).toEqual([]);
    });
  });
});

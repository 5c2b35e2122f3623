// A sync server that held payments before it kept bank references (server migration 0004): each standing payment's
// UTR or bank reference, and the UPI QR reference it names, become the school's, the first payment keeping a
// reference named twice; a cancelled payment holds none.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { serverMigrations } from '../../src/server/db/migrations';

const lite = new PGlite('memory://');
// PGlite is one connection: kysely's dialect is handed it as a one-client pool.
const pool = { connect: async () => ({ query: (t: string, p: unknown[]) => lite.query(t, p), release: () => {} }), end: async () => {} };
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
afterAll(async () => {
  await db.destroy();
  await lite.close();
});

const upTo = (last: string) =>
  new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(Object.entries(serverMigrations).filter(([n]) => n <= last)) },
  });

it('takes the references of the payments a server already holds into the books, once each', async () => {
  expect((await upTo('0003_desk_controls').migrateToLatest()).error).toBeUndefined();
  const school = randomUUID();
  const branch = randomUUID();
  const desk = randomUUID();
  const student = randomUUID();
  await sql`insert into school (id, name) values (${school}, 'Sunrise')`.execute(db);
  await sql`insert into branch (id, school_id, name) values (${branch}, ${school}, 'Main')`.execute(db);
  await sql`insert into desk (id, school_id, branch_id, code, token_hash) values (${desk}, ${school}, ${branch}, 'D01', 'x')`.execute(db);
  await sql`insert into student (id, school_id, admission_no, version, data) values (${student}, ${school}, 'A-1', 1, '{}')`.execute(db);
  const pay = async (receiptNo: string, mode: string, references: Record<string, string>, status = 'valid') => {
    const id = randomUUID();
    await sql`insert into payment (id, school_id, desk_id, receipt_no, student_id, amount, business_date, status)
      values (${id}, ${school}, ${desk}, ${receiptNo}, ${student}, 100, '2026-04-02', ${status})`.execute(db);
    const args = { payment: { id, mode, reference_json: JSON.stringify(references) } };
    await sql`insert into change (school_id, desk_id, name, args) values (${school}, ${desk}, 'payments.record', ${JSON.stringify(args)}::jsonb)`.execute(
      db,
    );
    return id;
  };
  const upi = await pay('R1', 'upi', { utr: '412345678901', upiRef: 'FDD01000001' });
  const transfer = await pay('R2', 'bank_transfer', { reference: 'n1232600-12345678' });
  await pay('R3', 'upi', { utr: '412345678901' }); // the same UTR again: the first keeps it
  await pay('R4', 'upi', { utr: '512345678901' }, 'cancelled');
  await pay('R5', 'cash', {});

  expect((await upTo('9999').migrateToLatest()).error).toBeUndefined();
  const held = await sql<{ ref: string; payment_id: string }>`select ref, payment_id from bank_reference order by ref`.execute(db);
  expect(held.rows).toEqual([
    { ref: '412345678901', payment_id: upi },
    { ref: 'N123260012345678', payment_id: transfer },
    { ref: 'QR:FDD01000001', payment_id: upi },
  ]);
});

// The queries every push runs find their rows by index (issue 21): the allocations and credit of the payments in the
// batch, and the desk code's revoked enrollments. Sequential scans are switched off, so a plan without an index scan
// means no index fits.
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import { overpaidDues } from '../../src/server/push-rules';
import { seedOtherSchools } from '../support/other-schools';
import { syncBackends } from '../support/sync-server';

const backends = await syncBackends();

const PUSH_QUERIES: [string, string, string][] = [
  [
    'allocation',
    'allocation_payment',
    `select payment_id, due_id, student_id, amount, event_id from allocation where payment_id in ($1, $2)`,
  ],
  ['credit', 'credit_payment', `select student_id, payment_id, amount, kind, event_id from credit where payment_id in ($1, $2)`],
  ['desk', 'desk_school_code', `select id from desk where school_id = $1 and code = 'D01' and id != $2 and revoked_at is not null`],
];

describe.each(backends)('the push queries on %s', (_name, backend) => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await openServerDatabase(backend.kind === 'postgres' ? { databaseUrl: await backend.pg.newDatabase() } : {});
  });
  afterAll(async () => database?.close());

  it.each(PUSH_QUERIES)('reads %s through the index %s', async (_table, index, query) => {
    const plan = await database.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const prepared = sql.raw(`explain ${query.replace('$1', `'${randomUUID()}'`).replace('$2', `'${randomUUID()}'`)}`);
      return (await prepared.execute(tx)).rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n');
    });
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});

const postgres = backends.find(([, b]) => b.kind === 'postgres')?.[1];

describe.runIf(postgres?.kind === 'postgres')('the overpayment check on PostgreSQL beside 100 other schools', () => {
  let database: ServerDatabase;
  const dues: string[] = [];
  beforeAll(async () => {
    if (postgres?.kind !== 'postgres') return;
    const databaseUrl = await postgres.pg.newDatabase();
    database = await openServerDatabase({ databaseUrl });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // As the bigchain bench: 10,000 caps and 100,000 allocations of other schools, analyzed.
      await seedOtherSchools(client, 100, 100_000);
      dues.push(...(await client.query<{ due_id: string }>('select due_id from due_cap limit 10')).rows.map((r) => r.due_id));
    } finally {
      await client.end();
    }
  }, 120_000);
  afterAll(async () => database?.close());

  it("reads the caps and allocations of the batch's dues by index, not every school's", async () => {
    const query = overpaidDues(database.db, dues).compile();
    const { rows } = await database.db.executeQuery(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
    const plan = rows.map((r) => Object.values(r as Record<string, string>)[0]).join('\n');
    expect(plan).not.toMatch(/Seq Scan on (due_cap|allocation)/);
    expect(plan).toMatch(/Index (Only )?Scan using due_cap_pkey|Bitmap Index Scan on due_cap_pkey/);
  });
});

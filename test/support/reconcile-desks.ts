// Two desks of one school and a sync server, set up for bank reconciliation (issue 19): the school's UPI payee and SBI
// fees account, its students, and what "a bank reference in the books twice" means on a desk and on the server.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import type { ServerStore } from '../../src/server/db/schema';
import { createEnrollment } from '../../src/server/enrollment';
import { paymentBankKey } from '../../src/shared/domain/bank-reference';
import { openSideStore, openTestDesk, schoolInput, tempDir, type TestDesk } from './harness';
import { admit, seedSmallSchool } from './school';
import { ACCOUNTS } from './statements';
import { type Backend, syncAll } from './sync-server';

export { syncAll } from './sync-server';

export const ACCOUNT = ACCOUNTS.sbi;
/** Each student's first quarter: Tuition 3,000 + Transport 1,500. */
export const QUARTER = 4500_00;
export const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

interface Server {
  url: string;
  database: ServerDatabase;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface ReconcileSchool {
  server: Server;
  desks: [TestDesk, TestDesk];
  students: { id: string; admissionNo: string }[];
  close(): Promise<void>;
}

async function newDesk(deskCode: string): Promise<TestDesk> {
  const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.ok('setup.initialize', schoolInput({ deskCode }));
  // Cancelling a receipt takes a second person: each desk has the school's accountant.
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  return desk;
}

/** A sync server with no cap on a desk's requests a minute: long property runs sync far more often than a school. */
async function startServer(backend: Backend): Promise<Server> {
  const folder = backend.kind === 'pglite' ? tempDir() : null;
  const where = folder
    ? { dataDir: folder.dir }
    : { databaseUrl: await (backend as Extract<Backend, { kind: 'postgres' }>).pg.newDatabase() };
  const database = await openServerDatabase(where);
  const { app } = await buildSyncServer({ db: database.db, limits: { perDesk: 1_000_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    database,
    app,
    async close() {
      await app.close();
      await database.close();
      folder?.cleanup();
    },
  };
}

async function enroll(server: Server, desk: TestDesk, deskCode: string) {
  const order = { schoolName: 'Green Valley School', branchName: 'Main', deskCode, validHours: 1 };
  const { code } = await createEnrollment(server.database.db, order);
  await desk.ok('sync.enroll', { serverUrl: server.url, code });
}

/** Desk D01 sets the school up (students, the fees account) and D02 joins it; both are on the 20th of April. */
export async function reconcileSchool(backend: Backend, studentCount: number): Promise<ReconcileSchool> {
  const server = await startServer(backend);
  const a = await newDesk('D01');
  const b = await newDesk('D02');
  const school = await seedSmallSchool(a);
  await a.ok('settings.update', {
    upiId: 'fees.gvs@sbi',
    upiPayeeName: 'Green Valley School',
    bankAccounts: [{ number: ACCOUNT, label: 'Fees account (SBI)', layout: 'sbi' }],
  });
  const students = [];
  for (let i = 0; i < studentCount; i++) students.push(await admit(a, school));
  await enroll(server, a, 'D01');
  await enroll(server, b, 'D02');
  await syncAll(a, b);
  for (const d of [a, b]) await d.travelTo('2026-04-20T05:00:00Z');
  return {
    server,
    desks: [a, b],
    students: students.map((s) => ({ id: s.id, admissionNo: s.admissionNo })),
    async close() {
      await a.close();
      await b.close();
      await server.close();
    },
  };
}

/** A standing payment holding a bank reference, and the change by which it came to hold it. */
export interface Hold {
  key: string;
  paymentId: string;
  /** Recorded under it (a payment's UTR or bank reference), or confirmed by a statement line with it. */
  via: 'record' | 'line';
  /** The change the server refused, if this hold came from one: the desk lists it as refused. */
  refused: boolean;
}

/**
 * Every bank reference a desk holds among its standing payments: recorded under it (payment.bank_ref) or confirmed by a
 * statement line with it (bank_line.payment_id); each marked with whether the server refused the change it came from.
 */
export async function deskHolds(desk: TestDesk): Promise<Hold[]> {
  const side = await openSideStore(desk);
  try {
    const rows = await sql<{ key: string; payment_id: string; via: Hold['via']; refused: number }>`
      with standing as (select p.id, p.bank_ref from payment p where not exists (select 1 from payment_event e where e.payment_id = p.id)),
        refused as (select name, args_json from outbox where state = 'rejected')
      select s.bank_ref as key, s.id as payment_id, 'record' as via,
        exists (select 1 from refused r where r.name = 'payments.record' and json_extract(r.args_json, '$.payment.id') = s.id) as refused
      from standing s where s.bank_ref is not null
      union all
      select b.key, s.id, 'line', exists (
          select 1 from refused r where r.name = 'payments.record' and json_extract(r.args_json, '$.payment.id') = s.id
          union all
          select 1 from refused r where r.name = 'bank.confirm' and json_extract(r.args_json, '$.key') = b.key
            and json_extract(r.args_json, '$.paymentId') = s.id)
      from bank_line b join standing s on s.id = b.payment_id`.execute(side.db);
    return rows.rows.map((r) => ({ key: r.key, paymentId: r.payment_id, via: r.via, refused: r.refused === 1 }));
  } finally {
    await side.close();
  }
}

/** Bank references held by two standing payments or more: key → the payments. */
export function heldTwice(holds: readonly Pick<Hold, 'key' | 'paymentId'>[]): Map<string, string[]> {
  const byKey = new Map<string, Set<string>>();
  for (const h of holds) byKey.set(h.key, (byKey.get(h.key) ?? new Set()).add(h.paymentId));
  return new Map([...byKey].filter(([, ids]) => ids.size > 1).map(([key, ids]) => [key, [...ids].sort()]));
}

/** Standing payments confirmed by two statement lines or more (two bank credits taken as one receipt): payment → keys. */
export function confirmedTwice(holds: readonly Hold[]): Map<string, string[]> {
  const byPayment = new Map<string, Set<string>>();
  for (const h of holds) if (h.via === 'line') byPayment.set(h.paymentId, (byPayment.get(h.paymentId) ?? new Set()).add(h.key));
  return new Map([...byPayment].filter(([, keys]) => keys.size > 1).map(([id, keys]) => [id, [...keys].sort()]));
}

/**
 * The bank references the server's books hold among valid payments, worked out from what it applied (each recorded
 * payment's UTR or bank reference, each confirmed line's key), beside its bank_reference table.
 */
export async function serverHolds(db: ServerStore): Promise<{ holds: Hold[]; table: Map<string, string> }> {
  const changes = await db
    .selectFrom('change')
    .select(['name', 'args'])
    .where('name', 'in', ['payments.record', 'bank.confirm'])
    .orderBy('seq')
    .execute();
  const valid = new Set((await db.selectFrom('payment').select('id').where('status', '=', 'valid').execute()).map((p) => p.id));
  const holds: Hold[] = [];
  for (const c of changes) {
    const args = (typeof c.args === 'string' ? JSON.parse(c.args) : c.args) as Record<string, unknown>;
    if (c.name === 'bank.confirm')
      holds.push({ key: args['key'] as string, paymentId: args['paymentId'] as string, via: 'line', refused: false });
    else {
      const p = args['payment'] as { id: string; mode: string; reference_json: string };
      const key = paymentBankKey(p.mode, JSON.parse(p.reference_json) as Record<string, unknown>);
      if (key) holds.push({ key, paymentId: p.id, via: 'record', refused: false });
    }
  }
  const table = await db.selectFrom('bank_reference').select(['ref', 'payment_id']).execute();
  return {
    holds: holds.filter((h) => valid.has(h.paymentId)),
    table: new Map(table.filter((r) => valid.has(r.payment_id)).map((r) => [r.ref, r.payment_id])),
  };
}

// A real sync server for tests: Fastify on a loopback port over PGlite (a temp data folder) or a fresh PostgreSQL database.
import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import type { ServerStore } from '../../src/server/db/schema';
import { createEnrollment } from '../../src/server/enrollment';
import type { SyncMetrics } from '../../src/server/metrics';
import type { FastifyInstance } from 'fastify';
import type { FetchLike } from '../../src/main/sync/client';
import { openSideStore, openTestDesk, schoolInput, tempDir, type TestDesk } from './harness';
import { afterAll, it } from 'vitest';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres';

export type Backend = { kind: 'pglite' } | { kind: 'postgres'; pg: TestPostgres };

/**
 * The servers a sync test runs against: PGlite always, and a throwaway PostgreSQL cluster when the machine has one
 * (else one skipped test says why); the cluster stops when the test file ends. Called at a test file's top level.
 */
export async function syncBackends(): Promise<[string, Backend][]> {
  const pg = await startTestPostgres();
  afterAll(async () => pg?.stop());
  if (!pg) it.skip(`against real PostgreSQL: ${postgresUnavailable}`, () => {});
  return [['PGlite', { kind: 'pglite' }], ...(pg ? [['PostgreSQL', { kind: 'postgres', pg }] as [string, Backend]] : [])];
}

export interface TestSyncServer {
  url: string;
  port: number;
  database: ServerDatabase;
  app: FastifyInstance;
  metrics: SyncMetrics;
  adminToken: string;
  /** Stops and starts the server on the same port and data (a restart). */
  restart(): Promise<void>;
  /** Stops the server, lets `meanwhile` touch its data (PGlite folder), and starts it again. */
  restartAfter(meanwhile: () => void | Promise<void>): Promise<void>;
  /** Backs the server's database up (server stopped a moment: a copy of the PGlite folder, or of the PostgreSQL database). */
  backup(): Promise<{ restore(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startSyncServer(backend: Backend, port = 0, dataDir?: string): Promise<TestSyncServer> {
  const where = backend.kind === 'pglite' ? { dataDir: dataDir ?? tempDir().dir } : { databaseUrl: await backend.pg.newDatabase() };
  const adminToken = randomUUID().replaceAll('-', '');
  const open = async (listenPort: number) => {
    const database = await openServerDatabase(where);
    const { app, metrics } = await buildSyncServer({ db: database.db, adminToken });
    await app.listen({ port: listenPort, host: '127.0.0.1' });
    return { database, app, metrics, port: (app.server.address() as { port: number }).port };
  };
  let current = await open(port);
  const server: TestSyncServer = {
    url: `http://127.0.0.1:${current.port}`,
    port: current.port,
    database: current.database,
    app: current.app,
    metrics: current.metrics,
    adminToken,
    restart: () => server.restartAfter(() => {}),
    async restartAfter(meanwhile) {
      await current.app.close();
      await current.database.close();
      await meanwhile();
      current = await open(server.port);
      Object.assign(server, { database: current.database, app: current.app, metrics: current.metrics });
    },
    async backup() {
      const copy = backupOf(where);
      await server.restartAfter(copy.take);
      return { restore: () => server.restartAfter(copy.putBack) };
    },
    async close() {
      await current.app.close();
      await current.database.close();
    },
  };
  return server;
}

/** How to copy a stopped server's database aside and put the copy back over it, as an operator's backup and restore. */
function backupOf(where: { dataDir: string } | { databaseUrl: string }) {
  if ('dataDir' in where) {
    const aside = tempDir();
    afterAll(() => aside.cleanup());
    const copy = join(aside.dir, 'db');
    return {
      take: () => cpSync(where.dataDir, copy, { recursive: true }),
      putBack: () => {
        rmSync(where.dataDir, { recursive: true });
        cpSync(copy, where.dataDir, { recursive: true });
      },
    };
  }
  const url = new URL(where.databaseUrl);
  const name = url.pathname.slice(1);
  const admin = async (statements: string[]) => {
    const client = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
  };
  afterAll(() => admin([`drop database if exists ${name}_backup`]));
  return {
    take: () => admin([`create database ${name}_backup template ${name}`]),
    putBack: () => admin([`drop database ${name}`, `create database ${name} template ${name}_backup`]),
  };
}

/** Issues a code on the server and redeems it from the desk, as an admin would on the sync screen. */
export async function enrollDesk(server: TestSyncServer, desk: TestDesk, schoolName = 'Green Valley School', url = server.url) {
  const status = await desk.ok('setup.status');
  const { code } = await createEnrollment(server.database.db, {
    schoolName,
    branchName: 'Main',
    deskCode: status.deskCode!,
    validHours: 1,
  });
  return desk.ok('sync.enroll', { serverUrl: url, code });
}

/** One request per connection (no keep-alive), so a fault proxy sees every request on its own. */
export const oneShotFetch: FetchLike = (url, init) =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method, headers: { ...init.headers, connection: 'close' }, agent: false, signal: init.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: async () => Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response cut off')));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });

export interface StudentFigures {
  outstanding: number;
  credit: number;
  allocated: number;
}

/** What a desk believes about every student, read through a second connection to its encrypted file. */
export async function deskFigures(
  desk: TestDesk,
): Promise<{ students: Map<string, StudentFigures>; queue: number; ownPayments: { count: number; total: number }; receiptNos: string[] }> {
  const side = await openSideStore(desk);
  try {
    const rows = await sql<{ id: string; outstanding: number; credit: number; allocated: number }>`
      select s.id,
        coalesce((select sum(d.amount) from due d where d.student_id = s.id), 0)
        - coalesce((select sum(c.amount) from due_concession c join due d on d.id = c.due_id where d.student_id = s.id), 0)
        - coalesce((select sum(w.amount) from due_waiver w join due d on d.id = w.due_id where d.student_id = s.id), 0)
        - coalesce((select sum(a.amount) from allocation a where a.student_id = s.id), 0) as outstanding,
        coalesce((select sum(amount) from credit_entry where student_id = s.id), 0) as credit,
        coalesce((select sum(a.amount) from allocation a where a.student_id = s.id), 0) as allocated
      from student s order by s.id`.execute(side.db);
    const queue = await sql<{ n: number }>`select count(*) as n from outbox where acked_at is null`.execute(side.db);
    const own = await sql<{
      n: number;
      total: number;
    }>`select count(*) as n, coalesce(sum(amount), 0) as total from payment where desk_code = (select code from desk)`.execute(side.db);
    const receipts = await sql<{ receipt_no: string }>`select receipt_no from payment order by receipt_no`.execute(side.db);
    return {
      students: new Map(rows.rows.map((r) => [r.id, { outstanding: r.outstanding, credit: r.credit, allocated: r.allocated }])),
      queue: queue.rows[0]!.n,
      ownPayments: { count: own.rows[0]!.n, total: own.rows[0]!.total },
      receiptNos: receipts.rows.map((r) => r.receipt_no),
    };
  } finally {
    await side.close();
  }
}

/**
 * The server's money per student: allocations and credit, as the desks pushed them and overpayments adjusted them; the
 * payments count and total are those of `studentIds` only when given.
 */
export async function serverFigures(db: ServerStore, studentIds?: string[]) {
  const allocated = await db
    .selectFrom('allocation')
    .select(['student_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .groupBy('student_id')
    .execute();
  const credit = await db
    .selectFrom('credit')
    .select(['student_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .groupBy('student_id')
    .execute();
  const payments = await db
    .selectFrom('payment')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('amount').as('total')])
    .$if(studentIds !== undefined, (q) => q.where('student_id', 'in', studentIds!))
    .executeTakeFirstOrThrow();
  const receipts = await db.selectFrom('payment').select('receipt_no').orderBy('receipt_no').execute();
  return {
    receiptNos: receipts.map((r) => r.receipt_no),
    allocated: new Map(allocated.map((r) => [r.student_id, Number(r.total)])),
    credit: new Map(credit.map((r) => [r.student_id, Number(r.total)])),
    payments: { count: Number(payments.n), total: Number(payments.total ?? 0) },
  };
}

/** A desk of its own on a temp store, set up as `deskCode` on 2 April 2026, with random ids (desks must not share any). */
export async function openSyncDesk(deskCode: string): Promise<TestDesk> {
  const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.ok('setup.initialize', schoolInput({ deskCode }));
  return desk;
}

/** Pushes and pulls on every desk until nothing is left to send or fetch (what one desk pushes, the others pull next). */
export async function syncAll(...desks: TestDesk[]): Promise<void> {
  for (let pass = 0; pass < 2; pass++) for (const d of desks) await d.app.sync.runNow();
}

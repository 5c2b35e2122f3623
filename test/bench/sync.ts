// Sync benchmark cases: the server runs as its own process (as in production) on PostgreSQL (a throwaway cluster,
// or DATABASE_URL), or on PGlite when no PostgreSQL is at hand; the log says which.
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSideStore, openTestDesk, schoolInput, tempDir, type TestDesk } from '../support/harness';
import { freePort, startTestPostgres, type TestPostgres } from '../support/postgres';
import { admit, seedSmallSchool } from '../support/school';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { deskFigures } from '../support/sync-server';
import { keepAliveAgent, ONE_ADDRESS_FOR_MANY, postJson } from '../support/push-load';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import type { BenchCase } from './harness';

const scratch = tempDir();
let pg: TestPostgres | null = null;
let server: ServerProcess | null = null;
const adminToken = randomUUID().replaceAll('-', '');

let started = false;

async function ensureServer(): Promise<string> {
  if (!server) {
    if (!started) pg = await startTestPostgres();
    started = true;
    const env: Record<string, string> = pg
      ? { DATABASE_URL: await pg.newDatabase() }
      : { FEEDESK_SERVER_DATA: join(scratch.dir, `server-${randomUUID()}`) };
    console.log(`bench: sync server on ${pg ? 'PostgreSQL' : 'PGlite'}`);
    // Fifty desks of one school, all from 127.0.0.1: the per-address limits are opened up, the per-desk ones kept.
    server = await startServerProcess({ ...env, ...ONE_ADDRESS_FOR_MANY, FEEDESK_ADMIN_TOKEN: adminToken }, await freePort());
  }
  return `http://127.0.0.1:${server.port}`;
}

/** The next run starts on an empty server database. */
async function freshServer(): Promise<void> {
  await server?.stop();
  server = null;
}

async function enroll(desk: TestDesk, schoolName: string): Promise<void> {
  const url = await ensureServer();
  const status = await desk.ok('setup.status');
  const res = await fetch(`${url}/v1/admin/enrollments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ schoolName, deskCode: status.deskCode }),
  });
  const { code } = (await res.json()) as { code: string };
  await desk.ok('sync.enroll', { serverUrl: url, code });
}

async function newDesk(deskCode: string): Promise<TestDesk> {
  const desk = await openTestDesk({ dir: join(scratch.dir, `desk-${randomUUID()}`), ids: { uuid: () => randomUUID() } });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.restart({ validateOutput: false, sync: { intervalMs: 3_600_000 } });
  await desk.ok('setup.initialize', schoolInput({ deskCode }));
  await desk.ok('settings.update', { idleLockMinutes: 120 });
  return desk;
}

/** Takes a desk off the server so it can push its whole outbox again, to an empty server. */
async function forgetEnrollment(desk: TestDesk) {
  await desk.app.sync.stop();
  const side = await openSideStore(desk);
  await sql`update sync_state set desk_id = null, token = null, enabled = 0, cookie = null, last_ack = 0`.execute(side.db);
  await side.close();
}

// sync.push10k: one desk, 10,000 payments recorded offline, pushed end to end.
const push = { desk: null as TestDesk | null };
const PUSH_PAYMENTS = Number(process.env['BENCH_PUSH_PAYMENTS'] ?? 10_000);

// sync.desks50: 50 desks × 200 payments, pushed at once. In a school the desks are 50 machines; here they share one
// process, so the timed part sends each desk's real outbox (4 batches of 50) straight to the server, all at once.
const fleet = { batches: [] as { token: string; body: string }[][], latencies: [] as number[], perSecond: 0 };

async function outboxBatches(desk: TestDesk): Promise<{ token: string; body: string }[]> {
  const side = await openSideStore(desk);
  try {
    const state = await side.db.selectFrom('sync_state').select(['desk_id', 'token']).executeTakeFirstOrThrow();
    const rows = await side.db
      .selectFrom('outbox')
      .select(['mutation_id', 'id', 'name', 'args_json'])
      .where('acked_at', 'is', null)
      .orderBy('mutation_id')
      .execute();
    const batches = [];
    for (let i = 0; i < rows.length; i += 50) {
      const mutations = rows
        .slice(i, i + 50)
        .map((r) => ({ mutationId: r.mutation_id, id: r.id, name: r.name, args: JSON.parse(r.args_json) as unknown }));
      batches.push({ token: state.token!, body: JSON.stringify({ deskId: state.desk_id, schemaVersion: SYNC_SCHEMA_VERSION, mutations }) });
    }
    return batches;
  } finally {
    await side.close();
  }
}

// sync.pull50k: a fresh desk's first pull of a 50,000-student school.
const PULL_STUDENTS = Number(process.env['BENCH_PULL_STUDENTS'] ?? 50_000);
let pullSchool = '';
let pullRuns = 0;
const pullLag = { max: 0, p99: 0 };
/** Enrollment → the moment a cashier could collect from a student in the middle of the school (its dues are in). */
const pullUsable: number[] = [];
const USABLE_STUDENT = `GV${String(Math.ceil(PULL_STUDENTS / 2)).padStart(6, '0')}`;

/** Polls, as a cashier would look a student up, until `admissionNo` shows open dues; resolves with the time, or null. */
async function whenCollectable(desk: TestDesk, admissionNo: string, done: () => boolean): Promise<number | null> {
  while (!done()) {
    const [student] = await desk.ok('students.search', { query: admissionNo, limit: 1 });
    if (student && (await desk.ok('payments.openDues', { studentIds: [student.id] })).totals.outstanding > 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

export const syncCases: BenchCase[] = [
  {
    name: 'sync.push10k',
    runs: 3,
    warmup: 0,
    async setup() {
      const desk = await newDesk('D01');
      const s = await seedSmallSchool(desk);
      const students = [];
      for (let i = 0; i < 200; i++) students.push((await admit(desk, s)).id);
      for (let i = 0; i < PUSH_PAYMENTS; i++)
        await desk.ok('payments.record', { studentIds: [students[i % students.length]!], amount: 100_00, method: { mode: 'cash' } });
      push.desk = desk;
    },
    async run() {
      await enroll(push.desk!, 'Push school');
      await push.desk!.app.sync.runNow();
      return async () => {
        if ((await deskFigures(push.desk!)).queue !== 0) throw new Error('push10k left changes unsent');
        await forgetEnrollment(push.desk!);
        await freshServer();
      };
    },
    teardown: async () => {
      await push.desk?.close();
      await freshServer();
    },
  },
  {
    name: 'sync.pull50k',
    runs: 3,
    warmup: 0,
    extra: () => ({
      lag_max_ms: Math.round(pullLag.max),
      lag_p99_ms: Math.round(pullLag.p99),
      usable_ms_median: Math.round(pullUsable.toSorted((x, y) => x - y)[Math.floor(pullUsable.length / 2)] ?? NaN),
      usable_ms_max: Math.round(Math.max(...pullUsable)),
    }),
    async setup() {
      const origin = await openTestDesk({ dir: join(scratch.dir, 'pull-origin'), ids: { uuid: () => randomUUID() } });
      origin.clock.current = new Date('2026-04-02T05:00:00Z');
      await origin.restart({ validateOutput: false, sync: { intervalMs: 3_600_000 } });
      // The demo school without its year of payments: students, families, structures, concessions.
      await origin.app.generateDemoSchool({ students: PULL_STUDENTS, until: '2026-03-31' });
      await origin.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' });
      pullSchool = 'Pull school';
      await enroll(origin, pullSchool);
      const started = performance.now();
      await origin.app.sync.runNow();
      console.log(`bench: pushed the ${PULL_STUDENTS}-student school in ${Math.round(performance.now() - started)} ms`);
      await origin.close();
    },
    async run() {
      const desk = await newDesk(`P${++pullRuns}`);
      // How long the desk's main thread is held at a time while the school comes in (what a cashier would feel).
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const enrolled = performance.now();
      await enroll(desk, pullSchool);
      let finished = false;
      const collectable = whenCollectable(desk, USABLE_STUDENT, () => finished);
      await desk.app.sync.runNow();
      finished = true;
      lag.disable();
      const usableAt = (await collectable) ?? performance.now();
      pullUsable.push(usableAt - enrolled);
      pullLag.max = Math.max(pullLag.max, lag.max / 1e6);
      pullLag.p99 = Math.max(pullLag.p99, lag.percentile(99) / 1e6);
      return async () => {
        const figures = await deskFigures(desk);
        if (figures.students.size !== PULL_STUDENTS) throw new Error(`pull50k brought ${figures.students.size} students`);
        await desk.close();
      };
    },
  },
  {
    name: 'sync.desks50',
    runs: 1,
    warmup: 0,
    async setup() {
      const desks: TestDesk[] = [];
      const first = await newDesk('D01');
      const s = await seedSmallSchool(first);
      for (let i = 0; i < 20; i++) await admit(first, s);
      await enroll(first, 'Fleet school');
      await first.app.sync.runNow();
      desks.push(first);
      for (let i = 2; i <= 50; i++) {
        const desk = await newDesk(`D${String(i).padStart(2, '0')}`);
        await enroll(desk, 'Fleet school');
        await desk.app.sync.runNow();
        desks.push(desk);
      }
      const students = [...(await deskFigures(first)).students.keys()];
      for (const desk of desks) {
        await desk.ok('sync.setEnabled', { enabled: false });
        for (let n = 0; n < 200; n++)
          await desk.ok('payments.record', { studentIds: [students[n % students.length]!], amount: 50_00, method: { mode: 'cash' } });
        await desk.close();
        fleet.batches.push(await outboxBatches(desk));
      }
    },
    async run() {
      const url = await ensureServer();
      const started = performance.now();
      let applied = 0;
      // A pool of its own: fetch's global pool still held the set-up's connections, which the server had closed after
      // its keep-alive time while this process was busy, and one of them was picked up ("other side closed").
      const agent = keepAliveAgent(url);
      await Promise.all(
        fleet.batches.map(async (batches) => {
          for (const b of batches) {
            const t = performance.now();
            const res = await postJson(agent, `${url}/v1/push`, b.token, b.body);
            const answer = res.json as { results?: { status: string }[] };
            fleet.latencies.push(performance.now() - t);
            if (res.status !== 200) throw new Error(`desks50: push answered ${res.status}: ${JSON.stringify(answer)}`);
            applied += answer.results!.filter((r) => r.status === 'applied').length;
          }
        }),
      );
      agent.destroy();
      fleet.perSecond = Math.round(applied / ((performance.now() - started) / 1000));
      if (applied !== 50 * 200) throw new Error(`desks50: ${applied} of ${50 * 200} payments applied`);
    },
    extra: () => {
      const sorted = [...fleet.latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
      return { per_s: fleet.perSecond, batch_p99_ms: Math.round(p99 * 10) / 10, batches: sorted.length };
    },
  },
];

export async function closeSyncBench(): Promise<void> {
  await server?.stop();
  await pg?.stop();
  scratch.cleanup();
}

// Sync benchmark cases: the server runs as its own process (as in production) on PostgreSQL (a throwaway cluster,
// or DATABASE_URL), or on PGlite when no PostgreSQL is at hand; the log says which.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openTestDesk, schoolInput, tempDir, type TestDesk } from '../support/harness';
import { freePort, startTestPostgres, type TestPostgres } from '../support/postgres';
import { admit, seedSmallSchool } from '../support/school';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { deskFigures } from '../support/sync-server';
import type { FetchLike } from '../../src/main/sync/client';
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
    const env: Record<string, string> = pg ? { DATABASE_URL: await pg.newDatabase() } : { FEEDESK_SERVER_DATA: join(scratch.dir, `server-${randomUUID()}`) };
    console.log(`bench: sync server on ${pg ? 'PostgreSQL' : 'PGlite'}`);
    server = await startServerProcess({ ...env, FEEDESK_ADMIN_TOKEN: adminToken }, await freePort());
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

async function newDesk(deskCode: string, fetchImpl?: FetchLike): Promise<TestDesk> {
  const desk = await openTestDesk({ dir: join(scratch.dir, `desk-${randomUUID()}`), ids: { uuid: () => randomUUID() } });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.restart({ validateOutput: false, sync: { intervalMs: 3_600_000 }, ...(fetchImpl ? { syncFetch: fetchImpl } : {}) });
  await desk.ok('setup.initialize', schoolInput({ deskCode }));
  await desk.ok('settings.update', { idleLockMinutes: 120 });
  return desk;
}

/** Takes a desk off the server so it can push its whole outbox again, to an empty server. */
async function forgetEnrollment(desk: TestDesk) {
  const { openStore } = await import('../../src/main/db/open');
  const { createKeyStore } = await import('../../src/main/db/key-store');
  const { createFileSettingsStore } = await import('../../src/main/settings');
  const { TEST_KDF } = await import('../support/harness');
  await desk.app.sync.stop();
  const [key] = createKeyStore(desk.keychain, createFileSettingsStore(join(desk.dir, 'settings.json')), TEST_KDF).automaticKeys();
  const side = await openStore(desk.dbPath, key!);
  await sql`update sync_state set desk_id = null, token = null, enabled = 0, cookie = null, last_ack = 0`.execute(side.db);
  await side.close();
}

// sync.push10k: one desk, 10,000 payments recorded offline, pushed end to end.
const push = { desk: null as TestDesk | null };
const PUSH_PAYMENTS = Number(process.env['BENCH_PUSH_PAYMENTS'] ?? 10_000);

// sync.desks50: 50 desks × 200 payments, pushed at once.
const fleet = { desks: [] as TestDesk[], latencies: [] as number[], perSecond: 0 };
const timedFetch: FetchLike = async (url, init) => {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  if (url.endsWith('/v1/push')) fleet.latencies.push(performance.now() - started);
  return { status: res.status, text: async () => text };
};

// sync.pull50k: a fresh desk's first pull of a 50,000-student school.
const PULL_STUDENTS = Number(process.env['BENCH_PULL_STUDENTS'] ?? 50_000);
let pullSchool = '';
let pullRuns = 0;

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
      for (let i = 0; i < PUSH_PAYMENTS; i++) await desk.ok('payments.record', { studentIds: [students[i % students.length]!], amount: 100_00, method: { mode: 'cash' } });
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
      await enroll(desk, pullSchool);
      await desk.app.sync.runNow();
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
      const first = await newDesk('D01', timedFetch);
      const s = await seedSmallSchool(first);
      for (let i = 0; i < 20; i++) await admit(first, s);
      await enroll(first, 'Fleet school');
      await first.app.sync.runNow();
      fleet.desks.push(first);
      for (let i = 2; i <= 50; i++) {
        const desk = await newDesk(`D${String(i).padStart(2, '0')}`, timedFetch);
        await enroll(desk, 'Fleet school');
        await desk.app.sync.runNow();
        fleet.desks.push(desk);
      }
      const students = [...(await deskFigures(first)).students.keys()];
      for (const desk of fleet.desks) {
        await desk.ok('sync.setEnabled', { enabled: false });
        for (let n = 0; n < 200; n++) await desk.ok('payments.record', { studentIds: [students[n % students.length]!], amount: 50_00, method: { mode: 'cash' } });
        await desk.ok('sync.setEnabled', { enabled: true });
      }
      fleet.latencies = [];
    },
    async run() {
      const started = performance.now();
      await Promise.all(fleet.desks.map((d) => d.app.sync.runNow()));
      fleet.perSecond = Math.round((fleet.desks.length * 200) / ((performance.now() - started) / 1000));
      const left = await Promise.all(fleet.desks.map(async (d) => (await d.ok('sync.status')).queue));
      if (left.some((q) => q > 0)) throw new Error(`desks50 left changes unsent: ${left.join(',')}`);
    },
    extra: () => {
      const sorted = [...fleet.latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
      return { per_s: fleet.perSecond, batch_p99_ms: Math.round(p99 * 10) / 10, batches: sorted.length };
    },
    teardown: async () => {
      for (const d of fleet.desks) await d.close();
    },
  },
];

export async function closeSyncBench(): Promise<void> {
  await server?.stop();
  await pg?.stop();
  scratch.cleanup();
}


// A load run against the sync server, as `npm run loadtest` and the `server.throughput` bench drive it: servers started
// on one throwaway PostgreSQL (or a running one), many schools' desks enrolled, then every desk doing what a desk does
// in a sync round, all at once: push a batch, pull what the school's other desks sent, push the batch's audit rows.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import type { AuditRow } from '../../src/shared/sync/audit';
import { freePort, postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres';
import {
  type Agent,
  copySchool,
  type EnrolledDesk,
  enrollDesk,
  type JsonAnswer,
  keepAliveAgent,
  ONE_ADDRESS_FOR_MANY,
  postJson,
  pushBodies,
  recordTemplate,
} from './push-load';
import { startServerProcess, type ServerProcess } from './server-process';
import type { LoadOptions as LoadShape } from '../../scripts/loadtest-args';

/** The template desk records this many payments at most; longer runs take them again in turn, under new ids. */
const TEMPLATE_PAYMENTS = 200;
/** Students the template's payments are spread over, for each time they are paid again (two desks: twice). */
const TEMPLATE_STUDENTS = 20;
/** A temporary refusal (429, 503) is tried again after Retry-After, as a desk would, this many times. */
const RETRIES = 10;
/** Mutations a desk pushes at once (as the desk's sync loop does by default). */
const BATCH = 50;

export interface Servers {
  urls: string[];
  adminToken: string;
  what: string;
  /** The throwaway PostgreSQL database the servers use (none with --url or on PGlite). */
  databaseUrl?: string;
  stop(): Promise<void>;
}

export async function startServers(o: LoadShape, scratch: string): Promise<Servers> {
  if (o.url) {
    const adminToken = process.env['FEEDESK_ADMIN_TOKEN'];
    if (!adminToken)
      throw new Error("with --url, set FEEDESK_ADMIN_TOKEN to the server's admin token: the load test enrolls its desks with it");
    return { urls: [o.url], adminToken, what: o.url, stop: async () => {} };
  }
  const adminToken = randomBytes(24).toString('hex');
  const cluster: TestPostgres | null = await startTestPostgres();
  if (!cluster && o.instances > 1) throw new Error(`--instances ${o.instances} needs PostgreSQL: ${postgresUnavailable}`);
  const env = { ...ONE_ADDRESS_FOR_MANY, FEEDESK_ADMIN_TOKEN: adminToken };
  const database: Record<string, string> = cluster
    ? { DATABASE_URL: await cluster.newDatabase() }
    : { FEEDESK_SERVER_DATA: join(scratch, 'server') };
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await cluster?.stop();
  };
  try {
    // The first one migrates the empty database; the others then start together.
    servers.push(await startServerProcess({ ...env, ...database }, await freePort()));
    const ports = await Promise.all(Array.from({ length: o.instances - 1 }, () => freePort()));
    servers.push(...(await Promise.all(ports.map((port) => startServerProcess({ ...env, ...database }, port)))));
  } catch (err) {
    await stop();
    throw err;
  }
  const kind = cluster ? 'a throwaway PostgreSQL' : `PGlite (no PostgreSQL: ${postgresUnavailable})`;
  return {
    urls: servers.map((s) => `http://127.0.0.1:${s.port}`),
    adminToken,
    what: `${o.instances} server instance${o.instances > 1 ? 's' : ''} on ${kind}`,
    ...(database['DATABASE_URL'] ? { databaseUrl: database['DATABASE_URL'] } : {}),
    stop,
  };
}

/** The database's size on disk and the WAL's position, and the WAL written since `since` (a position read before). */
export async function storage(databaseUrl: string, since?: string): Promise<{ bytes: number; wal: string; walSince: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; wal: string; since: string }>(
      `select pg_database_size(current_database()) as bytes, pg_current_wal_lsn()::text as wal,
              pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) as since`,
      [since ?? '0/0'],
    );
    return { bytes: Number(rows[0]!.bytes), wal: rows[0]!.wal, walSince: Number(rows[0]!.since) };
  } finally {
    await client.end();
  }
}

export interface Tally {
  /** Milliseconds each push, pull page and audit push took, in the order they were answered. */
  push: number[];
  pull: number[];
  audit: number[];
  applied: number;
  /** Other desks' payments the desks pulled. */
  pulled: number;
  /** Audit rows the server took (heldUpTo moved past them). */
  auditHeld: number;
  rejected: Map<string, number>;
  errors: Map<string, number>;
  /** Desks that stopped on an error that is not temporary. */
  stopped: number;
}

const newTally = (): Tally => ({
  push: [],
  pull: [],
  audit: [],
  applied: 0,
  pulled: 0,
  auditHeld: 0,
  rejected: new Map(),
  errors: new Map(),
  stopped: 0,
});
const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

class Stopped extends Error {}

/** A POST tried again after Retry-After on 429 and 503, as a desk would; anything else not 200 stops the desk. */
async function post(agent: Agent, url: string, token: string, body: string, tally: Tally, times: number[]): Promise<JsonAnswer> {
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    const answer = await postJson(agent, url, token, body).catch((err: unknown): JsonAnswer => ({
      status: 0,
      json: { error: { code: `network: ${err instanceof Error ? err.message : String(err)}` } },
      headers: {},
    }));
    times.push(performance.now() - started);
    if (answer.status === 200) return answer;
    const code = (answer.json as { error?: { code?: string } }).error?.code ?? `http ${answer.status}`;
    add(tally.errors, `${new URL(url).pathname} ${code} (${answer.status})`);
    if ((answer.status !== 429 && answer.status !== 503) || attempt >= RETRIES) throw new Stopped();
    const wait = Number(answer.headers['retry-after'] ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(30, Number.isFinite(wait) ? wait : 1) * 1000));
  }
}

interface LoadDesk {
  desk: EnrolledDesk;
  url: string;
  bodies: string[];
  audit: AuditRow[][];
}

/**
 * One desk's rounds in order, the next only after the last was answered: push, pull to the end, audit rows. Paced, a
 * round starts no sooner than `roundMs` after the one before (the first at a random point of the first period).
 */
async function deskRounds(agent: Agent, d: LoadDesk, tally: Tally, roundMs: number | null): Promise<void> {
  let cookie: string | null = null;
  const first = performance.now() + (roundMs === null ? 0 : Math.random() * roundMs);
  try {
    for (const [i, body] of d.bodies.entries()) {
      if (roundMs !== null) {
        const wait = first + i * roundMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const pushed = await post(agent, `${d.url}/v1/push`, d.desk.token, body, tally, tally.push);
      for (const r of (pushed.json as { results: { status: string; reason?: string }[] }).results) {
        if (r.status === 'applied') tally.applied += 1;
        else add(tally.rejected, `${r.status}: ${(r.reason ?? '').replace(/[0-9a-f-]{36}/g, '…').slice(0, 120)}`);
      }
      for (let more = true; more;) {
        const request = JSON.stringify({ deskId: d.desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie });
        const page = (await post(agent, `${d.url}/v1/pull`, d.desk.token, request, tally, tally.pull)).json as {
          cookie: string;
          more: boolean;
          changes: { name: string }[];
        };
        tally.pulled += page.changes.filter((c) => c.name === 'payments.record').length;
        ({ cookie, more } = page);
      }
      const rows = d.audit[i] ?? [];
      if (rows.length === 0) continue;
      const request = JSON.stringify({
        deskId: d.desk.deskId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        from: rows[0]!.seq,
        rows,
        checkpoints: [],
      });
      const held = (await post(agent, `${d.url}/v1/audit/push`, d.desk.token, request, tally, tally.audit)).json as {
        heldUpTo: number;
        refused: { detail: string } | null;
      };
      if (held.refused) add(tally.rejected, `audit refused: ${held.refused.detail.slice(0, 120)}`);
      tally.auditHeld += Math.max(0, held.heldUpTo - rows[0]!.seq + 1);
    }
  } catch (err) {
    if (!(err instanceof Stopped)) throw err;
    tally.stopped += 1;
  }
}

export interface LoadResult {
  tally: Tally;
  seconds: number;
  expected: number;
  /** Per payment, on the load test's own PostgreSQL: the database's growth and the WAL written, in bytes. */
  storage: { bytes: number; wal: number } | null;
  /** Every school's reader desk: what it pulls of the school's change log. */
  readers: { url: string; desk: EnrolledDesk }[];
}

export interface PreparedLoad {
  desks: LoadDesk[];
  readers: { url: string; desk: EnrolledDesk }[];
  expected: number;
}

/** Schools set up (each first desk pushes the template's school) and every desk enrolled, with its work made ready. */
export async function prepareLoad(o: LoadShape, servers: Servers, scratch: string): Promise<PreparedLoad> {
  const agent = keepAliveAgent(servers.urls[0]!);
  try {
    const templatePayments = Math.min(o.payments, TEMPLATE_PAYMENTS);
    // Every desk takes the template's payments in turn: each is paid again `copies` times over, on the same dues. Spread
    // over enough students that a due takes all its copies (₹500 a student in all), or the server would settle
    // overpayments, not the ordinary pushes a load test is for.
    const copies = o.desks * Math.ceil(o.payments / templatePayments);
    const template = await recordTemplate(scratch, templatePayments, Math.min(templatePayments, TEMPLATE_STUDENTS * copies));
    const run = randomBytes(3).toString('hex');
    const width = Math.max(2, String(o.desks).length);
    const setupTally = newTally();
    // Each school: its desks (the first sets the school up) and a desk that only reads, to check at the end.
    const schools = await Promise.all(
      Array.from({ length: o.schools }, async (_, s) => {
        const name = `Load test ${run} school ${s + 1}`;
        const url = servers.urls[s % servers.urls.length]!;
        const school = copySchool(template);
        const desks: LoadDesk[] = [];
        for (let d = 1; d <= o.desks; d++) {
          const code = `D${String(d).padStart(width, '0')}`;
          const desk = await enrollDesk(agent, url, servers.adminToken, name, code);
          const setup = d === 1 ? school.setup() : [];
          for (const body of pushBodies(desk, setup)) await post(agent, `${url}/v1/push`, desk.token, body, setupTally, setupTally.push);
          const work = school.work(code, o.payments, setup.length + 1);
          // A batch's audit rows are the rows its payments wrote.
          const audit = Array.from({ length: Math.ceil(work.payments.length / BATCH) }, (_, b) =>
            work.audit.slice(b * BATCH, (b + 1) * BATCH).flat(),
          );
          // Desks of one school on different instances, as behind a load balancer.
          const deskUrl = servers.urls[(s * o.desks + d - 1) % servers.urls.length]!;
          desks.push({ desk, url: deskUrl, bodies: pushBodies(desk, work.payments, BATCH), audit });
        }
        return { desks, reader: { desk: await enrollDesk(agent, url, servers.adminToken, name, 'CHECK'), url } };
      }),
    );
    if (setupTally.errors.size > 0 || setupTally.rejected.size > 0)
      throw new Error(`setting the schools up failed: ${JSON.stringify([...setupTally.errors, ...setupTally.rejected])}`);
    return { desks: schools.flatMap((s) => s.desks), readers: schools.map((s) => s.reader), expected: o.schools * o.desks * o.payments };
  } finally {
    agent.destroy();
  }
}

/**
 * Every desk's rounds at once, timed, as fast as the server answers or at `rate` payments a second offered in all; on
 * the load test's own PostgreSQL, what each payment took on disk.
 */
export async function driveLoad(prepared: PreparedLoad, servers: Servers, rate: number | null = null): Promise<LoadResult> {
  // Each desk's share of the rate, in rounds of BATCH payments.
  const roundMs = rate === null ? null : (prepared.desks.length * BATCH * 1000) / rate;
  const tally = newTally();
  const before = servers.databaseUrl ? await storage(servers.databaseUrl) : null;
  const agents = servers.urls.map((u) => keepAliveAgent(u));
  const started = performance.now();
  await Promise.all(prepared.desks.map((d) => deskRounds(agents[servers.urls.indexOf(d.url)]!, d, tally, roundMs)));
  const seconds = (performance.now() - started) / 1000;
  agents.forEach((a) => a.destroy());
  let perPayment: LoadResult['storage'] = null;
  if (before && servers.databaseUrl && tally.applied > 0) {
    const after = await storage(servers.databaseUrl, before.wal);
    perPayment = { bytes: (after.bytes - before.bytes) / tally.applied, wal: after.walSince / tally.applied };
  }
  return { tally, seconds, expected: prepared.expected, storage: perPayment, readers: prepared.readers };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** The median, p99 and worst of a list of times. */
export function latency(times: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = times.toSorted((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
}

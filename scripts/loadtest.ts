// npm run loadtest -- --schools N --desks M [--payments P] [--instances K] [--url URL]: N schools × M desks push P
// payments each, all at once, to K sync servers started here on one throwaway PostgreSQL (or to a running server at
// URL, enrolling through FEEDESK_ADMIN_TOKEN); prints payments/s, push p50/p99 and errors by code, then checks that the
// server holds every payment by pulling each school's change log back. On its own PostgreSQL it also prints what the
// pushes took on disk, a payment: the database's growth and the WAL written.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from '../test/support/harness';
import { freePort, postgresUnavailable, startTestPostgres, type TestPostgres } from '../test/support/postgres';
import {
  type Agent,
  copySchool,
  enrollDesk,
  keepAliveAgent,
  ONE_ADDRESS_FOR_MANY,
  paymentsPulled,
  postJson,
  pushBodies,
  recordTemplate,
  type EnrolledDesk,
} from '../test/support/push-load';
import { startServerProcess, type ServerProcess } from '../test/support/server-process';
import { type LoadOptions, parseLoadArgs } from './loadtest-args';

/** The template desk records this many payments at most; longer runs take them again in turn, under new ids. */
const TEMPLATE_PAYMENTS = 200;
/** A temporary refusal (429, 503) is tried again after Retry-After, as a desk would, this many times. */
const RETRIES = 10;

const count = (n: number) => n.toLocaleString('en-IN');
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

interface Servers {
  urls: string[];
  adminToken: string;
  what: string;
  /** The throwaway PostgreSQL database the servers use (none with --url or on PGlite). */
  databaseUrl?: string;
  stop(): Promise<void>;
}

async function startServers(o: LoadOptions, scratch: string): Promise<Servers> {
  if (o.url) {
    const adminToken = process.env['FEEDESK_ADMIN_TOKEN'];
    if (!adminToken)
      throw new Error("with --url, set FEEDESK_ADMIN_TOKEN to the server's admin token: the load test enrolls its desks with it");
    return { urls: [o.url], adminToken, what: o.url, stop: async () => {} };
  }
  const adminToken = randomBytes(24).toString('hex');
  const pg: TestPostgres | null = await startTestPostgres();
  if (!pg && o.instances > 1) throw new Error(`--instances ${o.instances} needs PostgreSQL: ${postgresUnavailable}`);
  const env = { ...ONE_ADDRESS_FOR_MANY, FEEDESK_ADMIN_TOKEN: adminToken };
  const database: Record<string, string> = pg ? { DATABASE_URL: await pg.newDatabase() } : { FEEDESK_SERVER_DATA: join(scratch, 'server') };
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await pg?.stop();
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
  const kind = pg ? 'a throwaway PostgreSQL' : `PGlite (no PostgreSQL: ${postgresUnavailable})`;
  return {
    urls: servers.map((s) => `http://127.0.0.1:${s.port}`),
    adminToken,
    what: `${o.instances} server instance${o.instances > 1 ? 's' : ''} on ${kind}`,
    ...(database['DATABASE_URL'] ? { databaseUrl: database['DATABASE_URL'] } : {}),
    stop,
  };
}

/** The database's size on disk and the WAL's position, and the WAL written since `since` (a position read before). */
async function storage(databaseUrl: string, since?: string): Promise<{ bytes: number; wal: string; walSince: number }> {
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

interface Tally {
  latencies: number[];
  applied: number;
  rejected: Map<string, number>;
  errors: Map<string, number>;
  /** Desks that stopped on an error that is not temporary. */
  stopped: number;
}

const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/** One desk's batches in order, as a desk sends them: the next only after the last was answered. */
async function pushAll(agent: Agent, url: string, desk: EnrolledDesk, bodies: string[], tally: Tally, timed: boolean): Promise<void> {
  for (const body of bodies) {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const answer = await postJson(agent, `${url}/v1/push`, desk.token, body).catch((err: unknown) => ({
        status: 0,
        json: { error: { code: `network: ${err instanceof Error ? err.message : String(err)}` } },
        headers: {} as Record<string, string | undefined>,
      }));
      if (timed) tally.latencies.push(performance.now() - started);
      if (answer.status === 200) {
        for (const r of (answer.json as { results: { status: string; reason?: string }[] }).results) {
          if (r.status === 'applied') tally.applied += 1;
          else add(tally.rejected, `${r.status}: ${(r.reason ?? '').replace(/[0-9a-f-]{36}/g, '…').slice(0, 120)}`);
        }
        break;
      }
      const code = (answer.json as { error?: { code?: string } }).error?.code ?? `http ${answer.status}`;
      add(tally.errors, `${code} (${answer.status})`);
      if ((answer.status !== 429 && answer.status !== 503) || attempt >= RETRIES) {
        tally.stopped += 1;
        return;
      }
      const wait = Number(answer.headers['retry-after'] ?? 1);
      await new Promise((r) => setTimeout(r, Math.min(30, Number.isFinite(wait) ? wait : 1) * 1000));
    }
  }
}

async function main() {
  const o = parseLoadArgs(process.argv.slice(2));
  const scratch = tempDir();
  const servers = await startServers(o, scratch.dir);
  const agent = keepAliveAgent(servers.urls[0]!);
  try {
    console.log(`loadtest: ${count(o.schools)} schools × ${o.desks} desks × ${count(o.payments)} payments against ${servers.what}`);
    const template = await recordTemplate(scratch.dir, Math.min(o.payments, TEMPLATE_PAYMENTS));
    const run = randomBytes(3).toString('hex');
    const width = Math.max(2, String(o.desks).length);
    const setupTally: Tally = { latencies: [], applied: 0, rejected: new Map(), errors: new Map(), stopped: 0 };
    // Each school: its desks (the first sets the school up, untimed) and a desk that only reads, to check at the end.
    const schools = await Promise.all(
      Array.from({ length: o.schools }, async (_, s) => {
        const name = `Load test ${run} school ${s + 1}`;
        const url = servers.urls[s % servers.urls.length]!;
        const school = copySchool(template);
        const desks: { desk: EnrolledDesk; url: string; bodies: string[] }[] = [];
        for (let d = 1; d <= o.desks; d++) {
          const code = `D${String(d).padStart(width, '0')}`;
          const desk = await enrollDesk(agent, url, servers.adminToken, name, code);
          const setup = d === 1 ? school.setup() : [];
          if (setup.length > 0) await pushAll(agent, url, desk, pushBodies(desk, setup), setupTally, false);
          const deskUrl = servers.urls[(s * o.desks + d - 1) % servers.urls.length]!;
          desks.push({ desk, url: deskUrl, bodies: pushBodies(desk, school.payments(code, o.payments, setup.length + 1)) });
        }
        return { desks, reader: await enrollDesk(agent, url, servers.adminToken, name, 'CHECK'), url };
      }),
    );
    if (setupTally.errors.size > 0 || setupTally.rejected.size > 0)
      throw new Error(`setting the schools up failed: ${JSON.stringify([...setupTally.errors, ...setupTally.rejected])}`);

    const tally: Tally = { latencies: [], applied: 0, rejected: new Map(), errors: new Map(), stopped: 0 };
    const before = servers.databaseUrl ? await storage(servers.databaseUrl) : null;
    const pushAgents = servers.urls.map((u) => keepAliveAgent(u));
    const started = performance.now();
    await Promise.all(
      schools.flatMap((s) => s.desks).map((d) => pushAll(pushAgents[servers.urls.indexOf(d.url)]!, d.url, d.desk, d.bodies, tally, true)),
    );
    const seconds = (performance.now() - started) / 1000;
    pushAgents.forEach((a) => a.destroy());

    const expected = o.schools * o.desks * o.payments;
    const sorted = tally.latencies.sort((a, b) => a - b);
    console.log(
      `pushed ${count(tally.applied)} of ${count(expected)} payments in ${count(sorted.length)} pushes of up to 50, in ${seconds.toFixed(2)} s: ${count(Math.round(tally.applied / seconds))} payments/s`,
    );
    console.log(`push p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? 0)}`);
    const errors = [...tally.errors].map(([code, n]) => `${code} ×${count(n)}`).join(', ');
    console.log(`errors: ${errors || 'none'}${tally.stopped > 0 ? ` (${tally.stopped} desks stopped)` : ''}`);
    for (const [reason, n] of tally.rejected) console.log(`not applied ×${count(n)}: ${reason}`);
    if (before && servers.databaseUrl && tally.applied > 0) {
      const after = await storage(servers.databaseUrl, before.wal);
      const kb = (bytes: number) => (bytes / tally.applied / 1024).toFixed(1);
      console.log(
        `storage: ${kb(after.bytes - before.bytes)} KB a payment in the database (tables and indexes), ${kb(after.walSince)} KB of WAL written a payment`,
      );
    }
    const held = (await Promise.all(schools.map((s) => paymentsPulled(agent, s.url, s.reader)))).reduce((a, b) => a + b, 0);
    console.log(`server holds ${count(held)} of ${count(expected)} payments (each school's change log pulled back)`);
    if (held !== expected || tally.applied !== expected) process.exitCode = 1;
  } finally {
    agent.destroy();
    await servers.stop();
    scratch.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

// server.throughput: 200 schools × 2 desks, each desk doing its sync rounds (push 50 payments, pull the school's other
// desk's, push the audit rows) against two server instances on one PostgreSQL. `server.throughput` has every desk start
// its next round as soon as the last is answered: the most payments a second the servers take (issue 21: ≥ 1,500).
// `server.throughput.paced` offers 1,500 payments a second, each desk a round at its share of that pace, as desks on a
// sync interval do: what a push then takes (issue 21: p99 < 1 s). BENCH_THROUGHPUT_SCHOOLS, _PAYMENTS and _RATE size it.
import { tempDir } from '../support/harness';
import { driveLoad, latency, type LoadResult, type PreparedLoad, prepareLoad, type Servers, startServers } from '../support/load-run';
import { postgresUnavailable, startTestPostgres } from '../support/postgres';
import { overpaymentsSettled } from '../support/push-load';
import type { BenchCase } from './harness';

const SHAPE = {
  schools: Number(process.env['BENCH_THROUGHPUT_SCHOOLS'] ?? 200),
  desks: 2,
  payments: Number(process.env['BENCH_THROUGHPUT_PAYMENTS'] ?? 200),
  instances: 2,
  url: null,
  rate: null,
};
const PACED_RATE = Number(process.env['BENCH_THROUGHPUT_RATE'] ?? 1500);

const scratch = tempDir();
let servers: Servers | null = null;

async function serversUp(): Promise<Servers> {
  if (servers) return servers;
  // startServers falls back to PGlite without PostgreSQL, and two instances need PostgreSQL: say so first.
  const probe = await startTestPostgres();
  if (!probe) throw new Error(`server.throughput needs PostgreSQL: ${postgresUnavailable}`);
  await probe.stop();
  servers = await startServers(SHAPE, scratch.dir);
  return servers;
}

/** A case on schools of its own (set up untimed), driven at `rate` payments a second offered, or flat out. */
function throughputCase(name: string, rate: number | null): BenchCase {
  let prepared: PreparedLoad | null = null;
  let last: LoadResult | null = null;
  return {
    name,
    runs: 1,
    warmup: 0,
    async setup() {
      const up = await serversUp();
      prepared = await prepareLoad(SHAPE, up, scratch.dir);
      console.log(`bench: ${name}: ${SHAPE.schools} schools × ${SHAPE.desks} desks set up on ${up.what}`);
    },
    async run() {
      const settled = () => Promise.all(servers!.urls.map((url) => overpaymentsSettled(url, servers!.adminToken)));
      const before = await settled();
      last = await driveLoad(prepared!, servers!, rate);
      const after = await settled();
      // Ordinary pushes: the template's copies never pay a due beyond its worth (load-run.ts, TEMPLATE_STUDENTS).
      const overpaid = after.reduce((n, x, i) => n + x - before[i]!, 0);
      if (overpaid > 0) throw new Error(`${name}: the servers settled ${overpaid} overpayments: not desks' ordinary pushes`);
      const { tally } = last;
      if (tally.applied !== last.expected || tally.stopped > 0 || tally.rejected.size > 0)
        throw new Error(
          `${name}: ${tally.applied} of ${last.expected} applied, ${tally.stopped} desks stopped: ${JSON.stringify([...tally.errors, ...tally.rejected])}`,
        );
    },
    extra: (): Record<string, number> => {
      if (!last) return {};
      const { tally } = last;
      const push = latency(tally.push);
      return {
        payments: tally.applied,
        ...(rate === null ? {} : { offered_per_s: rate }),
        per_s: Math.round(tally.applied / last.seconds),
        push_p50_ms: Math.round(push.p50),
        push_p99_ms: Math.round(push.p99),
        pull_p99_ms: Math.round(latency(tally.pull).p99),
        audit_p99_ms: Math.round(latency(tally.audit).p99),
        retried: [...tally.errors.values()].reduce((a, b) => a + b, 0),
      };
    },
  };
}

export const serverThroughputCases: BenchCase[] = [
  throughputCase('server.throughput', null),
  throughputCase('server.throughput.paced', PACED_RATE),
];

export async function closeServerThroughputBench(): Promise<void> {
  await servers?.stop();
  scratch.cleanup();
}

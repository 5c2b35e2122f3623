// server.throughput: 200 schools × 2 desks, each desk doing its sync rounds (push 50 payments, pull the school's other
// desk's, push the audit rows) all at once against two server instances on one PostgreSQL: payments/s and push p99.
// The issue 21 goal: ≥ 1,500 payments/s with push p99 < 1 s. BENCH_THROUGHPUT_SCHOOLS and _PAYMENTS size it.
import { tempDir } from '../support/harness';
import { driveLoad, percentile, prepareLoad, type LoadResult, type PreparedLoad, type Servers, startServers } from '../support/load-run';
import { postgresUnavailable, startTestPostgres } from '../support/postgres';
import type { BenchCase } from './harness';

const SHAPE = {
  schools: Number(process.env['BENCH_THROUGHPUT_SCHOOLS'] ?? 200),
  desks: 2,
  payments: Number(process.env['BENCH_THROUGHPUT_PAYMENTS'] ?? 200),
  instances: 2,
  url: null,
};

const scratch = tempDir();
let servers: Servers | null = null;
let prepared: PreparedLoad | null = null;
let last: LoadResult | null = null;

const sorted = (times: number[]) => times.toSorted((a, b) => a - b);

export const serverThroughputCases: BenchCase[] = [
  {
    name: 'server.throughput',
    runs: 1,
    warmup: 0,
    async setup() {
      // startServers falls back to PGlite without PostgreSQL, and two instances need PostgreSQL: say so first.
      const probe = await startTestPostgres();
      if (!probe) throw new Error(`server.throughput needs PostgreSQL: ${postgresUnavailable}`);
      await probe.stop();
      servers = await startServers(SHAPE, scratch.dir);
      prepared = await prepareLoad(SHAPE, servers, scratch.dir);
      console.log(`bench: server.throughput: ${SHAPE.schools} schools × ${SHAPE.desks} desks set up on ${servers.what}`);
    },
    async run() {
      last = await driveLoad(prepared!, servers!);
      const { tally } = last;
      if (tally.applied !== last.expected || tally.stopped > 0 || tally.rejected.size > 0)
        throw new Error(
          `server.throughput: ${tally.applied} of ${last.expected} applied, ${tally.stopped} desks stopped: ${JSON.stringify([...tally.errors, ...tally.rejected])}`,
        );
    },
    extra: (): Record<string, number> => {
      if (!last) return {};
      const { tally } = last;
      return {
        payments: tally.applied,
        per_s: Math.round(tally.applied / last.seconds),
        push_p50_ms: Math.round(percentile(sorted(tally.push), 50)),
        push_p99_ms: Math.round(percentile(sorted(tally.push), 99)),
        pull_p99_ms: Math.round(percentile(sorted(tally.pull), 99)),
        audit_p99_ms: Math.round(percentile(sorted(tally.audit), 99)),
        retried: [...tally.errors.values()].reduce((a, b) => a + b, 0),
      };
    },
  },
];

export async function closeServerThroughputBench(): Promise<void> {
  await servers?.stop();
  scratch.cleanup();
}

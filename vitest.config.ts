import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, started first: on a clean clone vitest has no timings and starts the largest files first, which
 * once left sync-faults (three minutes) starting at minute five and running alone at the end.
 */
const SLOWEST_FIRST = ['sync-faults', 'imports', 'crash-kill9', 'reconcile-sync'].map((name) => `/test/integration/${name}.test.ts`);

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((suffix) => spec.moduleId.endsWith(suffix));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    return (await super.sort(files)).toSorted((a, b) => rank(a) - rank(b));
  }
}

/** Files that replace a module with vi.mock: they need a module registry of their own (see `isolate` below). */
const MOCKING = ['test/integration/store-faults.test.ts'];

export default defineConfig({
  test: {
    // Generous, for a machine that is busy with other work (under two CPU burners, an import's round trip took three
    // times as long): a hung test still ends, two minutes on.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Stops any PostgreSQL cluster, pgbouncer or server child a failed or killed test left behind (test/support/leftovers.ts).
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one, on the 2-core CI machine. Most integration tests wait on
    // disk flushes, child processes and servers, so two files at a time take the suite from 11 to about 7 minutes there.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
    // A worker runs file after file in one process, its modules loaded once: a fresh process and module registry for
    // each of 107 files cost the CI machine about two minutes of its nine (user CPU 14.8 → 10.8 min). No test relies on
    // module state: each builds its own desks, stores, servers and clusters, and stops them. Files that mock a module
    // keep a registry of their own.
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'], exclude: MOCKING, isolate: false },
      },
      { extends: true, test: { name: 'mocking', include: MOCKING, isolate: true } },
    ],
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});

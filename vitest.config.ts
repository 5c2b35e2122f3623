import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 30_000,
    // Stops any PostgreSQL cluster, pgbouncer or server child a failed or killed test left behind (test/support/leftovers.ts).
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one, on the 2-core CI machine. Most integration tests wait on
    // disk flushes, child processes and servers, so two files at a time take the suite from 11 to about 7 minutes there.
    maxWorkers: 2,
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});

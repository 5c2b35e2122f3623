// Vitest global setup: gives the run a folder for the list of what its tests start (leftovers.ts), and at the end of the
// run stops whatever a failed or killed test left on it, so no cluster, pgbouncer or server outlives the run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_ENV, stopLeftovers } from './leftovers';

export default function setup(): () => void {
  const runDir = mkdtempSync(join(tmpdir(), `feedesk-test-run-${process.pid}-`));
  process.env[RUN_DIR_ENV] = runDir;
  return () => {
    const stopped = stopLeftovers(runDir);
    if (stopped.length > 0) console.warn(`Stopped what the tests left running:\n  ${stopped.join('\n  ')}`);
  };
}

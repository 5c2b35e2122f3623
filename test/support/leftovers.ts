// What a test starts outside its own process (a PostgreSQL cluster, a pgbouncer, a sync server child) is written down in
// a folder named by the test run, and struck off when it stops. The run's global teardown stops whatever is still listed:
// what a test left when it failed, timed out or took its worker down before its afterAll could run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the global setup for the workers it starts; outside a vitest run (the bench) nothing is written down. */
export const RUN_DIR_ENV = 'FEEDESK_TEST_RUN_DIR';

export type Leftover =
  /** A cluster stopped with `pgCtl -D data -m immediate stop`; `dir` (its data, socket and log) is removed after. */
  | { kind: 'postgres'; pgCtl: string[]; data: string; dir: string }
  /** A process, by pid and/or by the pid its pid file names, killed only if its command line still contains `match`. */
  | { kind: 'process'; what: string; match: string; pid?: number; pidFile?: string; dir?: string };

let counter = 0;

/** Lists `thing` for the run's teardown; call the returned function once it has stopped. */
export function track(thing: Leftover): () => void {
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir) return () => {};
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, `${process.pid}-${counter++}.json`);
  writeFileSync(file, JSON.stringify(thing));
  return () => rmSync(file, { force: true });
}

function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

function stop(thing: Leftover): void {
  if (thing.kind === 'postgres') {
    if (existsSync(join(thing.data, 'postmaster.pid')))
      spawnSync(thing.pgCtl[0]!, [...thing.pgCtl.slice(1), '-D', thing.data, '-m', 'immediate', 'stop']);
    rmSync(thing.dir, { recursive: true, force: true });
    return;
  }
  const fromFile = thing.pidFile && existsSync(thing.pidFile) ? Number(readFileSync(thing.pidFile, 'utf8').trim()) : undefined;
  // The process its pid file names first, then the one started (runuser, which reaps it and exits on its own if it can).
  for (const pid of [fromFile, thing.pid]) {
    if (!pid || !commandLine(pid)?.includes(thing.match)) continue;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 40 && commandLine(pid) !== null; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  if (thing.dir) rmSync(thing.dir, { recursive: true, force: true });
}

/** Stops everything still listed in `runDir`, removes the folder, and says what it stopped. */
export function stopLeftovers(runDir: string): string[] {
  const stopped: string[] = [];
  for (const name of existsSync(runDir) ? readdirSync(runDir).sort() : []) {
    const thing = JSON.parse(readFileSync(join(runDir, name), 'utf8')) as Leftover;
    stop(thing);
    stopped.push(thing.kind === 'postgres' ? `PostgreSQL cluster ${thing.data}` : `${thing.what} (pid ${thing.pid ?? thing.pidFile})`);
  }
  rmSync(runDir, { recursive: true, force: true });
  return stopped;
}

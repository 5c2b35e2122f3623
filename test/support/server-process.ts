// The sync server as its own process (npm run server), so a test can kill it at any moment, as a power cut would.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { track } from './leftovers';

const root = join(import.meta.dirname, '../..');

export interface ServerProcess {
  port: number;
  restarts: number;
  /** Kills (SIGKILL) or stops (SIGTERM, graceful) the server, then starts it again on the same port and data. */
  restart(how: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  stop(): Promise<void>;
  /** The process has not exited. */
  alive(): boolean;
  /** What the server wrote to stdout and stderr lately. */
  output(): string;
}

async function waitHealthy(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`sync server exited (${child.exitCode}): ${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sync server did not become healthy: ${output()}`);
}

export async function startServerProcess(env: Record<string, string>, port: number): Promise<ServerProcess> {
  let child: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts')], {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const untrack = track({ kind: 'process', what: 'sync server', match: join(root, 'src/server/main.ts'), pid: child.pid });
    child.once('exit', untrack);
    child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    // One that never comes up is not left running.
    await waitHealthy(port, child, () => output).catch(async (err: unknown) => {
      await halt('SIGKILL');
      throw err;
    });
  };
  const halt = async (signal: 'SIGKILL' | 'SIGTERM') => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  await launch();
  const proc: ServerProcess = {
    port,
    restarts: 0,
    async restart(how) {
      await halt(how);
      await launch();
      proc.restarts += 1;
    },
    stop: () => halt('SIGTERM'),
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
  };
  return proc;
}

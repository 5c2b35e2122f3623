// A pgbouncer in transaction pool mode in front of the test PostgreSQL, run as the postgres user, for tests of what
// leaks across pooled server connections. Null (with why) when pgbouncer is not installed.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { track } from './leftovers';
import { freePort, until } from './postgres';

const BINARY = '/usr/sbin/pgbouncer';

export interface TestPgbouncer {
  port: number;
  /** The same database's URL, through pgbouncer. */
  through(databaseUrl: string): string;
  stop(): Promise<void>;
}

export let pgbouncerUnavailable = '';

export async function startPgbouncer(target: { host: string; port: number }): Promise<TestPgbouncer | null> {
  if (!existsSync(BINARY)) {
    pgbouncerUnavailable = 'pgbouncer is not installed (apt-get install -y pgbouncer)';
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'feedesk-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  // The server's per-connection timeouts are startup parameters pgbouncer does not pass on: behind it they belong on the
  // role (ALTER ROLE ... SET statement_timeout), and pgbouncer is told to ignore them.
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${target.host} port=${target.port}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir = ${dir}
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
ignore_startup_parameters = statement_timeout,lock_timeout,idle_in_transaction_session_timeout,extra_float_digits
pidfile = ${join(dir, 'pgbouncer.pid')}
logfile = ${join(dir, 'pgbouncer.log')}
`,
  );
  const asPostgres = process.getuid?.() === 0;
  const child: ChildProcess = asPostgres
    ? spawn('runuser', ['-u', 'postgres', '--', BINARY, join(dir, 'pgbouncer.ini')], { stdio: 'ignore' })
    : spawn(BINARY, [join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const pidFile = join(dir, 'pgbouncer.pid');
  const untrack = track({ kind: 'process', what: 'pgbouncer', match: join(dir, 'pgbouncer.ini'), pid: child.pid, pidFile, dir });
  const stop = async () => {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
    if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGINT');
    else child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    untrack();
  };
  const log = () => (existsSync(join(dir, 'pgbouncer.log')) ? readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(-2000) : '');
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${log()}`);
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    }, 'pgbouncer to accept connections');
  } catch (err) {
    await stop();
    pgbouncerUnavailable = `pgbouncer did not start: ${err instanceof Error ? err.message : String(err)}`;
    return null;
  }
  return {
    port,
    through(databaseUrl) {
      const url = new URL(databaseUrl);
      url.host = `127.0.0.1:${port}`;
      return url.toString();
    },
    stop,
  };
}

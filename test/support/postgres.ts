// A throwaway PostgreSQL for the sync tests: DATABASE_URL if given (a fresh database inside it), else Debian's
// PostgreSQL started on loopback as the postgres user in a temp data folder. Returns null (with why) if neither works.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { track } from './leftovers';

export interface TestPostgres {
  /** A URL to a new, empty database. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
  /** The local cluster only: PostgreSQL shut down (fast: sessions cut) and started again on the same port and data. */
  outage?: { shutDown(): void; startUp(): void };
  /** host:port of the local cluster (for a pgbouncer in front of it). */
  address?: { host: string; port: number };
}

/** Resolves once `condition` holds, checking every 50 ms; fails naming `what` after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

async function databasesOn(adminUrl: string): Promise<TestPostgres> {
  const made: string[] = [];
  return {
    async newDatabase() {
      const name = `feedesk_test_${process.pid}_${made.length}_${Date.now() % 100000}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`create database ${name}`);
      await client.end();
      made.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      for (const name of made) await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export let postgresUnavailable = '';

/** CI sets FEEDESK_REQUIRE_POSTGRES: there a missing PostgreSQL is a failure, not a skip. */
export async function startTestPostgres(): Promise<TestPostgres | null> {
  const pg = await tryStartPostgres();
  if (!pg && process.env['FEEDESK_REQUIRE_POSTGRES']) throw new Error(`FEEDESK_REQUIRE_POSTGRES is set but ${postgresUnavailable}`);
  return pg;
}

async function tryStartPostgres(): Promise<TestPostgres | null> {
  if (process.env['DATABASE_URL']) return databasesOn(process.env['DATABASE_URL']);
  const bin = binDir();
  if (!bin) {
    postgresUnavailable = 'PostgreSQL is not installed (apt-get install postgresql) and DATABASE_URL is not set';
    return null;
  }
  const asPostgres = process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--']] as const) : null;
  const run = (cmd: string, args: string[]) =>
    asPostgres
      ? execFileSync(asPostgres[0], [...asPostgres[1], cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'feedesk-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const startUp = () =>
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  const pgCtl = [...(asPostgres ? [asPostgres[0], ...asPostgres[1]] : []), join(bin, 'pg_ctl')];
  const halt = () => spawnSync(pgCtl[0]!, [...pgCtl.slice(1), '-D', data, '-m', 'immediate', 'stop']);
  // Listed before it starts: a start that times out on a busy machine may still come up after.
  const untrack = track({ kind: 'postgres', pgCtl, data, dir });
  try {
    run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    startUp();
  } catch (err) {
    halt();
    rmSync(dir, { recursive: true, force: true });
    untrack();
    postgresUnavailable = `could not start PostgreSQL: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    return null;
  }
  const dbs = await databasesOn(`postgres://postgres@127.0.0.1:${port}/postgres`);
  return {
    newDatabase: dbs.newDatabase,
    outage: { shutDown: () => run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), startUp },
    address: { host: '127.0.0.1', port },
    async stop() {
      await dbs.stop().catch(() => {});
      halt();
      rmSync(dir, { recursive: true, force: true });
      untrack();
    },
  };
}

// One FeeDesk per store, whichever shell opened it (desktop window, browser mode, a maintenance run): two
// backends on one file fight over its write lock and half their payments fail as "database is locked".
// The lock is SQLite's own exclusive lock on a small plain file beside the store, held for the life of the
// process: the OS releases it when the process ends, however it ends (kill -9, power cut), and SQLite tells
// two connections of one process apart too. Who holds it is written beside it, for the refusal's message.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/contract/errors';

/** What the running FeeDesk says about itself, for whoever is refused. */
export interface RunningInstance {
  /** desktop | browser mode | a maintenance run … in words a user reads. */
  shell: string;
  pid: number;
  startedAt: string;
  /** Where browser mode serves the app (without its secret), once it listens. */
  address: string | null;
}

export interface StoreLock {
  /** Adds what is known only later (browser mode's address). */
  describe(update: Partial<Pick<RunningInstance, 'address' | 'shell'>>): void;
  release(): void;
}

export const lockPathOf = (dbPath: string): string => `${dbPath}.lock`;

/**
 * The connections holding locks, kept here so that only release() or the end of the process lets go: a connection
 * nobody references any more would be closed by the garbage collector, and the lock with it.
 */
const holding = new Set<Database.Database>();
const infoPathOf = (dbPath: string): string => `${dbPath}.lock.json`;

/** The refusal a second FeeDesk gets, naming the first (in the machine's own locale and time zone). */
export function alreadyRunningMessage(dbPath: string, holder: RunningInstance | null): string {
  if (!holder) return `FeeDesk is already running on this store (${dbPath}): use that window, or close it first.`;
  const since = new Date(holder.startedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const where = holder.address ? ` at ${holder.address}` : '';
  return `FeeDesk is already running on this store (${dbPath}): ${holder.shell}, process ${holder.pid}, since ${since}${where}. Use that one, or close it first.`;
}

function readHolder(dbPath: string): RunningInstance | null {
  try {
    const parsed = JSON.parse(readFileSync(infoPathOf(dbPath), 'utf8')) as Partial<RunningInstance>;
    if (typeof parsed.shell !== 'string' || typeof parsed.pid !== 'number' || typeof parsed.startedAt !== 'string') return null;
    return {
      shell: parsed.shell,
      pid: parsed.pid,
      startedAt: parsed.startedAt,
      address: typeof parsed.address === 'string' ? parsed.address : null,
    };
  } catch {
    return null;
  }
}

function writeHolder(dbPath: string, holder: RunningInstance): void {
  const tmp = `${infoPathOf(dbPath)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(holder, null, 2), { mode: 0o600 });
  renameSync(tmp, infoPathOf(dbPath));
}

/** Takes the store's lock, or refuses with `conflict` naming the FeeDesk that holds it. */
export function lockStore(dbPath: string, me: Pick<RunningInstance, 'shell' | 'address'>, now: Date): StoreLock {
  mkdirSync(dirname(dbPath), { recursive: true });
  const connection = new Database(lockPathOf(dbPath), { timeout: 0 });
  try {
    // Nothing is ever written to it: no journal file beside it.
    connection.pragma('journal_mode = MEMORY');
    connection.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    connection.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      throw new AppError('conflict', alreadyRunningMessage(dbPath, readHolder(dbPath)));
    throw err;
  }
  holding.add(connection);
  let holder: RunningInstance = { ...me, pid: process.pid, startedAt: now.toISOString() };
  writeHolder(dbPath, holder);
  let held = true;
  return {
    describe(update) {
      if (!held) return;
      holder = { ...holder, ...update };
      writeHolder(dbPath, holder);
    },
    release() {
      if (!held) return;
      held = false;
      rmSync(infoPathOf(dbPath), { force: true });
      connection.exec('ROLLBACK');
      connection.close();
      holding.delete(connection);
    },
  };
}

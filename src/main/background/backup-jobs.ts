// Backups: the desk's settings for them (folder, how many to keep, daily time, the backup key kept wrapped under the
// store's key), backing up on a worker, the daily schedule with rotation, and restore with the old store kept aside.
import { existsSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { Reauth } from '../../shared/contract/auth';
import type { BackupCheck as BackupCheckOut, BackupJob, BackupStatus } from '../../shared/contract/backup';
import { AppError } from '../../shared/contract/errors';
import type { BackupCheck, BackupKdf, Manifest } from '../backup/files';
import { checkKey, readManifest, swapIn } from '../backup/files';
import { unwrapBackupKey, wrapBackupKey } from '../backup/key-wrap';
import { backupsIn, checkFolder, removeLeftovers } from '../backup/folder';
import { backupName, nextBackupDue } from '../backup/schedule';
import { type BackgroundJob, type BackgroundRunner, progressOf } from './runner';
import { isStoreDamage } from '../db/damage';
import { openStore } from '../db/open';
import { deriveKey, newSalt, OWASP_SCRYPT, type ScryptCost } from '../kdf';
import type { SettingsStore } from '../desk-settings';
import { recordAuditAlone } from '../services/audit';
import { reauthenticate } from '../services/auth';
import type { ServiceDeps } from '../services/context';
import type { Session } from '../services/sessions';

const CONFIG_KEY = 'backup.config';
const LAST_KEY = 'backup.last';

interface BackupConfig {
  folder: string;
  keep: number;
  dailyAt: string | null;
  kdf: BackupKdf;
  /** The backup key, AES-GCM under a key derived from the store's key: only an open store can back up unattended. */
  wrappedKey: string;
  configuredAt: string;
}

type LastBackup = NonNullable<BackupStatus['last']>;

interface JobMeta {
  reason: Manifest['reason'];
  path: string;
}

export interface BackupEnv {
  deps: ServiceDeps;
  settings: SettingsStore;
  runner: () => BackgroundRunner;
  /** The open store's key (null only for an unencrypted benchmark baseline). */
  storeKey: () => Buffer | null;
  dbPath: string;
  /** The store is open and nothing has it to itself (a rekey): a backup may start. */
  available(): boolean;
  /** Closes everything holding the store, swaps the files, reopens the store; if it will not open, undoes the swap and reopens the old one. */
  withStoreClosed(swap: () => { undo(): void }): Promise<void>;
  kdfCost?: ScryptCost;
}

/** After the store's key changed: the backup key, wrapped again under the new one. */
export function rewrapBackupKey(settings: SettingsStore, oldStoreKey: Buffer | null, newStoreKey: Buffer | null): void {
  const config = settings.get(CONFIG_KEY) as BackupConfig | undefined;
  if (!config) return;
  settings.set(CONFIG_KEY, { ...config, wrappedKey: wrapBackupKey(unwrapBackupKey(config.wrappedKey, oldStoreKey), newStoreKey) });
}

const jobOut = (job: BackgroundJob<JobMeta>): BackupJob => ({
  ...progressOf(job),
  reason: job.meta.reason,
  path: job.meta.path,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
});

const checkOut = (c: BackupCheck, syncedSince: number): BackupCheckOut => ({
  createdAt: c.manifest.createdAt,
  deskCode: c.manifest.deskCode,
  school: c.manifest.school,
  schema: c.manifest.schema,
  students: c.manifest.counts.students,
  payments: c.manifest.counts.payments,
  auditRows: c.auditRows,
  checkpoints: c.checkpoints,
  integrity: c.integrity,
  syncedSince,
});

async function audit(deps: ServiceDeps, actorId: string | null, action: string, entityId: string, after: unknown): Promise<void> {
  await recordAuditAlone(deps, { actorId, action, entity: 'backup', entityId, after });
}

/** This desk's backups: configured, written on the background worker (by hand or daily), checked and restored. */
export interface Backups {
  status(): Promise<BackupStatus>;
  configure(actorId: string, input: ParsedInputOf<'backup.configure'>): Promise<BackupStatus>;
  create(actorId: string): Promise<BackupJob>;
  job(jobId: string): BackupJob;
  cancel(jobId: string): BackupJob;
  /** Reads a backup with its passphrase and checks it whole, on the worker, without touching the store. */
  check(path: string, passphrase: string): Promise<BackupCheckOut>;
  restore(session: Session, input: ParsedInputOf<'backup.restore'>): Promise<OutputOf<'backup.restore'>>;
  /** Starts the daily backup if it is due (the schedule's timer calls this every minute). */
  runDue(): Promise<BackupJob | null>;
  /** Waits for a backup job, its rotation and its record (tests, benchmarks). */
  settled(jobId: string): Promise<BackupJob>;
  startSchedule(everyMs?: number): () => void;
  /** A backup or a restore is under way (the store's key must not change meanwhile). */
  busy(): boolean;
}

export function createBackups(env: BackupEnv): Backups {
  const { deps, settings } = env;
  const config = () => (settings.get(CONFIG_KEY) as BackupConfig | undefined) ?? null;
  const last = () => (settings.get(LAST_KEY) as LastBackup | undefined) ?? null;
  let running: { id: string; finished: Promise<BackupJob> } | null = null;
  let restoring = false;

  const deskCode = async (): Promise<string | null> => {
    try {
      return (await deps.store().selectFrom('desk').select('code').executeTakeFirst())?.code ?? null;
    } catch (err) {
      if (!isStoreDamage(err)) throw err;
      // Too damaged to say: the desk of its last backup, so Restore can list them.
      const path = last()?.path;
      try {
        return path ? readManifest(path).deskCode : null;
      } catch {
        return null; // that backup is gone or damaged too: nothing to list
      }
    }
  };

  const nextDue = (c: BackupConfig): Date | null => {
    if (!c.dailyAt) return null;
    const l = last();
    const success = l?.ok ? new Date(l.at) : null;
    const floor = new Date(c.configuredAt);
    return nextBackupDue(c.dailyAt, deps.clock.now(), success && success > floor ? success : floor, l && !l.ok ? new Date(l.at) : null);
  };

  /** After a backup: its record, and the oldest of this desk's backups beyond `keep` removed. */
  async function finish(job: BackgroundJob<JobMeta>, actorId: string | null, desk: string, c: BackupConfig): Promise<void> {
    const ok = job.state === 'done';
    const at = job.finishedAt ?? deps.clock.now().toISOString();
    settings.set(LAST_KEY, {
      at,
      reason: job.meta.reason,
      ok,
      path: ok ? job.meta.path : null,
      error: ok ? null : (job.error ?? job.state),
    } satisfies LastBackup);
    if (ok) {
      const manifest = job.value as Manifest;
      // Off the main thread: unlinking a gigabyte file can take a tenth of a second.
      for (const old of backupsIn(c.folder, desk).slice(c.keep)) await rm(old.path, { recursive: true, force: true });
      await audit(deps, actorId, 'backup.created', basename(job.meta.path), {
        path: job.meta.path,
        reason: job.meta.reason,
        sha256: manifest.file.sha256,
        bytes: manifest.file.bytes,
      });
    } else if (job.state === 'failed') {
      await audit(deps, actorId, 'backup.failed', basename(job.meta.path), {
        path: job.meta.path,
        reason: job.meta.reason,
        error: job.error,
      });
    }
  }

  async function start(reason: Manifest['reason'], actorId: string | null): Promise<BackupJob> {
    const c = config();
    if (!c) throw new AppError('conflict', 'choose a backup folder and passphrase first');
    if (restoring || !env.available())
      throw new AppError('conflict', 'the store is being restored or rekeyed: back up when that has finished');
    if (running) {
      const job = env.runner().job<JobMeta>(running.id);
      if (job.state === 'running') throw new AppError('conflict', 'a backup is being written already');
    }
    checkFolder(c.folder);
    const desk = await deskCode();
    if (!desk) throw new AppError('not_initialized', 'this desk has not been set up yet');
    removeLeftovers(c.folder, desk);
    const now = deps.clock.now();
    const name = backupName(desk, now);
    const path = join(c.folder, name);
    if (existsSync(path)) throw new AppError('conflict', `a backup named "${name}" is already there: try again in a second`);
    const backupKey = unwrapBackupKey(c.wrappedKey, env.storeKey());
    const runner = env.runner();
    const job = runner.start<JobMeta>(
      { reason, path },
      {
        kind: 'backup.create',
        folder: c.folder,
        name,
        backupKeyHex: backupKey.toString('hex'),
        kdf: c.kdf,
        reason,
        now: now.toISOString(),
      },
    );
    const finished = runner
      .settled<JobMeta>(job.id)
      .then(async (done) => {
        await finish(done, actorId, desk, c);
        return jobOut(runner.job<JobMeta>(job.id));
      })
      .finally(() => {
        if (running?.id === job.id) running = null;
      });
    running = { id: job.id, finished };
    return jobOut(job);
  }

  async function status(): Promise<BackupStatus> {
    const c = config();
    const desk = await deskCode();
    const job = running ? env.runner().job<JobMeta>(running.id) : null;
    const due = c ? nextDue(c) : null;
    return {
      configured: c !== null,
      folder: c?.folder ?? null,
      keep: c?.keep ?? 7,
      dailyAt: c?.dailyAt ?? null,
      last: last(),
      nextDueAt: due ? due.toISOString() : null,
      running: job && job.state === 'running' ? jobOut(job) : null,
      backups: c && desk ? backupsIn(c.folder, desk).map((b) => b.entry) : [],
    };
  }

  /** The backup's key from its passphrase and the kdf its manifest names; a wrong one is refused before any work. */
  async function keyFor(path: string, passphrase: string): Promise<Buffer> {
    const manifest = readManifest(path);
    const key = await deriveKey(passphrase, Buffer.from(manifest.kdf.salt, 'hex'), manifest.kdf);
    checkKey(manifest, key);
    return key;
  }

  /** This desk's audit rows the sync server confirmed holding beyond the backup's (another desk's backup: none). */
  async function syncedSince(manifest: Manifest): Promise<number> {
    try {
      if (manifest.deskCode !== (await deskCode())) return 0;
      const state = await deps.store().selectFrom('sync_state').select('audit_held').where('id', '=', 1).executeTakeFirst();
      return Math.max(0, (state?.audit_held ?? 0) - (manifest.auditHead?.seq ?? 0));
    } catch {
      // The store being replaced may be too damaged to say: nothing to warn about that can be known.
      return 0;
    }
  }

  async function check(path: string, passphrase: string): Promise<BackupCheck> {
    const key = await keyFor(path, passphrase);
    return env.runner().ask<BackupCheck>({ kind: 'backup.check', folder: path, backupKeyHex: key.toString('hex') });
  }

  /**
   * The admin's password and code, checked against the live store; when that store is too damaged to read them, against
   * the checked copy of the backup about to replace it (the same desk's, so the same admin with the same password).
   */
  async function reauthenticateAgainst(target: string, session: Session, reauth: Reauth): Promise<void> {
    const copy = await openStore(target, env.storeKey());
    try {
      await reauthenticate({ ...deps, store: () => copy.db }, session, reauth);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') {
        throw new AppError(
          'invalid_credentials',
          `this store is too damaged to check your password, and ${session.username} is not a user in this backup: restore it with FeeDesk --restore-backup`,
          'reauth.password',
        );
      }
      throw err;
    } finally {
      await copy.close();
    }
  }

  async function restore(session: Session, path: string, passphrase: string, reauth: Reauth, replaceSynced: boolean) {
    let liveDamaged = false;
    try {
      await reauthenticate(deps, session, reauth);
    } catch (err) {
      if (!isStoreDamage(err)) throw err;
      liveDamaged = true;
    }
    if (running) throw new AppError('conflict', 'a backup is being written: wait for it to finish');
    if (restoring) throw new AppError('conflict', 'a restore is in progress already');
    const key = await keyFor(path, passphrase);
    const later = await syncedSince(readManifest(path));
    if (later > 0 && !replaceSynced) {
      throw new AppError(
        'conflict',
        `this desk sent the sync server ${later} audit rows of work done after this backup: receipts among them stay on the server and do not come back here, and this desk's next receipt numbers would repeat theirs. Restore only if this desk's store is lost, and confirm`,
        'replaceSynced',
      );
    }
    restoring = true;
    const target = `${env.dbPath}.restoring`;
    try {
      const checked = await env
        .runner()
        .ask<BackupCheck>({ kind: 'backup.prepareRestore', folder: path, backupKeyHex: key.toString('hex'), target });
      if (liveDamaged) await reauthenticateAgainst(target, session, reauth);
      const stamp = deps.clock
        .now()
        .toISOString()
        .replaceAll(':', '-')
        .replace(/\.\d+Z$/, 'Z');
      const keptAside = join(dirname(env.dbPath), `${basename(env.dbPath)}.before-restore-${stamp}`);
      await env.withStoreClosed(() => swapIn(env.dbPath, target, keptAside));
      // Whoever was logged in signed in against the store that was replaced.
      deps.sessions.endAll();
      await audit(deps, null, 'backup.restored', basename(path), {
        from: path,
        createdAt: checked.manifest.createdAt,
        keptAside,
        by: session.username,
      });
      return { restoredFrom: path, createdAt: checked.manifest.createdAt, keptAside };
    } finally {
      for (const file of [target, `${target}-wal`, `${target}-shm`]) rmSync(file, { force: true });
      restoring = false;
    }
  }

  async function configure(
    actorId: string,
    { folder, keep, dailyAt, passphrase }: ParsedInputOf<'backup.configure'>,
  ): Promise<BackupStatus> {
    checkFolder(folder);
    const old = config();
    if (!old && !passphrase) throw new AppError('invalid_input', 'is required the first time: backups are encrypted with it', 'passphrase');
    let kdf = old?.kdf;
    let wrappedKey = old?.wrappedKey;
    if (passphrase) {
      const cost = env.kdfCost ?? OWASP_SCRYPT;
      const salt = newSalt();
      kdf = { ...cost, salt: salt.toString('hex') };
      wrappedKey = wrapBackupKey(await deriveKey(passphrase, salt, cost), env.storeKey());
    }
    const next: BackupConfig = { folder, keep, dailyAt, kdf: kdf!, wrappedKey: wrappedKey!, configuredAt: deps.clock.now().toISOString() };
    settings.set(CONFIG_KEY, next);
    await audit(deps, actorId, 'backup.configured', folder, { folder, keep, dailyAt, passphraseChanged: passphrase !== undefined });
    return status();
  }

  const runDue = async (): Promise<BackupJob | null> => {
    const c = config();
    // A locked store (waiting for its passphrase) or a rekey: not a failure, the next minute will do.
    if (!c || running || restoring || !env.available()) return null;
    const due = nextDue(c);
    if (!due || due > deps.clock.now()) return null;
    try {
      return await start('scheduled', null);
    } catch (err) {
      // Say so where the admin looks (Backups: last backup failed) and try again later.
      settings.set(LAST_KEY, {
        at: deps.clock.now().toISOString(),
        reason: 'scheduled',
        ok: false,
        path: null,
        error: err instanceof Error ? err.message : String(err),
      } satisfies LastBackup);
      return null;
    }
  };

  return {
    status,
    configure,
    create: (actorId) => start('manual', actorId),
    job: (jobId) => jobOut(env.runner().job<JobMeta>(jobId)),
    cancel: (jobId) => jobOut(env.runner().cancel<JobMeta>(jobId)),
    async check(path, passphrase) {
      const checked = await check(path, passphrase);
      return checkOut(checked, await syncedSince(checked.manifest));
    },
    restore: (session, { path, passphrase, reauth, replaceSynced }) => restore(session, path, passphrase, reauth, replaceSynced === true),
    runDue,
    async settled(jobId) {
      if (running?.id === jobId) return running.finished;
      return jobOut(await env.runner().settled<JobMeta>(jobId));
    },
    busy: () => running !== null || restoring,
    startSchedule(everyMs = 60_000) {
      const timer = setInterval(() => void runDue().catch(() => {}), everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

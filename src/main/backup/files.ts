// Backup folders: a consistent copy of the store encrypted under the backup key, with a manifest (what it holds, its
// checksum, how to derive its key), and the checks a restore runs before anything is replaced. Runs on a worker.
import { createHash, createHmac } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/contract/errors';
import { verifyAudit } from '../audit/chain';
import { keyPragma } from '../db/open';
import { migrations } from '../db/migrations';
import type { ScryptCost } from '../kdf';

export const BACKUP_FORMAT = 'feedesk-backup/1';
export const BACKUP_DB = 'feedesk.db';
export const MANIFEST = 'manifest.json';
const KEY_CHECK_LABEL = 'feedesk backup key check';

export interface BackupKdf extends ScryptCost {
  /** scrypt's salt, hex. */
  salt: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  reason: 'manual' | 'scheduled';
  deskCode: string;
  school: string;
  /** The newest migration the copy has: a FeeDesk that lacks it cannot open the copy. */
  schema: string;
  counts: { students: number; payments: number; auditRows: number };
  auditHead: { seq: number; hash: string } | null;
  file: { name: string; bytes: number; sha256: string };
  kdf: BackupKdf;
  /** HMAC of a fixed label under the backup key: tells a wrong passphrase from a damaged file. */
  keyCheck: string;
}

export const keyCheckOf = (key: Buffer): string => createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('hex');

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens a backup copy with its key; a wrong key is `wrong_key`. */
function openCopy(path: string, key: Buffer | null): Database.Database {
  const raw = new Database(path, { fileMustExist: true });
  try {
    if (key) raw.pragma(keyPragma('key', key));
    raw.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    raw.close();
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new AppError('wrong_key', 'the backup passphrase does not open this backup', 'passphrase');
    throw err;
  }
  return raw;
}

function factsOf(raw: Database.Database): Pick<Manifest, 'deskCode' | 'school' | 'schema' | 'counts' | 'auditHead'> {
  const one = <T>(sql: string) => raw.prepare(sql).get() as T;
  const head = one<{ seq: number; hash: string | null } | undefined>('select seq, hash from audit_log order by seq desc limit 1');
  return {
    deskCode: one<{ code: string } | undefined>('select code from desk')?.code ?? '',
    school: one<{ name: string } | undefined>('select name from school')?.name ?? '',
    schema: one<{ name: string }>('select max(name) as name from kysely_migration').name,
    counts: {
      students: one<{ n: number }>('select count(*) as n from student').n,
      payments: one<{ n: number }>('select count(*) as n from payment').n,
      auditRows: one<{ n: number }>('select count(*) as n from audit_log').n,
    },
    auditHead: head?.hash ? { seq: head.seq, hash: head.hash } : null,
  };
}

export interface CreateBackup {
  folder: string;
  /** The backup's folder name inside `folder`. */
  name: string;
  /** The live store's key (the copy is first written under it). */
  liveKey: Buffer | null;
  backupKey: Buffer;
  kdf: BackupKdf;
  reason: Manifest['reason'];
  now: string;
}

/**
 * Writes `folder/name/` (the copy and its manifest) through `name.partial/`, renamed only when whole.
 * The online backup API refuses a destination keyed differently from the source ("incompatible source and target
 * databases"), so the copy is VACUUM INTO — SQLite's other online backup, one consistent snapshot that never holds up
 * the writer in WAL mode — which the cipher writes under the live key, then rekeyed to the backup key. Never plaintext.
 */
export async function createBackup(source: Database.Database, job: CreateBackup, progress: (done: number, total: number) => void): Promise<Manifest> {
  const target = join(job.folder, job.name);
  const partial = `${target}.partial`;
  mkdirSync(partial);
  try {
    const dbPath = join(partial, BACKUP_DB);
    progress(0, 4);
    source.prepare('vacuum into ?').run(dbPath);
    progress(1, 4);
    const copy = openCopy(dbPath, job.liveKey);
    let facts: ReturnType<typeof factsOf>;
    try {
      facts = factsOf(copy);
      copy.pragma('journal_mode = DELETE');
      copy.pragma(keyPragma('rekey', job.backupKey));
    } finally {
      copy.close();
    }
    progress(2, 4);
    const sha256 = await sha256Of(dbPath);
    progress(3, 4);
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: job.now,
      reason: job.reason,
      ...facts,
      file: { name: BACKUP_DB, bytes: statSync(dbPath).size, sha256 },
      kdf: job.kdf,
      keyCheck: keyCheckOf(job.backupKey),
    };
    writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncPath(dbPath);
    fsyncPath(join(partial, MANIFEST));
    renameSync(partial, target);
    fsyncPath(job.folder);
    progress(4, 4);
    return manifest;
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/** The manifest of a backup folder, or a specific reason it is not one. */
export function readManifest(folder: string): Manifest {
  let text: string;
  try {
    text = readFileSync(join(folder, MANIFEST), 'utf8');
  } catch {
    throw new AppError('invalid_input', `is not a FeeDesk backup: ${folder} has no ${MANIFEST}`, 'path');
  }
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new AppError('invalid_input', `is not a FeeDesk backup: its ${MANIFEST} is not readable JSON`, 'path');
  }
  if (manifest.format !== BACKUP_FORMAT || !manifest.file || !manifest.kdf || typeof manifest.keyCheck !== 'string') {
    throw new AppError('invalid_input', `is not a backup this FeeDesk reads (format ${String(manifest.format ?? 'unknown')})`, 'path');
  }
  return manifest as Manifest;
}

/** Refuses a wrong key before the copy is touched. */
export function checkKey(manifest: Manifest, key: Buffer): void {
  if (keyCheckOf(key) !== manifest.keyCheck) throw new AppError('wrong_key', 'the backup passphrase is wrong for this backup', 'passphrase');
}

export interface BackupCheck {
  manifest: Manifest;
  integrity: 'ok';
  auditRows: number;
  checkpoints: number;
}

/** A copy's checksum, SQLite's integrity check and the audit chain: any fault is a specific error. */
async function checkCopy(dbPath: string, manifest: Manifest, key: Buffer): Promise<BackupCheck> {
  if ((await sha256Of(dbPath)) !== manifest.file.sha256) {
    throw new AppError('invalid_input', 'is damaged: the backup file does not match the checksum in its manifest', 'path');
  }
  if (!(manifest.schema in migrations)) {
    throw new AppError('store_too_new', `was made by a newer FeeDesk (schema ${manifest.schema}); install that version or newer to restore it`, 'path');
  }
  const raw = openCopy(dbPath, key);
  try {
    const integrity = raw.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new AppError('invalid_input', `is damaged: SQLite's integrity check says "${String(integrity)}"`, 'path');
    const chain = verifyAudit(raw);
    if (!chain.intact) {
      const at = chain.firstBreak ?? chain.findings[0];
      throw new AppError('invalid_input', `fails the audit chain check${at ? ` at ${at.table} ${at.row}: ${at.problem}` : ''}`, 'path');
    }
    return { manifest, integrity: 'ok', auditRows: chain.rows, checkpoints: chain.checkpoints };
  } finally {
    raw.close();
  }
}

/** Checks a backup where it lies (the Backups screen's "Check"). */
export async function checkBackup(folder: string, key: Buffer): Promise<BackupCheck> {
  const manifest = readManifest(folder);
  checkKey(manifest, key);
  return checkCopy(join(folder, manifest.file.name), manifest, key);
}

/**
 * Copies a backup beside the live store as `target`, checks that copy (so the bytes checked are the bytes restored)
 * and rekeys it to the live key. The live store is not touched; the caller swaps the files.
 */
export async function prepareRestore(folder: string, key: Buffer, liveKey: Buffer | null, target: string): Promise<BackupCheck> {
  const manifest = readManifest(folder);
  checkKey(manifest, key);
  rmSync(target, { force: true });
  copyFileSync(join(folder, manifest.file.name), target);
  try {
    const check = await checkCopy(target, manifest, key);
    const raw = openCopy(target, key);
    try {
      raw.pragma('journal_mode = DELETE');
      raw.pragma(liveKey ? keyPragma('rekey', liveKey) : "rekey=''");
    } finally {
      raw.close();
    }
    fsyncPath(target);
    return check;
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  }
}

/**
 * Puts the restored copy in place and the old store aside (its WAL and shared-memory files beside it, so it still
 * opens as it was); `undo` puts everything back if the restored store will not open.
 */
export function swapIn(live: string, restored: string, keptAside: string): { undo(): void } {
  const moved: [string, string][] = [];
  const move = (from: string, to: string) => {
    renameSync(from, to);
    moved.push([from, to]);
  };
  const undo = () => {
    for (const [from, to] of moved.reverse()) renameSync(to, from);
  };
  try {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${live}${suffix}`)) move(`${live}${suffix}`, `${keptAside}${suffix}`);
    move(restored, live);
  } catch (err) {
    undo();
    throw err;
  }
  return { undo };
}

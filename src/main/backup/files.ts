// Backup folders: a consistent copy of the store with a manifest (what it holds, its checksum, its data key wrapped
// under the backup passphrase's key), and the checks a restore runs before anything is replaced. Runs on a worker.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/contract/errors';
import { verifyAudit } from '../services/audit-chain';
import { keyPragma } from '../db/open';
import { migrations } from '../db/migrations';
import { type ScryptCost, scryptCostProblem } from '../kdf';

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
  /** The key the copy's pages are encrypted with (the store's when it was made), AES-256-GCM under the backup key. */
  dataKey: string;
}

export const keyCheckOf = (key: Buffer): string => createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('hex');

function wrapDataKey(dataKey: Buffer, backupKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The copy's data key; the key check has already told a wrong passphrase, so a failure here is a damaged manifest. */
function unwrapDataKey(manifest: Manifest, backupKey: Buffer): Buffer {
  const bytes = Buffer.from(manifest.dataKey, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', backupKey, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  } catch {
    throw new AppError('invalid_input', "is damaged: its manifest's data key does not open under this passphrase", 'path');
  }
}

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
    if ((err as { code?: string }).code === 'SQLITE_NOTADB')
      throw new AppError('wrong_key', 'the backup passphrase does not open this backup', 'passphrase');
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
  /** The live store's file and key: the copy is of its pages, encrypted as they are. */
  liveDbPath: string;
  liveKey: Buffer;
  backupKey: Buffer;
  kdf: BackupKdf;
  reason: Manifest['reason'];
  now: string;
}

/**
 * Copies the store's files under a read transaction, so the copy is one committed state of the store.
 * Holding the read, SQLite checkpoints into the database file only pages the WAL also holds (up to this reader's
 * snapshot) and never restarts the WAL under it; so the copied WAL, replayed over the copied file, gives back every
 * page as of the snapshot — or a later commit, where a writer appended whole frames meanwhile (a torn last frame is
 * ignored by recovery). The writer is never held up.
 */
function copyStoreFiles(source: Database.Database, liveDbPath: string, dbPath: string): void {
  source.exec('begin');
  try {
    source.prepare('select count(*) from sqlite_master').get();
    copyFileSync(liveDbPath, dbPath);
    if (existsSync(`${liveDbPath}-wal`)) copyFileSync(`${liveDbPath}-wal`, `${dbPath}-wal`);
  } finally {
    source.exec('commit');
  }
}

/**
 * Writes `folder/name/` (the copy and its manifest) through `name.partial/`, renamed only when whole.
 * The copy keeps the store's pages as they are, encrypted under the store's key, and the manifest holds that key
 * wrapped under the backup passphrase's key (envelope encryption), so a backup is one read and one write of the store.
 * (SQLite's online backup API refuses a destination keyed differently from the source — "incompatible source and
 * target databases" — and VACUUM INTO plus a rekey to the backup key took 106 s on the 3.3 GB benchmark store.)
 */
export async function createBackup(
  source: Database.Database,
  job: CreateBackup,
  progress: (done: number, total: number) => void,
): Promise<Manifest> {
  const target = join(job.folder, job.name);
  const partial = `${target}.partial`;
  mkdirSync(partial);
  try {
    const dbPath = join(partial, BACKUP_DB);
    progress(0, 3);
    copyStoreFiles(source, job.liveDbPath, dbPath);
    progress(1, 3);
    const copy = openCopy(dbPath, job.liveKey);
    let facts: ReturnType<typeof factsOf>;
    try {
      // The copied WAL's commits go into the copy's own file: one file, no WAL beside it.
      copy.pragma('wal_checkpoint(TRUNCATE)');
      copy.pragma('journal_mode = DELETE');
      facts = factsOf(copy);
    } finally {
      copy.close();
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    const sha256 = await sha256Of(dbPath);
    progress(2, 3);
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: job.now,
      reason: job.reason,
      ...facts,
      file: { name: BACKUP_DB, bytes: statSync(dbPath).size, sha256 },
      kdf: job.kdf,
      keyCheck: keyCheckOf(job.backupKey),
      dataKey: wrapDataKey(job.liveKey, job.backupKey),
    };
    writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncPath(dbPath);
    fsyncPath(join(partial, MANIFEST));
    renameSync(partial, target);
    fsyncPath(job.folder);
    progress(3, 3);
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
  if (
    manifest.format !== BACKUP_FORMAT ||
    !manifest.file ||
    !manifest.kdf ||
    typeof manifest.keyCheck !== 'string' ||
    typeof manifest.dataKey !== 'string'
  ) {
    throw new AppError('invalid_input', `is not a backup this FeeDesk reads (format ${String(manifest.format ?? 'unknown')})`, 'path');
  }
  // Checked before any key is derived from it: the cost is the file's word, not ours.
  const costProblem = scryptCostProblem(manifest.kdf);
  if (costProblem || typeof manifest.kdf.salt !== 'string' || !/^[0-9a-f]{32,128}$/.test(manifest.kdf.salt)) {
    throw new AppError(
      'invalid_input',
      `is not a backup this FeeDesk reads: its key settings are out of bounds (${costProblem ?? 'the salt is not hex'})`,
      'path',
    );
  }
  return manifest as Manifest;
}

/** Refuses a wrong key before the copy is touched. */
export function checkKey(manifest: Manifest, key: Buffer): void {
  if (keyCheckOf(key) !== manifest.keyCheck)
    throw new AppError('wrong_key', 'the backup passphrase is wrong for this backup', 'passphrase');
}

export interface BackupCheck {
  manifest: Manifest;
  integrity: 'ok';
  auditRows: number;
  checkpoints: number;
}

/** A copy's checksum, SQLite's integrity check and the audit chain: any fault is a specific error. */
async function checkCopy(dbPath: string, manifest: Manifest, dataKey: Buffer): Promise<BackupCheck> {
  if ((await sha256Of(dbPath)) !== manifest.file.sha256) {
    throw new AppError('invalid_input', 'is damaged: the backup file does not match the checksum in its manifest', 'path');
  }
  if (!(manifest.schema in migrations)) {
    throw new AppError(
      'store_too_new',
      `was made by a newer FeeDesk (schema ${manifest.schema}); install that version or newer to restore it`,
      'path',
    );
  }
  const raw = openCopy(dbPath, dataKey);
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
  return checkCopy(join(folder, manifest.file.name), manifest, unwrapDataKey(manifest, key));
}

/**
 * Copies a backup beside the live store as `target`, checks that copy (so the bytes checked are the bytes restored)
 * and, if the store's key has changed since the backup was made (or this is another computer), rekeys it to the live
 * key. The live store is not touched; the caller swaps the files.
 */
export async function prepareRestore(folder: string, key: Buffer, liveKey: Buffer, target: string): Promise<BackupCheck> {
  const manifest = readManifest(folder);
  checkKey(manifest, key);
  const dataKey = unwrapDataKey(manifest, key);
  rmSync(target, { force: true });
  copyFileSync(join(folder, manifest.file.name), target);
  try {
    const check = await checkCopy(target, manifest, dataKey);
    if (!dataKey.equals(liveKey)) {
      const raw = openCopy(target, dataKey);
      try {
        // A scratch copy: a crash part-way leaves only it to delete, so no journal.
        raw.pragma('journal_mode = OFF');
        raw.pragma('synchronous = OFF');
        raw.pragma(keyPragma('rekey', liveKey));
      } finally {
        raw.close();
      }
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

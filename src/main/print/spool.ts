// The print spool: the PDFs handed to the printer (or to the print viewer) exist on disk only while the printer needs
// them. A receipt carries a student's name, the amount and the signed code, so a copy left behind is a leak: each file
// is readable by this OS user only, removed once the print is handed over, and whatever a crash left is swept at start.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A file left by a process that is still running is kept at start unless it is older than this. */
export const SPOOL_MAX_AGE_MS = 24 * 60 * 60_000;

export interface Spool {
  readonly dir: string;
  /** Writes the job's PDF as `<pid>-<n>-<title>.pdf` (owner-only) and returns its path. */
  write(title: string, pdf: Uint8Array): Promise<string>;
  /** Removes a spooled file; never throws (a file already gone is the aim). */
  remove(file: string): Promise<void>;
}

const NAME = /^(\d+)-\d+-.*\.pdf$/;

export function createSpool(dir: string): Spool {
  let count = 0;
  return {
    dir,
    async write(title, pdf) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      count += 1;
      const safe = title
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/\.pdf$/i, '')
        .slice(0, 60);
      const file = join(dir, `${process.pid}-${count}-${safe}.pdf`);
      await writeFile(file, pdf, { mode: 0o600 });
      return file;
    },
    async remove(file) {
      await rm(file, { force: true }).catch(() => undefined);
    },
  };
}

/** Whether a process with this id is running (EPERM: it is, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  now?: number;
  isAlive?: (pid: number) => boolean;
}

/**
 * Removes what printing left behind: every file in the spool folder but those a running FeeDesk is still printing
 * (its process alive and the file younger than a day). Run at start, before anything prints; a second FeeDesk refused
 * by the store lock therefore never takes a running one's job away. Returns how many files were removed.
 */
export async function sweepSpool(dir: string, options: SweepOptions = {}): Promise<number> {
  const now = options.now ?? Date.now();
  const isAlive = options.isAlive ?? processAlive;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    const pid = Number(NAME.exec(name)?.[1] ?? NaN);
    const printing = Number.isSafeInteger(pid) && pid !== process.pid && isAlive(pid) && now - info.mtimeMs < SPOOL_MAX_AGE_MS;
    if (printing) continue;
    await rm(file, { force: true }).catch(() => undefined);
    removed += 1;
  }
  return removed;
}

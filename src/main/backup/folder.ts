// The backup folder: whether FeeDesk may write there, this desk's backups in it (by manifest), and the half-written
// ones a cancelled job or a crash left behind. Anything else in the folder is never touched.
import { accessSync, constants, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupEntry } from '../../shared/contract/backup';
import { AppError } from '../../shared/contract/errors';
import { readManifest } from './files';

export function checkFolder(folder: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new AppError('invalid_input', `does not exist (${folder}); create it or plug in the drive first`, 'folder');
  }
  if (!isFolder) throw new AppError('invalid_input', `is a file, not a folder (${folder})`, 'folder');
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new AppError('invalid_input', `is a folder FeeDesk may not write to (${folder}); choose another`, 'folder');
  }
}

/** The folder's backups of this desk (by manifest), newest first; anything else in the folder is left alone. */
export function backupsIn(folder: string, deskCode: string): { entry: BackupEntry; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const found: { entry: BackupEntry; path: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(`FeeDesk ${deskCode} `) || name.endsWith('.partial')) continue;
    const path = join(folder, name);
    try {
      const m = readManifest(path);
      if (m.deskCode !== deskCode) continue;
      found.push({
        path,
        entry: {
          path,
          createdAt: m.createdAt,
          reason: m.reason,
          deskCode: m.deskCode,
          bytes: m.file.bytes,
          students: m.counts.students,
          payments: m.counts.payments,
        },
      });
    } catch {
      // Not a backup of ours (or half-deleted by hand): not listed, never rotated away.
    }
  }
  return found.sort((a, b) => b.entry.createdAt.localeCompare(a.entry.createdAt));
}

/** Half-written backups of this desk left by a cancelled job or a crash (never another desk's, nor anything else). */
export function removeLeftovers(folder: string, deskCode: string): void {
  for (const name of readdirSync(folder)) {
    if (name.startsWith(`FeeDesk ${deskCode} `) && name.endsWith('.partial')) rmSync(join(folder, name), { recursive: true, force: true });
  }
}

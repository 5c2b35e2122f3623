// How the store's failures reach the person at the desk: damaged pages, a full or read-only disk, a failing drive.
import { AppError } from '../../shared/contract/errors';

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/** SQLite's word that a store's pages are damaged (or that the file is not a database at all). */
export const isStoreDamage = (err: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB)/.test(codeOf(err));

/** The SQLite error behind `err`: kysely and the migrator pass it on as is or as a cause. */
function sqliteErrorIn(err: unknown): unknown {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (codeOf(e).startsWith('SQLITE_')) return e;
  }
  return null;
}

/**
 * A transaction's first failure, keeping the rollback that then failed as its secondary: the first is why nothing was
 * saved, and it is what the person is told and what the log leads with.
 */
export function withFailedRollback(first: unknown, rollback: unknown): unknown {
  if (first instanceof Error) Object.assign(first, { rollbackError: rollback });
  return first;
}

/**
 * A store fault in the cashier's words, or null when `err` is not one. SQLite rolls the transaction back on each of
 * these, so nothing of the action was written. `folder` is where the store's files are.
 */
export function storeFault(err: unknown, folder: string): AppError | null {
  const sqlite = sqliteErrorIn(err);
  const code = codeOf(sqlite);
  if (isStoreDamage(sqlite)) {
    return new AppError(
      'internal',
      `the store is damaged (${code}): restore a backup under Backups, or start FeeDesk with --restore-backup=FOLDER`,
    );
  }
  if (code === 'SQLITE_FULL') {
    return new AppError('disk_full', `The disk is full: nothing was saved. Free some space on ${folder} and try again.`);
  }
  if (code === 'SQLITE_READONLY_DBMOVED') {
    return new AppError(
      'store_read_only',
      `The store cannot be written: its file in ${folder} was moved or deleted while FeeDesk was open, so nothing was saved. Put it back and restart FeeDesk.`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new AppError(
      'store_read_only',
      `The store cannot be written (read-only): nothing was saved. Make ${folder} and the files in it writable (or the drive not write-protected), then restart FeeDesk.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new AppError(
      'conflict',
      'The store is busy writing a long piece of work (a year-end rollover, or an import): nothing was saved. Try again in a moment.',
    );
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    return new AppError(
      'disk_error',
      `The disk could not be read or written (${code}): nothing was saved. Check that the drive holding ${folder} is connected and working, then try again; if it keeps failing, restart FeeDesk and have the disk checked.`,
    );
  }
  return null;
}

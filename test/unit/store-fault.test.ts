// Which SQLite failures become which words for the cashier (issue 17, item 13), on errors the driver really raises.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { storeFault } from '../../src/main/db/damage';

const driverError = (work: () => unknown): unknown => {
  try {
    work();
  } catch (err) {
    return err;
  }
  throw new Error('the driver did not fail');
};

describe('storeFault', () => {
  it('tells a store whose files cannot be opened any more as a disk error, naming the folder', () => {
    // A file gone from its folder (a drive unplugged): SQLite cannot open it.
    const err = driverError(() => new Database(join(tmpdir(), `feedesk-gone-${process.pid}.db`), { fileMustExist: true }));
    expect((err as { code: string }).code).toBe('SQLITE_CANTOPEN');
    expect(storeFault(err, 'D:\\FeeDesk')?.toData()).toEqual({
      code: 'disk_error',
      message:
        'The disk could not be read or written (SQLITE_CANTOPEN): nothing was saved. Check that the drive holding D:\\FeeDesk is connected and working, then try again; if it keeps failing, restart FeeDesk and have the disk checked.',
    });
  });

  it('tells a store another connection holds for writing (a rollover on the worker) as busy: try again, nothing saved', () => {
    const path = join(tmpdir(), `feedesk-busy-${process.pid}.db`);
    const writer = new Database(path);
    const cashier = new Database(path, { timeout: 10 });
    try {
      writer.exec('create table if not exists t (x integer)');
      writer.exec('begin immediate');
      const err = driverError(() => cashier.exec('insert into t values (1)'));
      expect((err as { code: string }).code).toBe('SQLITE_BUSY');
      expect(storeFault(err, '/srv/feedesk')?.toData()).toEqual({
        code: 'conflict',
        message:
          'The store is busy writing a long piece of work (a year-end rollover, or an import): nothing was saved. Try again in a moment.',
      });
    } finally {
      writer.exec('rollback');
      writer.close();
      cashier.close();
    }
  });

  it('finds the SQLite error behind a wrapping one (a migration that failed on a full disk)', () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(storeFault(new Error('database migration 0009 failed', { cause: full }), '/srv/feedesk')?.code).toBe('disk_full');
  });

  it('tells every read-only sub-code as a read-only store, and leaves other errors alone', () => {
    for (const code of ['SQLITE_READONLY', 'SQLITE_READONLY_RECOVERY', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_READONLY_DIRECTORY']) {
      expect(storeFault(Object.assign(new Error(code), { code }), '/srv/feedesk')?.code).toBe('store_read_only');
    }
    expect(storeFault(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }), '/srv/feedesk')).toBeNull();
    expect(storeFault(new TypeError('x is undefined'), '/srv/feedesk')).toBeNull();
  });
});

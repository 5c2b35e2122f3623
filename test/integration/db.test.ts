import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, rekey } from '../../src/main/db/open';
import { AppError } from '../../src/shared/contract/errors';
import { tempDir } from '../support/harness';

const MARKER = 'FEEDESK-PLAINTEXT-MARKER-7f3a9c';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dbPath(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'store.db');
}

const digest = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null);
const filesOf = (path: string) => [path, `${path}-wal`, `${path}-shm`];

async function insertMarker(store: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  await store.db
    .insertInto('policy')
    .values({ key: 'marker', value_json: JSON.stringify(MARKER) })
    .execute();
}

async function openError(path: string, key: Buffer): Promise<AppError> {
  try {
    const store = await openStore(path, key);
    await store.close();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('store opened with the wrong key');
}

describe('encrypted store', () => {
  it('keeps no plaintext of stored data in the database file or its WAL', async () => {
    const path = dbPath();
    const store = await openStore(path, randomBytes(32));
    await insertMarker(store);
    // Still open: the marker's page sits in the WAL, not yet checkpointed.
    const wal = readFileSync(`${path}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    expect(wal.includes(MARKER)).toBe(false);
    expect(readFileSync(path).includes(MARKER)).toBe(false);
    await store.close();
    expect(readFileSync(path).includes(MARKER)).toBe(false);
  });

  it('would show the marker in an unencrypted file (the check above can fail)', async () => {
    const path = dbPath();
    const store = await openStore(path, null);
    await insertMarker(store);
    const bytes = Buffer.concat(
      filesOf(path)
        .filter(existsSync)
        .map((f) => readFileSync(f)),
    );
    expect(bytes.includes(MARKER)).toBe(true);
    await store.close();
  });

  it('refuses a wrong key with a clear message and leaves the files untouched', async () => {
    const path = dbPath();
    const store = await openStore(path, randomBytes(32));
    await insertMarker(store);
    await store.close();
    const before = filesOf(path).map(digest);

    const err = await openError(path, randomBytes(32));
    expect(err.code).toBe('wrong_key');
    expect(err.message).toMatch(/^database key does not match/);
    expect(filesOf(path).map(digest)).toEqual(before);
  });

  it('sets WAL, synchronous=FULL, foreign keys and in-memory temp storage at open', async () => {
    const store = await openStore(dbPath(), randomBytes(32));
    const pragma = (name: string) => store.raw.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(2);
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('temp_store')).toBe(2);
    await store.close();
  });

  it('rekeys: the new key opens the data, the old one no longer does', async () => {
    const path = dbPath();
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const store = await openStore(path, oldKey);
    await insertMarker(store);
    rekey(store.raw, newKey);
    expect(store.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();

    expect((await openError(path, oldKey)).code).toBe('wrong_key');
    const reopened = await openStore(path, newKey);
    const row = await reopened.db.selectFrom('policy').select('value_json').where('key', '=', 'marker').executeTakeFirst();
    expect(row?.value_json).toBe(JSON.stringify(MARKER));
    await reopened.close();
  });

  it('migrates a new store and refuses one written by a newer schema', async () => {
    const path = dbPath();
    const key = randomBytes(32);
    const store = await openStore(path, key);
    const names = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    expect(names.rows.map((r) => r.name)).toEqual([
      '0001_foundation',
      '0002_fees',
      '0003_receipts',
      '0004_sync',
      '0005_reports',
      '0006_audit_chain',
      '0007_totp',
      '0008_audit_sync',
      '0009_upi_references',
      '0010_bank_lines',
      '0011_school_year',
      '0012_student_charges',
      '0013_refunds',
      '0014_resync_overpayments',
      '0015_lean_due',
    ]);
    await sql`insert into kysely_migration (name, timestamp) values ('0099_from_the_future', '2030-01-01')`.execute(store.db);
    await store.close();

    const err = await openError(path, key);
    expect(err.code).toBe('store_too_new');
    expect(err.message).toContain('newer FeeDesk');
    expect(err.message).toContain('0099_from_the_future');
  });

  it('refuses to edit or delete audit rows', async () => {
    const store = await openStore(dbPath(), randomBytes(32));
    await store.db
      .insertInto('audit_log')
      .values({
        id: 'a1',
        at: '2026-01-01T00:00:00Z',
        user_id: null,
        desk_code: 'D01',
        action: 'x',
        entity: 'y',
        entity_id: null,
        before_json: null,
        after_json: null,
        prev_hash: null,
        hash: null,
      })
      .execute();
    await expect(store.db.updateTable('audit_log').set({ action: 'z' }).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await store.close();
  });
});

// Encrypted backups: written on the worker under the backup passphrase, checked, rotated on a daily schedule, and
// restored over a damaged store with the old one kept aside; the database key changed from Settings.
import { existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, noKeychain, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { nextBackupDue } from '../../src/main/backup/schedule';
import { createKeyStore } from '../../src/main/db/key-store';
import { runRestore } from '../../src/main/maintenance';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { TEST_KDF } from '../support/harness';
import { enrollDesk, startSyncServer } from '../support/sync-server';

const PASSPHRASE = 'blue kettle on the hill';
let desk: TestDesk | null = null;
afterEach(async () => {
  await desk?.close();
  desk = null;
});

async function schoolWithPayments(payments: number, options: Parameters<typeof openTestDesk>[0] = {}) {
  const d = (desk = await openTestDesk(options));
  if (options.keychain === noKeychain) await d.ok('store.createPassphrase', { passphrase: 'the store passphrase' });
  await setUpSchool(d);
  const school = await seedSmallSchool(d);
  const students = [];
  for (let i = 0; i < 5; i++) students.push(await admit(d, school));
  for (let n = 0; n < payments; n++) {
    await d.ok('payments.record', { studentIds: [students[n % students.length]!.id], amount: (n + 1) * 100_00, method: { mode: 'cash' } });
  }
  const folder = join(d.dir, 'backups');
  mkdirSync(folder);
  return { desk: d, folder, students };
}

/** What a restore must bring back: the ledger and the trail, read through the contract. */
async function books(d: TestDesk) {
  return {
    students: (await d.ok('students.search', { query: 'Student', limit: 100 })).map((s) => s.id).sort(),
    audit: (await d.ok('audit.list', { limit: 500 }))
      .filter((a) => !a.action.startsWith('backup.') && !a.action.startsWith('auth.'))
      .map((a) => [a.seq, a.action, a.entityId]),
  };
}

async function backUp(d: TestDesk) {
  const job = await d.ok('backup.create');
  const done = await d.app.backups.settled(job.id);
  expect(done.state, done.error ?? '').toBe('done');
  return done.path;
}

const refusal = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string; field?: string } }) =>
  r.ok ? null : r.error;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('backups', () => {
  it('writes an encrypted copy with a manifest, which only the backup passphrase opens', async () => {
    const { desk: d, folder } = await schoolWithPayments(6);
    expect(refusal(await d.call('backup.create'))).toMatchObject({ code: 'conflict', message: /backup folder and passphrase first/ });
    const configured = await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    expect(configured).toMatchObject({ configured: true, folder, keep: 7, dailyAt: null, nextDueAt: null, backups: [] });

    // Left by a cancelled job or a crash: this desk's half-written backup goes; another desk's and other files stay.
    for (const name of ['FeeDesk D01 2026-05-31 180000.partial', 'FeeDesk D02 2026-05-31 180000.partial', 'photos'])
      mkdirSync(join(folder, name));
    const path = await backUp(d);
    expect(readdirSync(folder).sort()).toEqual([basename(path), 'FeeDesk D02 2026-05-31 180000.partial', 'photos'].sort());
    expect(readdirSync(path).sort()).toEqual(['feedesk.db', 'manifest.json']);
    const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'feedesk-backup/1',
      reason: 'manual',
      deskCode: 'D01',
      school: 'Green Valley School',
      counts: { students: 5, payments: 6 },
    });
    expect(manifest.file.sha256).toBe(sha256(join(path, 'feedesk.db')));
    // Not plaintext SQLite; its pages stay under the store's key, which the manifest holds only wrapped.
    expect(readFileSync(join(path, 'feedesk.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
    const probe = new Database(join(path, 'feedesk.db'));
    expect(() => probe.prepare('select count(*) from payment').get()).toThrow(/not a database/);
    probe.close();
    const storeKey = await keyOf(d);
    for (const form of ['hex', 'base64'] as const)
      expect(readFileSync(join(path, 'manifest.json'), 'utf8')).not.toContain(storeKey.toString(form));

    const wrong = await d.call('backup.check', { path, passphrase: 'not the passphrase' });
    expect(refusal(wrong)).toEqual({ code: 'wrong_key', message: 'the backup passphrase is wrong for this backup', field: 'passphrase' });
    const check = await d.ok('backup.check', { path, passphrase: PASSPHRASE });
    expect(check).toMatchObject({ deskCode: 'D01', students: 5, payments: 6, integrity: 'ok' });
    expect(check.auditRows).toBe(manifest.counts.auditRows);

    const status = await d.ok('backup.status');
    expect(status.backups).toHaveLength(1);
    expect(status.last).toMatchObject({ ok: true, reason: 'manual', path });
    const trail = await d.ok('audit.list', { limit: 5 });
    expect(trail[0]).toMatchObject({ action: 'backup.created', entity: 'backup' });
    expect((await d.ok('audit.verify')).intact).toBe(true);
  });

  it('says exactly what is wrong with a damaged backup, and restores nothing from it', async () => {
    const { desk: d, folder } = await schoolWithPayments(4);
    await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    const path = await backUp(d);
    const before = await books(d);
    const file = join(path, 'feedesk.db');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, Math.floor(statSync(file).size / 2));
    closeSync(fd);

    const check = await d.call('backup.check', { path, passphrase: PASSPHRASE });
    expect(refusal(check)).toEqual({
      code: 'invalid_input',
      message: 'is damaged: the backup file does not match the checksum in its manifest',
      field: 'path',
    });
    const restore = await d.call('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: ADMIN.password } });
    expect(refusal(restore)).toMatchObject({ code: 'invalid_input', message: /checksum/ });
    expect(await books(d)).toEqual(before);
    expect(existsSync(`${d.dbPath}.restoring`)).toBe(false);

    // A manifest whose key cost was crafted (issue 17, item 15: p = 4096 held the thread pool, a login waited 137 s):
    // refused before any key is derived, at once.
    const manifestPath = join(path, 'manifest.json');
    const genuine = readFileSync(manifestPath, 'utf8');
    for (const kdf of [{ p: 4096 }, { logN: 30 }, { r: 1e6 }, { logN: 20, r: 32 }, { p: 1.5 }, { salt: '../..' }]) {
      const crafted = JSON.parse(genuine);
      writeFileSync(manifestPath, JSON.stringify({ ...crafted, kdf: { ...crafted.kdf, ...kdf } }));
      const refused = await d.call('backup.check', { path, passphrase: PASSPHRASE });
      expect(refusal(refused), JSON.stringify(kdf)).toMatchObject({
        code: 'invalid_input',
        field: 'path',
        message: /its key settings are out of bounds/,
      });
      const restoreCrafted = await d.call('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: ADMIN.password } });
      expect(refusal(restoreCrafted)).toMatchObject({ code: 'invalid_input', message: /out of bounds/ });
    }
    expect(await books(d)).toEqual(before);

    rmSync(join(path, 'manifest.json'));
    const gone = await d.call('backup.check', { path, passphrase: PASSPHRASE });
    expect(refusal(gone)).toMatchObject({
      code: 'invalid_input',
      field: 'path',
      message: /is not a FeeDesk backup: .* has no manifest.json/,
    });
  });

  it('restores over a corrupted store: everything back as backed up, the chain intact, the old store kept aside', async () => {
    const { desk: d, folder, students } = await schoolWithPayments(8);
    await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    const path = await backUp(d);
    const atBackup = await books(d);
    await d.ok('payments.record', { studentIds: [students[0]!.id], amount: 77_00, method: { mode: 'cash' } });

    // Bytes overwritten in the middle of the live file, once a checkpoint has put everything there (when the
    // pages are also in the WAL, SQLite reads them from there and never sees the damage).
    await d.restart();
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const writer = new Database(d.dbPath);
    writer.pragma(`key="x'${(await keyOf(d)).toString('hex')}'"`);
    expect(writer.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    writer.close();
    const size = statSync(d.dbPath).size;
    const fd = openSync(d.dbPath, 'r+');
    for (let at = 8192; at < size - 4096; at += 16384) writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, at);
    closeSync(fd);
    const damaged = new Database(d.dbPath, { readonly: true });
    damaged.pragma(`key="x'${(await keyOf(d)).toString('hex')}'"`);
    expect(() => damaged.pragma('integrity_check', { simple: true })).toThrow(/malformed/);
    damaged.close();

    // Everything else says what is wrong and where to go; Backups still lists what there is to restore.
    expect(refusal(await d.call('students.search', { query: 'Student', limit: 5 }))).toEqual({
      code: 'internal',
      message: 'the store is damaged (SQLITE_CORRUPT): restore a backup under Backups, or start FeeDesk with --restore-backup=FOLDER',
    });
    expect((await d.ok('backup.status')).backups.map((b) => b.path)).toEqual([path]);

    // The admin's password and code cannot be read from the damaged store: they are checked against the backup's.
    const wrongPassword = await d.call('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: 'not my password' } });
    expect(refusal(wrongPassword)).toMatchObject({ code: 'invalid_credentials', field: 'reauth.password' });
    const wrongPassphrase = await d.call('backup.restore', {
      path,
      passphrase: 'not the passphrase',
      reauth: { password: ADMIN.password },
    });
    expect(refusal(wrongPassphrase)).toMatchObject({ code: 'wrong_key', field: 'passphrase' });

    const restored = await d.ok('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: ADMIN.password } });
    expect(restored.restoredFrom).toBe(path);
    expect(existsSync(restored.keptAside)).toBe(true);
    // Everyone signs in again, against the restored store.
    expect(refusal(await d.call('students.search', { query: 'Student', limit: 5 }))?.code).toBe('unauthenticated');
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const after = await books(d);
    expect(after.students).toEqual(atBackup.students);
    expect(after.audit).toEqual(atBackup.audit);
    const [login, restoredRow] = await d.ok('audit.list', { limit: 2 });
    expect(login).toMatchObject({ action: 'auth.login' });
    expect(restoredRow).toMatchObject({ action: 'backup.restored', after: { from: path, keptAside: restored.keptAside } });
    const verify = await d.ok('audit.verify');
    expect(verify.findings).toEqual([]);
    expect(verify.intact).toBe(true);
    const raw = new Database(d.dbPath, { readonly: true });
    raw.pragma(`key="x'${(await keyOf(d)).toString('hex')}'"`);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.prepare('select count(*) as n from payment').get()).toEqual({ n: 8 });
    raw.close();
    // The store still opens after a restart, with the same key as before.
    await d.restart();
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect((await books(d)).students).toEqual(atBackup.students);
  });

  it('backs up daily at the chosen time, keeps the newest N of this desk, and retries a failed one later', async () => {
    const { desk: d, folder } = await schoolWithPayments(2);
    await d.travelTo(new Date(2026, 5, 1, 10, 0).toISOString());
    await d.ok('backup.configure', { folder, keep: 2, dailyAt: '18:00', passphrase: PASSPHRASE });
    expect(new Date((await d.ok('backup.status')).nextDueAt!)).toEqual(new Date(2026, 5, 1, 18, 0));
    expect(await d.app.backups.runDue()).toBeNull();

    const made: string[] = [];
    for (const day of [1, 2, 3]) {
      await d.travelTo(new Date(2026, 5, day, 18, 0, 30).toISOString());
      const job = await d.app.backups.runDue();
      expect(job?.reason).toBe('scheduled');
      made.push((await d.app.backups.settled(job!.id)).path);
      expect(await d.app.backups.runDue()).toBeNull();
    }
    const status = await d.ok('backup.status');
    expect(status.backups.map((b) => b.path)).toEqual([made[2], made[1]]);
    expect(existsSync(made[0]!)).toBe(false);
    expect(new Date(status.nextDueAt!)).toEqual(new Date(2026, 5, 4, 18, 0));

    // The drive is out at the next slot: the failure is shown, and tried again 15 minutes later, not before.
    rmSync(folder, { recursive: true });
    await d.travelTo(new Date(2026, 5, 4, 18, 1).toISOString());
    expect(await d.app.backups.runDue()).toBeNull();
    expect((await d.ok('backup.status')).last).toMatchObject({
      ok: false,
      reason: 'scheduled',
      error: expect.stringMatching(/does not exist/),
    });
    await d.travelTo(new Date(2026, 5, 4, 18, 10).toISOString());
    mkdirSync(folder);
    expect(await d.app.backups.runDue()).toBeNull();
    await d.travelTo(new Date(2026, 5, 4, 18, 16, 1).toISOString());
    const retried = await d.app.backups.runDue();
    expect((await d.app.backups.settled(retried!.id)).state).toBe('done');
  });

  it('schedules from the local clock: once per slot, a missed day caught up once', () => {
    const at = (d: number, h: number, m = 0) => new Date(2026, 5, d, h, m);
    expect(nextBackupDue('18:00', at(1, 10), at(1, 9), null)).toEqual(at(1, 18));
    expect(nextBackupDue('18:00', at(1, 19), at(1, 9), null)).toEqual(at(1, 18));
    expect(nextBackupDue('18:00', at(1, 19), at(1, 18, 5), null)).toEqual(at(2, 18));
    expect(nextBackupDue('18:00', at(4, 9), at(1, 18, 5), null)).toEqual(at(3, 18));
    expect(nextBackupDue('18:00', at(1, 18, 20), null, at(1, 18, 10))).toEqual(at(1, 18, 25));
  });

  it('changes the database key from Settings: the store reopens with the new one and backups go on', async () => {
    const { desk: d, folder } = await schoolWithPayments(3);
    await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    const oldKey = await keyOf(d);
    const refused = await d.call('store.rekey', { reauth: { password: 'wrong password' } });
    expect(refusal(refused)?.code).toBe('invalid_credentials');
    const needless = await d.call('store.rekey', { reauth: { password: ADMIN.password }, newPassphrase: 'a new passphrase here' });
    expect(refusal(needless)).toMatchObject({ code: 'invalid_input', field: 'newPassphrase', message: /system keychain/ });

    const before = await backUp(d);
    const atBackup = await books(d);
    expect(await d.ok('store.rekey', { reauth: { password: ADMIN.password } })).toEqual({ state: 'open' });
    const newKey = await keyOf(d);
    expect(newKey.equals(oldKey)).toBe(false);
    const old = new Database(d.dbPath, { readonly: true });
    old.pragma(`key="x'${oldKey.toString('hex')}'"`);
    expect(() => old.prepare('select count(*) from payment').get()).toThrow(/not a database/);
    old.close();
    expect((await d.ok('audit.list', { limit: 1 }))[0]).toMatchObject({ action: 'store.rekeyed' });

    const path = await backUp(d);
    expect((await d.ok('backup.check', { path, passphrase: PASSPHRASE })).payments).toBe(3);
    await d.restart();
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect((await d.ok('audit.verify')).intact).toBe(true);

    // A backup from before the key changed restores under the new key.
    await d.ok('backup.restore', { path: before, passphrase: PASSPHRASE, reauth: { password: ADMIN.password } });
    await d.restart();
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(await books(d)).toEqual(atBackup);
    expect((await keyOf(d)).equals(newKey)).toBe(true);
  });

  it('copies one committed state while the cashier keeps recording payments', async () => {
    const { desk: d, folder, students } = await schoolWithPayments(2);
    await d.ok('backup.configure', { folder, keep: 10, dailyAt: null, passphrase: PASSPHRASE });
    let recording = true;
    let recorded = 2;
    const cashier = (async () => {
      while (recording) {
        await d.ok('payments.record', { studentIds: [students[recorded % students.length]!.id], amount: 10_00, method: { mode: 'cash' } });
        recorded += 1;
        // Each payment arrives as its own IPC message (a task of its own), as from the window.
        await new Promise((r) => setImmediate(r));
      }
    })();
    const made: { path: string; before: number; after: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const before = recorded;
      const job = await d.ok('backup.create');
      const done = await d.app.backups.settled(job.id);
      expect(done.state, done.error ?? '').toBe('done');
      made.push({ path: done.path, before, after: recorded });
      d.clock.advanceMinutes(1);
      await new Promise((r) => setTimeout(r, 300));
    }
    recording = false;
    await cashier;
    for (const b of made) {
      const check = await d.ok('backup.check', { path: b.path, passphrase: PASSPHRASE });
      expect(check.integrity).toBe('ok');
      expect(check.payments).toBeGreaterThanOrEqual(b.before);
      expect(check.payments).toBeLessThanOrEqual(b.after);
    }
    // Payments were saved while backups were being written.
    expect(made.some((b) => b.after > b.before)).toBe(true);
  });

  it('in passphrase mode, a new key means a new passphrase', async () => {
    const { desk: d } = await schoolWithPayments(1, { keychain: noKeychain, dir: tempDir().dir });
    const missing = await d.call('store.rekey', { reauth: { password: ADMIN.password } });
    expect(refusal(missing)).toMatchObject({ code: 'invalid_input', field: 'newPassphrase', message: /is required/ });
    await d.ok('store.rekey', { reauth: { password: ADMIN.password }, newPassphrase: 'the new store passphrase' });
    await d.restart();
    expect(await d.ok('store.status')).toEqual({ state: 'needs_passphrase' });
    expect(refusal(await d.call('store.unlock', { passphrase: 'the store passphrase' }))?.code).toBe('wrong_key');
    expect(await d.ok('store.unlock', { passphrase: 'the new store passphrase' })).toEqual({ state: 'open' });
  });
});

/** FeeDesk --restore-backup=FOLDER at a terminal: the lines typed, and what it printed. */
async function restoreAtTerminal(d: TestDesk, dir: string, folder: string, typed: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk) => (printed += chunk));
  input.end(typed.map((l) => `${l}\n`).join(''));
  const keys = createKeyStore(d.keychain, createFileSettingsStore(join(dir, 'settings.json')), TEST_KDF);
  const code = await runRestore(
    folder,
    { dbPath: join(dir, 'feedesk.db'), keys, clock: d.clock, ids: { uuid: () => randomUUID() } },
    { input, output },
  );
  return { code, printed };
}

describe('restoring a desk that synced work after its backup', () => {
  it('says so at Check, and restores only when told to replace what the server holds', async () => {
    const server = await startSyncServer({ kind: 'pglite' });
    try {
      const { desk: d, folder, students } = await schoolWithPayments(2);
      await enrollDesk(server, d);
      await d.ok('sync.setEnabled', { enabled: true });
      await d.app.sync.runNow();
      await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
      const path = await backUp(d);
      const atBackup = await books(d);
      expect((await d.ok('backup.check', { path, passphrase: PASSPHRASE })).syncedSince).toBe(0);

      await d.ok('payments.record', { studentIds: [students[0]!.id], amount: 99_00, method: { mode: 'cash' } });
      await d.app.sync.runNow();
      const { audit } = await d.ok('sync.status');
      expect(audit.held).toBe(audit.rows);
      const check = await d.ok('backup.check', { path, passphrase: PASSPHRASE });
      expect(check.syncedSince).toBeGreaterThan(0);

      const before = await books(d);
      const refused = await d.call('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: ADMIN.password } });
      expect(refusal(refused)).toMatchObject({
        code: 'conflict',
        field: 'replaceSynced',
        message: /audit rows of work done after this backup/,
      });
      expect(await books(d)).toEqual(before);
      await d.ok('backup.restore', { path, passphrase: PASSPHRASE, reauth: { password: ADMIN.password }, replaceSynced: true });
      await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
      expect(await books(d)).toEqual(atBackup);
    } finally {
      await desk?.close();
      desk = null;
      await server.close();
    }
  });
});

describe('restoring without opening the store (FeeDesk --restore-backup)', () => {
  it('brings back a store too damaged to open, keeping the damaged one aside', async () => {
    const { desk: d, folder } = await schoolWithPayments(5);
    await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    const path = await backUp(d);
    const atBackup = await books(d);
    await d.app.close();
    // The first pages (the schema) overwritten, and no WAL left to mend them: the store no longer opens at all.
    const fd = openSync(d.dbPath, 'r+');
    writeSync(fd, Buffer.alloc(16384, 0x33), 0, 16384, 0);
    closeSync(fd);
    for (const suffix of ['-wal', '-shm']) rmSync(`${d.dbPath}${suffix}`, { force: true });
    const damaged = sha256(d.dbPath);
    await expect(d.restart()).rejects.toThrow();

    const wrong = await restoreAtTerminal(d, d.dir, path, ['not the passphrase']);
    expect(wrong).toEqual({
      code: 1,
      printed:
        'Backup passphrase: Restore refused: passphrase the backup passphrase is wrong for this backup\nThe store was left as it was.\n',
    });
    expect(sha256(d.dbPath)).toBe(damaged);

    const right = await restoreAtTerminal(d, d.dir, path, [PASSPHRASE]);
    expect(right.code).toBe(0);
    const keptAside = /kept at (.+)\.\n/.exec(right.printed)?.[1];
    expect(keptAside && sha256(keptAside)).toBe(damaged);
    await d.restart();
    await d.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(await books(d)).toEqual(atBackup);
    expect((await d.ok('audit.list', { limit: 2 }))[1]).toMatchObject({
      action: 'backup.restored',
      after: { by: 'maintenance', from: path },
    });
    expect((await d.ok('audit.verify')).intact).toBe(true);
  });

  it('restores onto a new computer without a keychain, under the store passphrase typed there', async () => {
    const { desk: d, folder } = await schoolWithPayments(3, { keychain: noKeychain, dir: tempDir().dir });
    await d.ok('backup.configure', { folder, keep: 7, dailyAt: null, passphrase: PASSPHRASE });
    const path = await backUp(d);
    const atBackup = await books(d);

    const fresh = tempDir().dir;
    const short = await restoreAtTerminal(d, fresh, path, [PASSPHRASE, 'short']);
    expect(short.code).toBe(1);
    expect(short.printed).toContain('storePassphrase must be at least 12 characters');
    expect(existsSync(join(fresh, 'feedesk.db'))).toBe(false);
    expect((await restoreAtTerminal(d, fresh, path, [PASSPHRASE, 'the new computer passphrase'])).code).toBe(0);

    const moved = await openTestDesk({ dir: fresh, keychain: noKeychain });
    try {
      expect(await moved.ok('store.unlock', { passphrase: 'the new computer passphrase' })).toEqual({ state: 'open' });
      // The admin's authenticator app comes along: the two-step key is in the restored store.
      moved.clock.current = new Date(d.clock.current.getTime() + 60_000);
      moved.authenticator.add(ADMIN.username, d.authenticator.key(ADMIN.username));
      await moved.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
      expect(await books(moved)).toEqual(atBackup);
    } finally {
      await moved.close();
    }
  });
});

/** The store's current key, as the keychain holds it (the fake keychain is the test's own). */
async function keyOf(d: TestDesk): Promise<Buffer> {
  const settings = JSON.parse(readFileSync(join(d.dir, 'settings.json'), 'utf8')) as Record<string, string>;
  return d.keychain.unwrap(Buffer.from(settings['store.wrappedKey']!, 'base64'));
}

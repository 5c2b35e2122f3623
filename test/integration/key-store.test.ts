import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEncryptedStore } from '../../src/main/db/encrypted-store';
import { createKeyStore } from '../../src/main/db/key-store';
import { openStore, rekey } from '../../src/main/db/open';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import { fakeKeychain, noKeychain, openTestDesk, TEST_KDF, tempDir, type TestDesk } from '../support/harness';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function files() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return {
    db: join(t.dir, 'feedesk.db'),
    settings: createFileSettingsStore(join(t.dir, 'settings.json')),
    settingsPath: join(t.dir, 'settings.json'),
  };
}

describe('key from the OS keychain', () => {
  it('creates a random key on first run, keeps it only wrapped, and reopens with it', async () => {
    const f = files();
    const keychain = fakeKeychain();
    const keys = createKeyStore(keychain, f.settings, TEST_KDF);
    const [key] = keys.automaticKeys();
    expect(key).toHaveLength(32);
    const settingsText = readFileSync(f.settingsPath, 'utf8');
    expect(settingsText).not.toContain(key!.toString('base64'));
    expect(settingsText).not.toContain(key!.toString('hex'));
    expect(keys.automaticKeys()[0]!.equals(key!)).toBe(true);

    const store = createEncryptedStore(f.db, keys);
    await store.openAutomatically();
    expect(store.status().state).toBe('open');
    await store.close();
  });

  it('rotates the key, and survives a crash on either side of the rekey', async () => {
    const f = files();
    const keys = createKeyStore(fakeKeychain(), f.settings, TEST_KDF);
    const store = createEncryptedStore(f.db, keys);
    await store.openAutomatically();
    await store.close();

    // Crash before the rekey: the pending key was recorded but never used.
    await keys.prepareRotation();
    const s1 = createEncryptedStore(f.db, keys);
    await s1.openAutomatically();
    expect(keys.hasPendingRotation()).toBe(false);
    await s1.close();

    // Crash after the rekey, before the pending key was promoted.
    const [current] = keys.automaticKeys();
    const pending = await keys.prepareRotation();
    const raw = await openStore(f.db, current!);
    rekey(raw.raw, pending);
    await raw.close();
    const s2 = createEncryptedStore(f.db, keys);
    await s2.openAutomatically();
    expect(s2.status().state).toBe('open');
    expect(keys.hasPendingRotation()).toBe(false);
    expect(keys.automaticKeys()[0]!.equals(pending)).toBe(true);

    // A full rotation through the store.
    await s2.rotateKey();
    await s2.close();
    const s3 = createEncryptedStore(f.db, keys);
    await s3.openAutomatically();
    expect(s3.status().state).toBe('open');
    await s3.close();
  });
});

describe('key from a passphrase (no OS keychain)', () => {
  let desk: TestDesk;
  afterEach(() => desk?.close());

  it('asks for a new passphrase on first run and keeps every other channel closed until then', async () => {
    desk = await openTestDesk({ keychain: noKeychain });
    expect(await desk.ok('store.status')).toEqual({ state: 'new_passphrase' });
    const blocked = await desk.call('setup.status');
    expect(blocked.ok ? null : blocked.error.code).toBe('store_locked');

    const short = await desk.call('store.createPassphrase', { passphrase: 'short' });
    expect(short.ok ? null : short.error).toMatchObject({ code: 'invalid_input', field: 'passphrase' });

    expect(await desk.ok('store.createPassphrase', { passphrase: 'river stone lantern 42' })).toEqual({ state: 'open' });
    expect(await desk.ok('setup.status')).toMatchObject({ initialized: false });
  });

  it('opens again only with the same passphrase', async () => {
    desk = await openTestDesk({ keychain: noKeychain });
    await desk.ok('store.createPassphrase', { passphrase: 'river stone lantern 42' });
    await desk.restart();
    expect(await desk.ok('store.status')).toEqual({ state: 'needs_passphrase' });

    const wrong = await desk.call('store.unlock', { passphrase: 'river stone lantern 43' });
    expect(wrong.ok ? null : wrong.error).toEqual({
      code: 'wrong_key',
      message: 'the passphrase does not open this store',
      field: 'passphrase',
    });
    expect(await desk.ok('store.unlock', { passphrase: 'river stone lantern 42' })).toEqual({ state: 'open' });
  });

  it('does not let a second passphrase be chosen for an existing store', async () => {
    desk = await openTestDesk({ keychain: noKeychain });
    await desk.ok('store.createPassphrase', { passphrase: 'river stone lantern 42' });
    const again = await desk.call('store.createPassphrase', { passphrase: 'another long passphrase' });
    expect(again.ok ? null : again.error.code).toBe('conflict');
  });
});

// One FeeDesk per store: a second backend on the same files — in this process, in another, started at the same
// moment, or a restore run beside a running desk — is refused, naming the one that holds it; the lock ends with its
// holder, however that ends.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../src/main/app';
import { createKeyStore } from '../../src/main/db/key-store';
import { alreadyRunningMessage, lockPathOf, lockStore } from '../../src/main/db/store-lock';
import { runRestore } from '../../src/main/maintenance';
import { createFilePrinter } from '../../src/main/print/printer';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import {
  fakeKeychain,
  FONTS_DIR,
  openTestDesk,
  sequentialIds,
  setUpSchool,
  TEST_KDF,
  TestClock,
  tempDir,
  type TestDesk,
} from '../support/harness';

const root = join(import.meta.dirname, '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function depsFor(desk: TestDesk, shell: string): AppDeps {
  return {
    dbPath: desk.dbPath,
    keyWrapper: desk.keychain,
    settings: createFileSettingsStore(join(desk.dir, 'settings.json')),
    clock: new TestClock(),
    ids: sequentialIds(),
    printer: createFilePrinter(join(desk.dir, 'prints')),
    fontsDir: FONTS_DIR,
    logger: { error: () => {} },
    kdfCost: TEST_KDF,
    shell,
  };
}

/**
 * A process that takes the store's lock, says so, and holds it until killed. It keeps no reference to the lock and
 * makes the garbage collector run: the lock must hold all the same.
 */
function lockHolder(dbPath: string) {
  const script = `import('${join(root, 'src/main/db/store-lock.ts')}').then(async ({ lockStore }) => {
    try { lockStore(${JSON.stringify(dbPath)}, { shell: 'a test process', address: null }, new Date()); }
    catch (e) { console.log('REFUSED ' + e.message); process.exit(2); }
    for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log('LOCKED');
    setInterval(() => {}, 1000);
  })`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(() => void child.kill('SIGKILL'));
  return {
    child,
    exited,
    /** LOCKED or REFUSED …, once the child has tried. */
    answer: async () => {
      await expect.poll(() => output, { timeout: 30_000 }).toMatch(/LOCKED|REFUSED/);
      return output.trim();
    },
  };
}

describe('one FeeDesk per store', () => {
  it('refuses a second backend on the same store, naming the first, until the first closes', async () => {
    const desk = await openTestDesk();
    cleanups.push(() => desk.close());
    await setUpSchool(desk);
    desk.app.servingAt('http://127.0.0.1:41234/');

    const second = createApp(depsFor(desk, 'browser mode'));
    await expect(second).rejects.toMatchObject({ code: 'conflict' });
    const message = await second.catch((err: Error) => err.message);
    expect(message).toContain(`FeeDesk is already running on this store (${desk.dbPath}): FeeDesk, process ${process.pid}, since `);
    expect(message).toContain('at http://127.0.0.1:41234/. Use that one, or close it first.');
    // The first goes on as if nothing happened.
    expect((await desk.ok('setup.status')).initialized).toBe(true);

    await desk.app.close();
    const after = await createApp(depsFor(desk, 'browser mode'));
    expect(await after.invoke('setup.status', undefined, 'w')).toMatchObject({ ok: true, value: { initialized: true } });
    await after.close();
    await desk.restart();
  });

  it('lets go of the lock when a backend fails to start, so the next start is not refused', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const settings = createFileSettingsStore(join(dir.dir, 'settings.json'));
    // A keychain that cannot unwrap the store's key: the start fails after the lock was taken.
    const keychain = fakeKeychain();
    createKeyStore(keychain, settings, TEST_KDF).automaticKeys();
    const deps: AppDeps = {
      ...depsFor({ dir: dir.dir, dbPath: join(dir.dir, 'feedesk.db'), keychain } as TestDesk, 'the desktop app'),
      keyWrapper: fakeKeychain(),
    };
    await expect(createApp(deps)).rejects.toThrow();
    const lock = lockStore(deps.dbPath, { shell: 'next', address: null }, new Date());
    lock.release();
  });

  it('holds against another process, and ends with it however it ends (kill -9)', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const dbPath = join(dir.dir, 'feedesk.db');
    const holder = lockHolder(dbPath);
    expect(await holder.answer()).toBe('LOCKED');

    expect(() => lockStore(dbPath, { shell: 'the desktop app', address: null }, new Date())).toThrow(
      /already running on this store .*a test process, process \d+/,
    );
    const other = lockHolder(dbPath);
    expect(await other.answer()).toMatch(/^REFUSED FeeDesk is already running on this store/);

    holder.child.kill('SIGKILL');
    await holder.exited;
    const lock = lockStore(dbPath, { shell: 'the desktop app', address: null }, new Date());
    lock.release();
    expect(existsSync(lockPathOf(dbPath))).toBe(true);
  });

  it('lets exactly one of many processes started at once have the store', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const dbPath = join(dir.dir, 'feedesk.db');
    const racers = Array.from({ length: 6 }, () => lockHolder(dbPath));
    const answers = await Promise.all(racers.map((r) => r.answer()));
    expect(answers.filter((a) => a === 'LOCKED')).toHaveLength(1);
    expect(answers.filter((a) => a.startsWith('REFUSED FeeDesk is already running on this store'))).toHaveLength(5);
  });

  it('refuses a restore from the command line while a FeeDesk has the store open, and leaves the store as it was', async () => {
    const desk = await openTestDesk();
    cleanups.push(() => desk.close());
    await setUpSchool(desk);
    const output = new PassThrough();
    let said = '';
    output.on('data', (c: Buffer) => (said += c.toString()));
    const code = await runRestore(
      join(desk.dir, 'no-such-backup'),
      {
        dbPath: desk.dbPath,
        keys: createKeyStore(desk.keychain, createFileSettingsStore(join(desk.dir, 'settings.json')), TEST_KDF),
        clock: desk.clock,
        ids: sequentialIds(),
      },
      { input: new PassThrough(), output },
    );
    expect(code).toBe(1);
    expect(said).toMatch(/^Restore refused: FeeDesk is already running on this store/);
    expect(said).toContain('The store was left as it was.');
    expect((await desk.ok('setup.status')).initialized).toBe(true);
  });

  it('names the running FeeDesk even when it could not say who it is', () => {
    expect(alreadyRunningMessage('/d/feedesk.db', null)).toBe(
      'FeeDesk is already running on this store (/d/feedesk.db): use that window, or close it first.',
    );
  });
});

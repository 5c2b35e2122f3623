// Builds a real backend on a real encrypted temp-file store, with a fake OS keychain (the true edge).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, type AppDeps } from '../../src/main/app';
import type { IdSource } from '../../src/main/services/context';
import { createKeyStore, type KeyWrapper } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { createFilePrinter } from '../../src/main/print/printer';
import { createFileSettingsStore } from '../../src/main/settings';
import type { ChannelName, InputOf, OutputOf, Result } from '../../src/shared/contract';

/** A keychain stand-in: AES-GCM under a key only this process knows (or a fixed one, to reopen across runs). */
export function fakeKeychain(master: Buffer = randomBytes(32)): KeyWrapper {
  return {
    available: () => true,
    wrap(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', master, iv);
      const body = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    unwrap(wrapped) {
      const d = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
      d.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
    },
  };
}

/** The Linux basic_text case: no keychain, so the store asks for a passphrase. */
export const noKeychain: KeyWrapper = {
  available: () => false,
  wrap: () => {
    throw new Error('no keychain');
  },
  unwrap: () => {
    throw new Error('no keychain');
  },
};

export class TestClock {
  constructor(public current = new Date('2026-06-01T09:00:00.000Z')) {}
  now = (): Date => new Date(this.current);
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

export function sequentialIds() {
  let n = 0;
  return { uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` };
}

export const FONTS_DIR = join(import.meta.dirname, '../../resources/fonts');

/** A cheap scrypt cost for tests that log in many times; one test pins the production default. */
export const TEST_KDF = { logN: 12, r: 8, p: 1 };

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'feedesk-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestDesk {
  dir: string;
  dbPath: string;
  clock: TestClock;
  keychain: KeyWrapper;
  app: App;
  errors: unknown[];
  call<C extends ChannelName>(channel: C, input?: InputOf<C>, client?: string): Promise<Result<OutputOf<C>>>;
  ok<C extends ChannelName>(channel: C, input?: InputOf<C>, client?: string): Promise<OutputOf<C>>;
  /** Moves the clock to another day and unlocks the admin's idle-locked screen, as a cashier would. */
  travelTo(instant: string): Promise<void>;
  /** A new backend on the same files, as after an app restart. */
  restart(overrides?: Partial<AppDeps>): Promise<void>;
  close(): Promise<void>;
}

export async function openTestDesk(options: { dir?: string; keychain?: KeyWrapper; ids?: IdSource } = {}): Promise<TestDesk> {
  const dir = options.dir ?? tempDir().dir;
  const clock = new TestClock();
  const keychain = options.keychain ?? fakeKeychain();
  const errors: unknown[] = [];
  // One id source for the desk's whole life: a restart must not hand out ids again.
  const ids = options.ids ?? sequentialIds();
  const deps = (): AppDeps => ({
    dbPath: join(dir, 'feedesk.db'),
    keyWrapper: keychain,
    settings: createFileSettingsStore(join(dir, 'settings.json')),
    clock,
    ids,
    printer: createFilePrinter(join(dir, 'prints')),
    fontsDir: FONTS_DIR,
    logger: { error: (message, err) => void errors.push(err ?? message) },
    kdfCost: TEST_KDF,
    validateOutput: true,
  });
  const desk: TestDesk = {
    dir,
    dbPath: join(dir, 'feedesk.db'),
    clock,
    keychain,
    errors,
    app: await createApp(deps()),
    call: (channel, input, client = 'window-1') =>
      desk.app.invoke(channel, input, client) as Promise<Result<OutputOf<typeof channel>>>,
    async ok(channel, input, client) {
      const result = await desk.call(channel, input, client);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value;
    },
    async travelTo(instant) {
      clock.current = new Date(instant);
      const session = await desk.call('auth.session');
      if (session.ok && session.value?.locked) await desk.ok('auth.unlock', { password: ADMIN.password });
    },
    async restart(overrides = {}) {
      await desk.app.close();
      desk.app = await createApp({ ...deps(), ...overrides });
    },
    close: () => desk.app.close(),
  };
  return desk;
}

export const ADMIN = { username: 'principal', fullName: 'Asha Rao', password: 'correct horse battery' };

export function schoolInput(overrides: Partial<InputOf<'setup.initialize'>> = {}): InputOf<'setup.initialize'> {
  return { schoolName: 'Green Valley School', currency: 'INR', locale: 'en-IN', deskCode: 'D01', admin: ADMIN, ...overrides };
}

export async function setUpSchool(desk: TestDesk): Promise<void> {
  await desk.ok('setup.initialize', schoolInput());
}

/** A second connection to a test desk's encrypted file, for reading (or upsetting) what the backend wrote. */
export async function openSideStore(desk: Pick<TestDesk, 'dir' | 'dbPath' | 'keychain'>): Promise<OpenedStore> {
  const [key] = createKeyStore(desk.keychain, createFileSettingsStore(join(desk.dir, 'settings.json')), TEST_KDF).automaticKeys();
  return openStore(desk.dbPath, key!);
}

// Builds a real backend on a real encrypted temp-file store, with a fake OS keychain (the true edge).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, type AppDeps, type Logger } from '../../src/main/app';
import type { IdSource } from '../../src/main/services/context';
import { createKeyStore, type KeyWrapper, NO_KEYCHAIN } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { createFilePrinter, type Printer } from '../../src/main/print/printer';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import {
  contract,
  parseInput,
  type ChannelName,
  type ErrorData,
  type InputOf,
  type OutputOf,
  type Result,
} from '../../src/shared/contract';
import type { SessionInfo } from '../../src/shared/contract/auth';
import { stepAt } from '../../src/main/services/totp-codes';
import { DEMO_USERS } from '../../src/main/demo/generate';
import { type Authenticator, createAuthenticator } from './authenticator';

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

/** The Linux basic_text case (and browser mode): no keychain, so the store asks for a passphrase. */
export const noKeychain: KeyWrapper = NO_KEYCHAIN;

/**
 * The desk's wall clock and its monotonic one. Moving `current` forward is time passing: the monotonic clock moves by as
 * much. Moving it back is someone setting the computer's clock back: the monotonic clock stays where it is.
 */
export class TestClock {
  #wall: number;
  #monotonic = 0;
  constructor(start = new Date('2026-06-01T09:00:00.000Z')) {
    this.#wall = start.getTime();
  }
  get current(): Date {
    return new Date(this.#wall);
  }
  set current(at: Date) {
    this.#monotonic += Math.max(0, at.getTime() - this.#wall);
    this.#wall = at.getTime();
  }
  now = (): Date => new Date(this.#wall);
  monotonicMs = (): number => this.#monotonic;
  advanceMinutes(minutes: number): void {
    this.advanceSeconds(minutes * 60);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.#wall + seconds * 1000);
  }
  /** Someone sets the computer's clock (either way); no time passes. */
  setWallClock(at: Date): void {
    this.#wall = at.getTime();
  }
  /**
   * A test's jump to another day of its story, either way: both clocks move by as much, as if the desk had lived to
   * that day (a jump back is no clock set back: sessions and the idle lock see it as the wall clock does).
   */
  travel(to: Date): void {
    this.#monotonic += to.getTime() - this.#wall;
    this.#wall = to.getTime();
  }
}

/** A logger that keeps every line it is given, for tests that assert what the app logged. */
export function capturingLogger(): { log: string[]; logger: Logger } {
  const log: string[] = [];
  const keep = (message: string) => void log.push(message);
  return { log, logger: { error: keep, warn: keep, info: keep } };
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
  /**
   * A channel as a person at the desk calls it. Admins and accountants sign in with two steps: the harness's
   * authenticator sets it up for them through the channels at their first login (or first approval), and adds their
   * code to every later login and approval (see ./authenticator.ts). A session past its 12 hours is logged in again
   * as whoever last logged in at that window, and the call made again.
   */
  call<C extends ChannelName>(channel: C, input?: InputOf<C>, client?: string): Promise<Result<OutputOf<C>>>;
  ok<C extends ChannelName>(channel: C, input?: InputOf<C>, client?: string): Promise<OutputOf<C>>;
  /** The channel exactly as sent: no code added, no two-step set-up (tests of two-step sign-in itself). */
  raw<C extends ChannelName>(channel: C, input?: InputOf<C>, client?: string): Promise<Result<OutputOf<C>>>;
  authenticator: Authenticator;
  /** Has the user (an admin or accountant) set two-step sign-in up, through the channels, unless they have already. */
  setUpTwoStepFor(user: { username: string; password: string }): Promise<void>;
  /** Moves the clock to another day and unlocks the admin's idle-locked screen, as a cashier would (past the session's 12 hours, `call` logs in again). */
  travelTo(instant: string): Promise<void>;
  /** A new backend on the same files, as after an app restart. */
  restart(overrides?: Partial<AppDeps>): Promise<void>;
  close(): Promise<void>;
}

export async function openTestDesk(
  options: { dir?: string; keychain?: KeyWrapper; ids?: IdSource; printer?: Printer } = {},
): Promise<TestDesk> {
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
    printer: options.printer ?? createFilePrinter(join(dir, 'prints')),
    fontsDir: FONTS_DIR,
    logger: { error: (message, err) => void errors.push(err ?? message) },
    kdfCost: TEST_KDF,
    validateOutput: true,
  });
  const authenticator = createAuthenticator(clock);
  /** Who last logged in at each window: to log in again when the session's 12 hours are up, and whose code a reauth takes. */
  const logins = new Map<string, { username: string; password: string }>();
  const raw = (channel: ChannelName, input: unknown, client: string) => desk.app.invoke(channel, input, client);
  const rawOk = async (channel: ChannelName, input: unknown, client: string) => {
    const result = await raw(channel, input, client);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };

  /** What the set-up screen has the user do: scan the key, confirm with the first code, keep the recovery codes. */
  async function setUpTwoStep(username: string, client: string): Promise<void> {
    const { key } = (await rawOk('auth.totpBegin', undefined, client)) as OutputOf<'auth.totpBegin'>;
    authenticator.add(username, key);
    const { recoveryCodes } = (await rawOk(
      'auth.totpConfirm',
      { code: authenticator.code(username) },
      client,
    )) as OutputOf<'auth.totpConfirm'>;
    authenticator.keepRecoveryCodes(username, recoveryCodes);
  }

  /**
   * Where the call carries a code, and whose: the one logging in, the approver, or the logged-in user confirming an
   * action (reauth); null when the authenticator has no key for them or the input is unsound anyway.
   */
  function codeSlot(channel: ChannelName, input: unknown, client: string): { owner: string; put(code: string): unknown } | null {
    if (!isRecord(input) || !parseInput(contract[channel].input, input).success) return null;
    const [field, who] =
      channel === 'auth.login'
        ? [null, input]
        : isRecord(input['reauth'])
          ? ['reauth', { ...input['reauth'], username: logins.get(client)?.username }]
          : ['approver', input['approver']];
    if (!isRecord(who) || who['code'] || typeof who['username'] !== 'string' || !authenticator.has(who['username'])) return null;
    const slot = field ? (input[field] as Record<string, unknown>) : null;
    return { owner: who['username'], put: (code) => (field ? { ...input, [field]: { ...slot, code } } : { ...input, code }) };
  }

  /** Sends the call with the user's code added, taking the code back if the desk refused before checking it. */
  async function sendWithCode(channel: ChannelName, input: unknown, client: string): Promise<Result<unknown>> {
    const slot = codeSlot(channel, input, client);
    if (!slot) return raw(channel, input, client);
    const result = await raw(channel, slot.put(authenticator.code(slot.owner)), client);
    if (!result.ok && !codeWasChecked(channel, result.error)) authenticator.unused(slot.owner);
    return result;
  }

  async function call(channel: ChannelName, input: unknown, client: string): Promise<Result<unknown>> {
    let result = await sendWithCode(channel, input, client);
    if (!result.ok && result.error.code === 'session_expired' && logins.has(client)) {
      await desk.ok('auth.login', logins.get(client)!, client);
      result = await sendWithCode(channel, input, client);
    }
    const session = result.ok && (channel === 'auth.login' || channel === 'setup.initialize') ? (result.value as SessionInfo) : null;
    if (session && isRecord(input)) {
      const who = channel === 'auth.login' ? input : (input['admin'] as Record<string, unknown>);
      logins.set(client, { username: String(who['username']), password: String(who['password']) });
    }
    if (session?.twoStepSetupRequired) {
      await setUpTwoStep(session.user.username, client);
      result = await raw('auth.session', undefined, client);
    }
    // An approver who has never set two-step sign-in up does so (logging in at this desk), then approves again.
    const approver = isRecord(input) ? input['approver'] : undefined;
    if (!result.ok && result.error.code === 'two_step_required' && isRecord(approver) && typeof approver['username'] === 'string') {
      await setUpTwoStepFor({ username: approver['username'], password: String(approver['password']) });
      result = await sendWithCode(channel, input, client);
    }
    return result;
  }

  /** The user logs in at a window of their own, sets two-step sign-in up there if they have not, and logs out. */
  async function setUpTwoStepFor(user: { username: string; password: string }): Promise<void> {
    const side = `authenticator-${user.username}`;
    await desk.ok('auth.login', { username: user.username, password: user.password }, side);
    await rawOk('auth.logout', undefined, side);
  }

  /** The demo school's admin sets two-step sign-in up as it is made: its key comes back for the authenticator. */
  const withDemoKeys = (app: App): App => ({
    ...app,
    async generateDemoSchool(options) {
      const made = await app.generateDemoSchool(options);
      authenticator.add(DEMO_USERS[0]!.username, made.adminTwoStepKey, stepAt(clock.current.getTime() / 1000));
      return made;
    },
  });

  const desk: TestDesk = {
    dir,
    dbPath: join(dir, 'feedesk.db'),
    clock,
    keychain,
    errors,
    authenticator,
    setUpTwoStepFor: (user) => (authenticator.has(user.username) ? Promise.resolve() : setUpTwoStepFor(user)),
    app: withDemoKeys(await createApp(deps())),
    call: (channel, input, client = 'window-1') => call(channel, input, client) as Promise<Result<OutputOf<typeof channel>>>,
    raw: (channel, input, client = 'window-1') => raw(channel, input, client) as Promise<Result<OutputOf<typeof channel>>>,
    async ok(channel, input, client) {
      const result = await desk.call(channel, input, client);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value;
    },
    async travelTo(instant) {
      clock.travel(new Date(instant));
      const session = await desk.call('auth.session');
      if (session.ok && session.value?.locked) await desk.ok('auth.unlock', { password: ADMIN.password });
    },
    async restart(overrides = {}) {
      await desk.app.close();
      desk.app = withDemoKeys(await createApp({ ...deps(), ...overrides }));
    },
    close: () => desk.app.close(),
  };
  return desk;
}

/**
 * Whether a refused login or approval got as far as its code, which the desk then counts as used: a login is
 * refused after a good code never; an approval may be (the receipt was cancelled already, say).
 */
function codeWasChecked(channel: ChannelName, error: ErrorData): boolean {
  if (channel === 'auth.login') return false;
  const before = [
    'invalid_credentials',
    'account_locked',
    'forbidden',
    'screen_locked',
    'two_step_required',
    'unauthenticated',
    'session_expired',
  ];
  return !before.includes(error.code) && !error.field?.startsWith('approver') && !error.field?.startsWith('reauth');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

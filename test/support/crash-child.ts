// The victim of the kill -9 test (test/integration/crash-kill9.test.ts): opens the desk's real encrypted store, signs
// in as the cashier and records payments in a tight loop until it is killed. It writes a line to its journal only
// after a call has returned, so every line names something the caller was told is saved.
// Started ahead of time, it loads and then waits for its configuration (one JSON line on stdin); it prints "ready" on
// stdout once signed in.
import { once } from 'node:events';
import { openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createApp } from '../../src/main/app';
import { seededRandom } from '../../src/main/demo/random';
import { createFilePrinter } from '../../src/main/print/printer';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import type { ChannelName, InputOf, OutputOf } from '../../src/shared/contract';
import { createAuthenticator } from './authenticator';
import { fakeKeychain, TEST_KDF } from './harness';

export interface CrashChildConfig {
  dir: string;
  /** The fake keychain's master key (hex): the same one the parent seeded the store with. */
  master: string;
  fontsDir: string;
  journal: string;
  seed: number;
  /** The desk's clock starts here and moves a second per call (and to the next code's step when one is needed). */
  startsAt: string;
  cashier: { username: string; password: string };
  /** The approver and bouncer; `key`: their authenticator key (admins and accountants sign in with two steps). */
  accountant: { username: string; password: string; key: string };
  students: string[];
  families: string[][];
  /** Recent payments not yet cancelled or bounced (from the store), to reverse some of. */
  reversible: { paymentId: string; mode: string }[];
}

interface Desk {
  ok<C extends ChannelName>(channel: C, input: InputOf<C>, client?: string): Promise<OutputOf<C>>;
  /** The accountant's password and a code they have not used yet. */
  accountant(): { username: string; password: string; code: string };
}

/** The real backend on the seeded store, its clock moving a second per call. */
async function openDesk(config: CrashChildConfig): Promise<Desk> {
  const clock = { current: new Date(config.startsAt) };
  const authenticator = createAuthenticator(clock);
  const { username, password, key } = config.accountant;
  authenticator.add(username, key);
  const app = await createApp({
    dbPath: join(config.dir, 'feedesk.db'),
    keyWrapper: fakeKeychain(Buffer.from(config.master, 'hex')),
    settings: createFileSettingsStore(join(config.dir, 'settings.json')),
    clock: { now: () => new Date(clock.current), monotonicMs: () => performance.now() },
    ids: { uuid: () => crypto.randomUUID() },
    printer: createFilePrinter(join(config.dir, 'prints')),
    fontsDir: config.fontsDir,
    logger: { error: (message, err) => process.stderr.write(`${message} ${String(err ?? '')}\n`) },
    kdfCost: TEST_KDF,
  });
  return {
    async ok(channel, input, client = 'counter') {
      clock.current = new Date(clock.current.getTime() + 1000);
      const result = await app.invoke(channel, input, client);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as OutputOf<typeof channel>;
    },
    accountant: () => ({ username, password, code: authenticator.code(username) }),
  };
}

/** The cashier's day at full speed: payments (single, family, split by hand) and now and then a cancellation or a bounce. */
function counterWork(desk: Desk, config: CrashChildConfig, note: (line: string) => void) {
  const random = seededRandom(config.seed);
  const unreversed = [...config.reversible];
  const digits = (n: number) => String(random.int(0, 10 ** n - 1)).padStart(n, '0');
  const method = (): InputOf<'payments.record'>['method'] =>
    random.weighted<InputOf<'payments.record'>['method']>([
      [{ mode: 'cash' }, 2],
      [{ mode: 'upi', utr: `UTR${digits(10)}` }, 1],
      [{ mode: 'cheque', chequeNo: digits(6), bank: 'State Bank of India', chequeDate: config.startsAt.slice(0, 10) }, 1],
    ]);
  const amount = () => random.int(1, 60) * 10_00;
  // The accountant (who bounces cheques) signs in at a second window when first needed.
  let accounts: Promise<unknown> | null = null;

  async function pay(input: InputOf<'payments.record'>): Promise<void> {
    note('begin record');
    const receipt = await desk.ok('payments.record', input);
    note(`paid ${receipt.paymentId} ${receipt.receiptNo} ${receipt.amount}`);
    unreversed.push({ paymentId: receipt.paymentId, mode: input.method.mode });
  }

  /** An edited allocation: part of up to three open items, now and then a little over to credit. */
  async function paySplit(): Promise<void> {
    const student = random.pick(config.students);
    const dues = await desk.ok('payments.openDues', { studentIds: [student] });
    const open = dues.items.filter((i) => i.balance > 0).slice(0, 3);
    if (open.length === 0) return pay({ studentIds: [student], amount: amount(), method: method() });
    const allocations = open.map((i) => ({ key: i.key, amount: random.int(1, i.balance) }));
    const total = allocations.reduce((a, x) => a + x.amount, 0) + (random.chance(0.3) ? 5_00 : 0);
    return pay({ studentIds: [student], amount: total, method: method(), allocations });
  }

  async function bounce(paymentId: string): Promise<void> {
    note('begin bounce');
    await (accounts ??= desk.ok('auth.login', desk.accountant(), 'accounts'));
    await desk.ok('payments.bounce', { paymentId, bankReason: 'Insufficient funds' }, 'accounts');
    note(`bounced ${paymentId}`);
  }

  async function cancel(paymentId: string): Promise<void> {
    note('begin cancel');
    await desk.ok('payments.cancel', { paymentId, reason: 'Entered against the wrong student', approver: desk.accountant() });
    note(`cancelled ${paymentId}`);
  }

  async function reverseOne(): Promise<void> {
    const cheques = unreversed.filter((p) => p.mode === 'cheque');
    const target = random.chance(0.5) && cheques.length > 0 ? random.pick(cheques) : unreversed.length > 0 ? random.pick(unreversed) : null;
    if (!target) return;
    unreversed.splice(unreversed.indexOf(target), 1);
    await (target.mode === 'cheque' && random.chance(0.7) ? bounce(target.paymentId) : cancel(target.paymentId));
  }

  return async function forever(): Promise<never> {
    for (;;) {
      const r = random.next();
      if (r < 0.55) await pay({ studentIds: [random.pick(config.students)], amount: amount(), method: method() });
      else if (r < 0.68) await pay({ studentIds: random.pick(config.families), amount: amount(), method: method() });
      else if (r < 0.84) await paySplit();
      else await reverseOne();
    }
  };
}

async function main(config: CrashChildConfig): Promise<never> {
  const desk = await openDesk(config);
  // Append-only, one write() per line: a SIGKILL stops the process, not the kernel, so a written line survives it.
  const journal = openSync(config.journal, 'a');
  await desk.ok('auth.login', { ...config.cashier });
  process.stdout.write('ready\n');
  return counterWork(desk, config, (line) => writeSync(journal, `${line}\n`))();
}

const input = createInterface({ input: process.stdin });
// The parent holds stdin open while it lives: should it die, an orphan stops here rather than collect forever.
input.on('close', () => process.exit(2));
const [line] = (await once(input, 'line')) as [string];
main(JSON.parse(line) as CrashChildConfig).catch((err: unknown) => {
  process.stderr.write(`crash-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

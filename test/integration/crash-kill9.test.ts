// Crash safety: a child process records payments in a tight loop on the real encrypted store and is killed with
// SIGKILL at a random moment, FEEDESK_CRASH_KILLS times (200 by default; more for a longer soak). After every kill the
// store is reopened and must be sound: integrity_check ok, every payment and reversal whole (allocations and credit
// make up the amount, audit and outbox rows there), receipt numbers and outbox ids gapless, the audit chain intact,
// and every payment the child was told was saved is there. The seed (FEEDESK_CRASH_SEED) is in the test name.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/main/services/audit-chain';
import { type Random, seededRandom } from '../../src/main/demo/random';
import { STEP_SECONDS } from '../../src/main/services/totp-codes';
import { createKeyStore } from '../../src/main/db/key-store';
import { openConnection } from '../../src/main/db/open';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import type { CrashChildConfig } from '../support/crash-child';
import { fakeKeychain, FONTS_DIR, openTestDesk, setUpSchool, TEST_KDF, tempDir } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

const KILLS = Number(process.env['FEEDESK_CRASH_KILLS'] ?? 200);
const SEED = Number(process.env['FEEDESK_CRASH_SEED'] ?? randomBytes(4).readUInt32BE());
const STUDENTS = 120;
const FAMILIES = 10;

const store = tempDir();
const work = tempDir();
const master = randomBytes(32);
let childScript: string;
let base: Omit<CrashChildConfig, 'journal' | 'seed' | 'startsAt' | 'reversible'>;

/**
 * The child built once into one file: starting tsx 200 times would cost more than the whole test may take. It never
 * prints, so the PDF and QR libraries (a third of its start-up) are left out; a call into them would fail the run.
 */
async function buildChild(): Promise<string> {
  const outfile = join(work.dir, 'crash-child.mjs');
  const absent = join(work.dir, 'absent.cjs');
  writeFileSync(absent, 'module.exports = {};\n');
  await build({
    entryPoints: [join(import.meta.dirname, '../support/crash-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // The native driver stays a package (found through a node_modules link); bundled CommonJS gets a require.
    external: ['better-sqlite3-multiple-ciphers'],
    alias: { pdfkit: absent, qrcode: absent },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  symlinkSync(join(import.meta.dirname, '../../node_modules'), join(work.dir, 'node_modules'));
  return outfile;
}

const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };
const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

async function seedSchool(): Promise<void> {
  const desk = await openTestDesk({ dir: store.dir, keychain: fakeKeychain(master) });
  // Two months into the year: the first quarter's late fines are pending, and a payment levies them as it collects.
  desk.clock.current = new Date('2026-06-02T04:30:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  // The accountant's first login sets up two-step sign-in; the child gets the key to make codes with.
  await desk.ok('auth.login', ACCOUNTANT, 'accounts');
  const accountant = { ...ACCOUNTANT, key: desk.authenticator.key(ACCOUNTANT.username) };
  const students: string[] = [];
  for (let i = 0; i < STUDENTS; i++) students.push((await admit(desk, school)).id);
  const families: string[][] = [];
  for (let i = 0; i < FAMILIES; i++) {
    const pair = students.slice(i * 2, i * 2 + 2);
    await desk.ok('families.create', { name: `Family ${i + 1}`, studentIds: pair });
    families.push(pair);
  }
  await desk.close();
  base = { dir: store.dir, master: master.toString('hex'), fontsDir: FONTS_DIR, cashier: CASHIER, accountant, students, families };
}

beforeAll(async () => {
  [childScript] = await Promise.all([buildChild(), seedSchool()]);
}, 120_000);
afterAll(() => {
  for (const child of living) child.kill('SIGKILL');
  store.cleanup();
  work.cleanup();
});

interface Child {
  process: ChildProcess;
  ready: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

const living = new Set<ChildProcess>();

/** Starts a child that loads and waits for its configuration: the next ones load while this one works. */
function startChild(): Child {
  const child = spawn(process.execPath, [childScript], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Node's compile cache: every start after the first skips compiling the bundle.
    env: { ...process.env, NODE_COMPILE_CACHE: join(work.dir, 'compile-cache') },
  });
  living.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      living.delete(child);
      resolve({ code, signal });
    }),
  );
  const ready = new Promise<boolean>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  return { process: child, ready, exited, stderr: () => stderr };
}

/** Sets the child to work, kills it `delayMs` after it is ready, and reads its journal (what it was told was saved). */
async function workAndKill(
  child: Child,
  run: { index: number; seed: number; delayMs: number } & Pick<CrashChildConfig, 'startsAt' | 'reversible'>,
  startNext: () => void,
): Promise<{ lines: string[]; readyMs: number }> {
  const journal = join(work.dir, `journal-${run.index}.txt`);
  const started = performance.now();
  child.process.stdin!.write(
    `${JSON.stringify({ ...base, journal, seed: run.seed, startsAt: run.startsAt, reversible: run.reversible } satisfies CrashChildConfig)}\n`,
  );
  const stuck = setTimeout(() => child.process.kill('SIGKILL'), 30_000);
  const ready = await child.ready;
  clearTimeout(stuck);
  const readyMs = performance.now() - started;
  if (ready) {
    setTimeout(() => child.process.kill('SIGKILL'), run.delayMs);
    startNext();
  }
  const end = await child.exited;
  if (!ready || end.signal !== 'SIGKILL') {
    throw new Error(
      `run ${run.index}: the child ${ready ? 'stopped by itself' : 'was not ready in 30 s'} (${end.code ?? end.signal}):\n${child.stderr()}`,
    );
  }
  const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n') : [];
  // A line is written whole or not at all; the last element is the empty rest after the final newline.
  return { lines: lines.slice(0, -1), readyMs };
}

/** What the children were told was saved, over all runs. */
const saved = new Map<string, { receiptNo: string; amount: number }>();
const reversed = new Map<string, 'cancelled' | 'bounced'>();

/** Takes in a run's journal; true when the child was killed with a call begun and not answered. */
function takeJournal(lines: string[]): boolean {
  for (const line of lines) {
    const [word, id, receiptNo, amount] = line.split(' ');
    if (word === 'paid') saved.set(id!, { receiptNo: receiptNo!, amount: Number(amount) });
    else if (word === 'cancelled' || word === 'bounced') reversed.set(id!, word);
  }
  return lines.at(-1)?.startsWith('begin') ?? false;
}

type Raw = Database.Database;
const rows = <T>(raw: Raw, sql: string) => raw.prepare(sql).all() as T[];

function integrity(raw: Raw): string[] {
  const result = rows<{ integrity_check: string }>(raw, 'pragma integrity_check').map((r) => r.integrity_check);
  return result.join() === 'ok' ? [] : [`integrity_check: ${result.join('; ')}`];
}

/** Every payment whole (its allocations and its credit movement make up its amount); every reversal takes all of it back. */
function wholeness(raw: Raw): string[] {
  const sums = `
    left join (select payment_id, sum(amount) as amount from allocation where event_id is null group by payment_id) a on a.payment_id = p.id
    left join (select payment_id, sum(amount) as amount from credit_entry where event_id is null and payment_id is not null group by payment_id) c on c.payment_id = p.id
    left join (select payment_id, sum(amount) as amount from allocation group by payment_id) an on an.payment_id = p.id
    left join (select payment_id, sum(amount) as amount from credit_entry where payment_id is not null group by payment_id) cn on cn.payment_id = p.id`;
  const payments = rows<{ receipt_no: string; amount: number; allocated: number; credit: number; recorded: number }>(
    raw,
    `
    select p.receipt_no, p.amount, coalesce(a.amount, 0) as allocated, coalesce(c.amount, 0) as credit, p.credit_added - p.credit_used as recorded
    from payment p ${sums} where allocated + credit <> p.amount or credit <> recorded`,
  );
  const reversals = rows<{ receipt_no: string; kind: string; allocated: number; credit: number }>(
    raw,
    `
    select p.receipt_no, e.kind, coalesce(an.amount, 0) as allocated, coalesce(cn.amount, 0) as credit
    from payment_event e join payment p on p.id = e.payment_id ${sums} where allocated <> 0 or credit <> 0`,
  );
  return [
    ...payments.map(
      (p) =>
        `payment ${p.receipt_no} of ${p.amount} is not whole: ${p.allocated} allocated, ${p.credit} to credit (${p.recorded} recorded)`,
    ),
    ...reversals.map((e) => `${e.kind} receipt ${e.receipt_no} still has ${e.allocated} allocated and ${e.credit} credited`),
  ];
}

/** Every payment, cancellation and bounce has its audit row and its outbox row, and no more. */
function trail(raw: Raw): string[] {
  const keys = (sql: string) => new Set(rows<{ k: string }>(raw, sql).map((r) => r.k));
  const audited = keys(
    "select action || ' ' || entity_id as k from audit_log where action in ('payments.record', 'payments.cancel', 'payments.bounce')",
  );
  const queued =
    keys(`select name || ' ' || coalesce(json_extract(args_json, '$.payment.id'), json_extract(args_json, '$.paymentId')) as k from outbox
    where name in ('payments.record', 'payments.cancel', 'payments.bounce')`);
  const written = rows<{ k: string; receipt_no: string }>(
    raw,
    `
    select 'payments.record ' || id as k, receipt_no from payment
    union all select iif(e.kind = 'cancelled', 'payments.cancel ', 'payments.bounce ') || e.payment_id, p.receipt_no from payment_event e join payment p on p.id = e.payment_id`,
  );
  const problems = written.flatMap(({ k, receipt_no }) => [
    ...(audited.has(k) ? [] : [`${k.split(' ')[0]} of receipt ${receipt_no} has no audit row`]),
    ...(queued.has(k) ? [] : [`${k.split(' ')[0]} of receipt ${receipt_no} has no outbox row`]),
  ]);
  if (audited.size !== written.length || queued.size !== written.length)
    problems.push(`${written.length} payments and reversals, but ${audited.size} audit rows and ${queued.size} outbox rows for them`);
  return problems;
}

/** Receipt numbers gapless per desk and year (and all of those issued used); outbox mutation ids gapless. */
function numbering(raw: Raw): string[] {
  const series = rows<{ series: string; n: number; first: number; last: number; issued: number }>(
    raw,
    `
    select p.desk_code || ' ' || p.academic_year_id as series, count(*) as n, min(p.seq) as first, max(p.seq) as last, max(r.last_seq) as issued
    from payment p join receipt_series r on r.desk_code = p.desk_code and r.academic_year_id = p.academic_year_id group by p.desk_code, p.academic_year_id`,
  );
  const problems = series
    .filter((s) => s.first !== 1 || s.last !== s.n || s.issued !== s.n)
    .map((s) => `receipt series ${s.series}: ${s.n} receipts numbered ${s.first}–${s.last}, ${s.issued} issued`);
  const outbox = rows<{ n: number; last: number | null }>(raw, 'select count(*) as n, max(mutation_id) as last from outbox')[0]!;
  if ((outbox.last ?? 0) !== outbox.n) problems.push(`outbox: ${outbox.n} rows numbered up to ${outbox.last}`);
  return problems;
}

function auditChain(raw: Raw): string[] {
  const report = verifyAudit(raw);
  return report.intact ? [] : report.findings.map((f) => `audit verify: ${f.table} ${f.row}: ${f.problem}`);
}

/** Every payment and reversal a child was told was saved is in the store as it was told. */
function savedAreThere(raw: Raw): string[] {
  const payments = new Map(
    rows<{ id: string; receipt_no: string; amount: number }>(raw, 'select id, receipt_no, amount from payment').map((p) => [p.id, p]),
  );
  const kinds = new Map(
    rows<{ payment_id: string; kind: string }>(raw, 'select payment_id, kind from payment_event').map((e) => [e.payment_id, e.kind]),
  );
  const problems: string[] = [];
  for (const [id, s] of saved) {
    const p = payments.get(id);
    if (!p || p.receipt_no !== s.receiptNo || p.amount !== s.amount)
      problems.push(
        `receipt ${s.receiptNo} of ${s.amount} was saved, but the store has ${p ? `${p.receipt_no} of ${p.amount}` : 'nothing'}`,
      );
  }
  for (const [id, kind] of reversed)
    if (kinds.get(id) !== kind) problems.push(`payment ${id} was ${kind}, but the store says ${kinds.get(id) ?? 'nothing'}`);
  return problems;
}

/**
 * What the next child starts from: its clock after everything written and after the accountant's last code (a code is
 * good once), and recent payments it may cancel or bounce.
 */
function nextStart(raw: Raw): Pick<CrashChildConfig, 'startsAt' | 'reversible'> {
  const last = rows<{ at: string; step: number }>(
    raw,
    'select (select max(at) from audit_log) as at, (select max(last_step) from user_totp) as step',
  )[0]!;
  const reversible = rows<{ paymentId: string; mode: string }>(
    raw,
    `
    select id as paymentId, mode from payment p where not exists (select 1 from payment_event e where e.payment_id = p.id) order by p.rowid desc limit 20`,
  );
  return { startsAt: new Date(Math.max(Date.parse(last.at), (last.step + 1) * STEP_SECONDS * 1000) + 60_000).toISOString(), reversible };
}

const storeKey = () =>
  createKeyStore(fakeKeychain(master), createFileSettingsStore(join(store.dir, 'settings.json')), TEST_KDF).automaticKeys()[0]!;

/** No child found its store behind the high-water mark: a kill is not a loss (nothing answered was lost). */
function noLossSaid(raw: Raw): string[] {
  return rows<{ message: string }>(raw, "select message from sync_alert where kind = 'store_lost_records'").map(
    (a) => `said at open: ${a.message}`,
  );
}

/** Reopens the store, as the desk does after a crash (recovering the WAL), and lists everything wrong with it. */
function checkStore(key: Buffer): { problems: string[]; start: Pick<CrashChildConfig, 'startsAt' | 'reversible'> } {
  const raw = openConnection(join(store.dir, 'feedesk.db'), key);
  try {
    return {
      problems: [
        ...integrity(raw),
        ...wholeness(raw),
        ...trail(raw),
        ...numbering(raw),
        ...auditChain(raw),
        ...savedAreThere(raw),
        ...noLossSaid(raw),
      ],
      start: nextStart(raw),
    };
  } finally {
    raw.close();
  }
}

/** Kill moments: a quarter within the first 20 ms of work, half up to 150 ms, the rest up to 300 ms. */
function killDelay(random: Random): number {
  const [lo, hi] = random.weighted<[number, number]>([
    [[1, 20], 1],
    [[20, 150], 2],
    [[150, 300], 1],
  ]);
  return random.int(lo, hi);
}

describe('kill -9 while recording payments', () => {
  it(
    `keeps every saved payment whole through ${KILLS} kills (seed ${SEED})`,
    async () => {
      const random = seededRandom(SEED);
      const key = storeKey();
      const started = performance.now();
      const time = { ready: 0, checking: 0 };
      let inFlight = 0;
      let { problems, start } = checkStore(key);
      expect(problems, 'the seeded store').toEqual([]);
      // Two children load ahead: loading takes longer than a run and its check on a busy machine.
      const waiting = [startChild(), startChild()];
      for (let index = 0; index < KILLS; index++) {
        const run = { index, seed: random.int(0, 2 ** 31), delayMs: killDelay(random), ...start };
        const { lines, readyMs } = await workAndKill(waiting.shift()!, run, () => waiting.push(startChild()));
        time.ready += readyMs;
        if (takeJournal(lines)) inFlight += 1;
        const checkStarted = performance.now();
        ({ problems, start } = checkStore(key));
        time.checking += performance.now() - checkStarted;
        expect(problems, `after kill ${index + 1} of ${KILLS} (${run.delayMs} ms after ready; seed ${SEED})`).toEqual([]);
      }
      for (const child of waiting) child.process.kill('SIGKILL');
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `kill -9 x${KILLS} (seed ${SEED}): ${saved.size} payments saved, ${reversed.size} reversed; ${inFlight} kills with a call in flight; ` +
          `${seconds.toFixed(1)} s, on average ${(time.ready / KILLS).toFixed(0)} ms to ready, ${(time.checking / KILLS).toFixed(0)} ms to check`,
      );
      expect(saved.size).toBeGreaterThan(KILLS / 4);
      expect(inFlight).toBeGreaterThan(KILLS / 2);
    },
    60_000 + KILLS * 3_000,
  );
});

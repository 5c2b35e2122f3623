// Bank reconciliation on the 50,000-student school (issue 19): a 10,000-line statement matched in a dry run, timed and
// with the memory it takes, and 1,000 matched lines confirmed into the books, a fresh statement each time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createKeyStore } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import type { ReconcilePreview } from '../../src/shared/contract/reconcile';
import { tempDir, type TestDesk } from '../support/harness';
import { ACCOUNTS, type Line, writeStatement } from '../support/statements';
import type { BenchCase } from './harness';
import { benchSchool, KEYCHAIN } from './school';

const STUDENTS = Number(process.env['BENCH_STUDENTS'] ?? 50_000);
const ACCOUNT = ACCOUNTS.sbi;
/** Two weeks after the school's year ends (and after the admin's last two-step code): the statement's fortnight. */
const NOW = '2027-04-15T04:00:00Z';
const STATEMENT_DAYS = Array.from({ length: 15 }, (_, i) => `2027-04-${String(i + 1).padStart(2, '0')}`);
const COUNTER = 'bench-counter';

const scratch = tempDir();
/** Five digits of this run's start, so that UTRs differ between runs too. */
const RUN = String(Date.now() % 100_000).padStart(5, '0');

interface Student {
  id: string;
  admissionNo: string;
  /** Open dues, minor units, as this bench last knew them. */
  open: number;
}
/** A bank transfer the demo school recorded with its reference, which a NEFT line of the statement then carries. */
interface Transfer {
  reference: string;
  amount: number;
  date: string;
}
interface Cheque {
  chequeNo: string;
  amount: number;
  date: string;
}

const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const take = <T>(queue: T[], n: number, what: string): T[] => {
  if (queue.length < n) throw new Error(`bench: the school has too few ${what} left (${queue.length}, ${n} wanted)`);
  return queue.splice(0, n);
};

const state = {
  desk: null as TestDesk | null,
  raw: null as OpenedStore | null,
  /** Students owing something, and students owing nothing: each used for one line at most (a confirmed line changes what they owe). */
  owing: [] as Student[],
  settled: [] as Student[],
  /** Amounts the school's students owe in total: what a parent who does not name the student tends to pay. */
  owedTotals: [] as number[],
  transfers: [] as Transfer[],
  cheques: [] as Cheque[],
  /** Fresh UTRs and RRNs: no two lines, in any statement of this bench, share one. */
  serial: 0,
  statements: 0,
  async open() {
    if (this.desk) return;
    const dir = join(scratch.dir, 'school');
    mkdirSync(dir, { recursive: true });
    const desk = await benchSchool(STUDENTS, dir, NOW);
    this.desk = desk;
    const admin = 'bench-admin';
    await desk.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' }, admin);
    await desk.ok(
      'settings.update',
      {
        upiId: 'fees.greenvalley@sbi',
        upiPayeeName: 'Green Valley Public School',
        bankAccounts: [{ number: ACCOUNT, label: 'Fees account (SBI)', layout: 'sbi' }],
      },
      admin,
    );
    await desk.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
    await desk.ok('auth.login', { username: 'cashier', password: 'demo-cashier-2026' }, COUNTER);
    const [key] = createKeyStore(KEYCHAIN, createFileSettingsStore(join(dir, 'settings.json'))).automaticKeys();
    this.raw = await openStore(join(dir, 'feedesk.db'), key!);
    await this.readSchool();
  },
  async readSchool() {
    const raw = this.raw!.raw;
    const students = raw
      .prepare(
        `select s.id, s.admission_no as admissionNo,
           coalesce((select sum(d.amount - d.conceded - d.waived - d.paid) from due d
                     where d.student_id = s.id and d.amount > d.conceded + d.waived + d.paid), 0) as open
         from student s where s.status = 'active'`,
      )
      .all() as Student[];
    this.owing = shuffle(students.filter((s) => s.open > 0));
    this.settled = shuffle(students.filter((s) => s.open === 0));
    this.owedTotals = this.owing.map((s) => s.open);
    const standing = 'not exists (select 1 from payment_event e where e.payment_id = p.id)';
    const transfers = raw
      .prepare(
        `select json_extract(p.reference_json, '$.reference') as reference, p.amount, p.business_date as date from payment p
         where p.mode = 'bank_transfer' and ${standing}`,
      )
      .all() as Transfer[];
    this.transfers = shuffle(transfers);
    const cheques = raw
      .prepare(
        `select json_extract(p.reference_json, '$.chequeNo') as chequeNo, p.amount, p.business_date as date from payment p
         where p.mode = 'cheque' and ${standing}`,
      )
      .all() as Cheque[];
    this.cheques = shuffle(cheques);
    console.log(
      `bench: reconcile school: ${this.owing.length} students owing, ${this.settled.length} not, ${transfers.length} bank transfers, ${cheques.length} cheques`,
    );
  },
  utr: () => `7${RUN}${String(++state.serial).padStart(6, '0')}`,
  neft: () => `SBINN${RUN}${String(++state.serial).padStart(6, '0')}`,
};

/** Parents shown the counter's UPI QR, one reference each, who then pay from home quoting it (the QR's `tn`). */
async function quotingReferences(students: readonly Student[]): Promise<Line[]> {
  const lines: Line[] = [];
  for (const s of students) {
    const amount = s.open > 0 ? Math.min(s.open, 15_000_00) : pick(state.owedTotals);
    const qr = await state.desk!.ok('payments.upiRequest', { studentIds: [s.id], amount }, COUNTER);
    s.open -= amount;
    lines.push({
      kind: 'upi',
      date: pick(STATEMENT_DAYS),
      utr: state.utr(),
      payer: 'PARENT',
      vpa: `parent${state.serial}@oksbi`,
      note: `${s.admissionNo} ${qr.reference}`,
      amount,
    });
  }
  return lines;
}

/** Bank transfers the counter recorded with their reference: the NEFT line carries it. */
const recordedTransfers = (transfers: readonly Transfer[]): Line[] =>
  transfers.map((t) => ({ kind: 'neft', date: t.date, utr: t.reference, payer: 'PARENT', note: 'FEES', amount: t.amount }));

/** NEFT and IMPS lines whose note names the student's admission number; `fits` says whether the amount is within the dues. */
const namingAdmission = (students: readonly Student[], fits: boolean): Line[] =>
  students.map((s, i) => {
    const amount = fits ? Math.min(s.open, 10_000_00) : s.open + 500_00;
    s.open = Math.max(0, s.open - amount);
    return i % 2
      ? { kind: 'neft', date: pick(STATEMENT_DAYS), utr: state.neft(), payer: 'PARENT', note: s.admissionNo, amount }
      : { kind: 'imps', date: pick(STATEMENT_DAYS), utr: state.utr(), payer: 'PARENT', note: s.admissionNo, amount };
  });

/** UPI lines that name no one: half for an amount some student owes in all (probable, or too many owe it), half any amount. */
const namingNoOne = (n: number): Line[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'upi',
    date: pick(STATEMENT_DAYS),
    utr: state.utr(),
    payer: 'SOMEONE',
    vpa: `someone${i}@ybl`,
    note: 'SCHOOL FEES',
    amount: i % 2 ? pick(state.owedTotals) : 1_00 * (100 + Math.floor(Math.random() * 20_000)),
  }));

/** What a school account sees besides fees: money out, cash deposited, cheques cleared and returned. */
function otherLines(n: number): Line[] {
  const [deposited, returned, cash] = [Math.ceil(n / 5), Math.ceil(n / 20), Math.ceil(n / 4)];
  return [
    ...take(state.cheques, deposited, 'cheques').map((c): Line => ({
      kind: 'cheque',
      date: c.date,
      chequeNo: c.chequeNo,
      payer: 'PARENT',
      amount: c.amount,
    })),
    ...take(state.cheques, returned, 'cheques').map((c): Line => ({
      kind: 'returned',
      date: pick(STATEMENT_DAYS),
      chequeNo: c.chequeNo,
      amount: c.amount,
    })),
    ...Array.from({ length: cash }, (_, i): Line => ({ kind: 'cash', date: pick(STATEMENT_DAYS), amount: 10_000_00 + i * 1_00 })),
    ...Array.from({ length: n - deposited - returned - cash }, (_, i): Line => ({
      kind: 'debit',
      date: pick(STATEMENT_DAYS),
      payee: `VENDOR ${i}`,
      amount: 2_500_00 + i * 1_00,
    })),
  ];
}

function statementFile(lines: Line[]): string {
  const path = join(scratch.dir, `statement-${++state.statements}.csv`);
  writeStatement(
    'sbi',
    shuffle(lines).sort((a, b) => a.date.localeCompare(b.date)),
    path,
  );
  return path;
}

const dryRun = (path: string) => state.desk!.ok('reconcile.dryRun', { path, account: ACCOUNT });

/**
 * The process's resident memory from Linux, which keeps its peak (VmHWM) and lets a process reset it to now; garbage
 * is collected between dry runs, outside the timing, so that each starts from what the process really holds.
 */
setFlagsFromString('--expose-gc');
const memory = {
  status: (field: 'VmRSS' | 'VmHWM') =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024,
  resetPeak: () => writeFileSync('/proc/self/clear_refs', '5'),
  collectGarbage: runInNewContext('gc') as () => void,
};

const mb = (n: number) => Math.round(n);
/** Per dry run: resident memory before it and its peak during it (the process's, the school's store included), and the JS heap's growth. */
const statementFigures = { lines: 0, start_rss_mb: 0, peak_rss_mb: 0, rss_growth_mb: 0, heap_growth_mb: 0 };
let statement10k = '';

async function prepareStatement10k(): Promise<void> {
  await state.open();
  // Students who owe nothing are shown a QR too (a fee paid ahead), and named in notes for more than they owe.
  const lines = [
    ...(await quotingReferences(take(state.settled, 3_000, 'students owing nothing'))),
    ...recordedTransfers(take(state.transfers, 2_000, 'bank transfers')),
    ...namingAdmission(take(state.owing, 1_500, 'students owing'), true),
    ...namingAdmission(take(state.settled, 500, 'students owing nothing'), false),
    ...namingNoOne(2_900),
    ...otherLines(100),
  ];
  statement10k = statementFile(lines);
  const p = await dryRun(statement10k);
  statementFigures.lines = p.lines.length;
  console.log(`bench: reconcile.statement10k: ${JSON.stringify(p.counts)}`);
  memory.collectGarbage();
}

async function dryRunStatement10k(): Promise<() => void> {
  const heapBefore = process.memoryUsage().heapUsed;
  memory.resetPeak();
  const start = memory.status('VmRSS');
  const p: ReconcilePreview = await dryRun(statement10k);
  const peak = memory.status('VmHWM');
  const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  if (p.lines.length !== statementFigures.lines) throw new Error(`bench: the dry run read ${p.lines.length} lines`);
  statementFigures.start_rss_mb = Math.max(statementFigures.start_rss_mb, mb(start));
  statementFigures.peak_rss_mb = Math.max(statementFigures.peak_rss_mb, mb(peak));
  statementFigures.rss_growth_mb = Math.max(statementFigures.rss_growth_mb, mb(peak - start));
  statementFigures.heap_growth_mb = Math.max(statementFigures.heap_growth_mb, mb(heapGrowth));
  return memory.collectGarbage;
}

/** The confirmation's statement: 400 lines quoting a counter QR, 300 recorded bank transfers, 300 naming an admission no. */
const confirmFigures = { lines: 0, recorded: 0, confirmed: 0 };
let toConfirm: { statementId: string; lines: { row: number }[] } | null = null;

async function prepareConfirm(): Promise<void> {
  await state.open();
  const path = statementFile([
    ...(await quotingReferences(take(state.owing, 400, 'students owing'))),
    ...recordedTransfers(take(state.transfers, 300, 'bank transfers')),
    ...namingAdmission(take(state.owing, 300, 'students owing'), true),
  ]);
  const p = await dryRun(path);
  const matched = p.lines.filter((l) => l.status === 'matched').map((l) => ({ row: l.row }));
  if (matched.length !== 1_000) throw new Error(`bench: ${matched.length} of the 1,000 lines matched: ${JSON.stringify(p.counts)}`);
  toConfirm = { statementId: p.statementId, lines: matched };
}

async function confirm1000(): Promise<() => Promise<void>> {
  const result = await state.desk!.ok('reconcile.confirm', toConfirm!);
  Object.assign(confirmFigures, { lines: toConfirm!.lines.length, recorded: result.recorded.length, confirmed: result.confirmed });
  return prepareConfirm;
}

export const reconcileCases: BenchCase[] = [
  {
    name: 'reconcile.statement10k',
    runs: 10,
    warmup: 1,
    setup: prepareStatement10k,
    run: dryRunStatement10k,
    extra: () => ({ ...statementFigures }),
  },
  {
    // Each confirmation is of a statement read (its dry run made) outside the timing, whose lines are not in the books yet.
    name: 'reconcile.confirm1000',
    runs: 6,
    warmup: 1,
    setup: prepareConfirm,
    run: confirm1000,
    extra: () => ({ ...confirmFigures }),
  },
];

export async function closeReconcileBench(): Promise<void> {
  await state.raw?.close();
  await state.desk?.close();
  scratch.cleanup();
}

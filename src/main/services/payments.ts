// Recording a payment: allocation, late fines levied, credit, receipt number, audit and outbox in one transaction.
import { sql } from 'kysely';
import type { ParsedInputOf } from '../../shared/contract';
import type { OpenDues, OpenItemView, PaymentMethod, Receipt } from '../../shared/contract/payments';
import { formatDate } from '../../shared/domain/date-input';
import { AppError } from '../../shared/contract/errors';
import { allocate, allocationProblem, type Allocated } from '../../shared/domain/allocation';
import { dateIn, type IsoDate } from '../../shared/domain/dates';
import { formatReceiptNo } from '../../shared/domain/receipt-number';
import type { CreditEntryTable, DueTable, Store, StudentStatus, Tx } from '../db/schema';
import { paymentRecord, type WrittenRows } from './audit-chain';
import { recordAudit } from './audit';
import { assertDayOpen } from './day-lock';
import { signReceipt } from './desk-keys';
import type { ServiceDeps } from './context';
import { creditBalances, dueIdOf, dueKey, dueRows, openItemsOf, pendingFines, type DueRow, type PendingFine } from './dues';
import { currentYear } from './masters';
import { enqueue } from './outbox';
import { readPolicies } from './settings';
import { checkUpiReference } from './upi-references';
import { assertBankKeyFree } from './bank-lines';
import { paymentBankKey } from '../../shared/domain/bank-reference';
import { receiptOf, type ReceiptSnapshot } from './receipts';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

interface Payer {
  id: string;
  admission_no: string;
  full_name: string;
  class_name: string;
  section: string | null;
  guardian_name: string;
  status: StudentStatus;
  family_id: string | null;
  left_on: string | null;
}

export async function payersOf(db: Store | Tx, studentIds: readonly string[]): Promise<Payer[]> {
  if (new Set(studentIds).size !== studentIds.length) throw new AppError('invalid_input', 'studentIds lists a student twice', 'studentIds');
  const rows = await sql<Payer>`
    select s.id, s.admission_no, s.full_name, c.name as class_name, sec.name as section, s.guardian_name, s.status, s.family_id, s.left_on
    from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
    where s.id in (${sql.join(studentIds)})`.execute(db);
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  return studentIds.map((id, index) => {
    const payer = byId.get(id);
    if (!payer) throw new AppError('not_found', 'no student has this id', `studentIds.${index}`);
    return payer;
  });
}

/** A payer as the collect screen and the receipt name them. */
const payerView = (p: Payer) => ({
  id: p.id,
  admissionNo: p.admission_no,
  fullName: p.full_name,
  className: p.class_name,
  section: p.section,
  guardianName: p.guardian_name,
});

/** The school's calendar day now (the desk's local zone). */
export const today = (env: Env) => dateIn(env.clock.now());

export async function openDues(db: Store | Tx, studentIds: readonly string[], asOf: string): Promise<OpenDues> {
  const payers = await payersOf(db, studentIds);
  const rows = await dueRows(db, studentIds);
  const fines = pendingFines(rows, asOf);
  const credits = await creditBalances(db, studentIds);
  const items = openItemsOf(rows, fines);
  const { finesFirst } = await readPolicies(db);
  return {
    asOf,
    finesFirst,
    students: payers.map((p) => ({ ...payerView(p), status: p.status, credit: credits.get(p.id) ?? 0 })),
    items,
    totals: {
      outstanding: items.filter((i) => dueIdOf(i.key) !== null).reduce((a, i) => a + i.balance, 0),
      fines: fines.reduce((a, f) => a + f.amount, 0),
      credit: [...credits.values()].reduce((a, c) => a + c, 0),
    },
  };
}

/** A payment method's references as stored (`reference_json`): every field but the mode (and cash tendered). */
export function referenceOf(method: PaymentMethod): Record<string, string> {
  const { mode: _mode, ...rest } = method;
  return Object.fromEntries(
    Object.entries(rest)
      .filter(([k]) => k !== 'tendered')
      .map(([k, v]) => [k, String(v)]),
  );
}

/** A specific word for a key that is not open: most often a due waived when the student left. */
function explainClosedKey(key: string, rows: readonly DueRow[], payers: readonly Payer[], locale: string): string {
  const due = rows.find((r) => dueKey(r.id) === key);
  if (!due) return 'is not an open due of these students';
  const payer = payers.find((p) => p.id === due.student_id);
  if (payer?.left_on && due.due_on > payer.left_on && due.waived > 0) {
    return `${due.installment} · ${due.head} was waived when ${payer.full_name} left on ${formatDate(payer.left_on as IsoDate, locale)}`;
  }
  return `${due.installment} · ${due.head} has nothing left to pay`;
}

function chooseAllocations(
  input: ParsedInputOf<'payments.record'>,
  items: OpenDues['items'],
  pool: number,
  finesFirst: boolean,
  rows: DueRow[],
  payers: Payer[],
  locale: string,
): Allocated[] {
  if (!input.allocations) return allocate(items, pool, { finesFirst }).allocations;
  const problem = allocationProblem(items, input.allocations, pool);
  if (!problem) return input.allocations;
  if (problem.index === null) throw new AppError('invalid_input', `allocations ${problem.message}`, 'allocations');
  const field = `allocations.${problem.index}.${problem.field}`;
  const message =
    problem.field === 'key' && problem.message.startsWith('is not')
      ? explainClosedKey(input.allocations[problem.index]!.key, rows, payers, locale)
      : problem.message;
  throw new AppError('invalid_input', `${field} ${message}`, field);
}

/** Fines become dues when any of them is collected, or when the installment's fees are cleared without them. */
function finesToLevy(fines: PendingFine[], rows: DueRow[], allocations: Allocated[]): PendingFine[] {
  const paidByKey = new Map(allocations.map((a) => [a.key, a.amount]));
  return fines.filter((f) => {
    if (paidByKey.has(f.key)) return true;
    const fees = rows.filter((r) => r.kind === 'fee' && r.student_id === f.studentId && r.installment_id === f.installmentId);
    return fees.every((r) => r.balance - (paidByKey.get(dueKey(r.id)) ?? 0) <= 0);
  });
}

/** A UTR or bank reference pays once: typed at the counter or confirmed from a bank statement, the money is in the books already. */
async function checkBankReference(tx: Tx, method: PaymentMethod): Promise<void> {
  const key = paymentBankKey(method.mode, method);
  if (key === null) return;
  const field = method.mode === 'upi' ? 'method.utr' : 'method.reference';
  await assertBankKeyFree(tx, key, field, key);
}

/** Takes an applied credit from the payers' positive balances, in order. */
function creditDraws(credits: Map<string, number>, needed: number): [string, number][] {
  const draws: [string, number][] = [];
  for (const [studentId, balance] of credits) {
    if (needed === 0) break;
    const take = Math.min(needed, Math.max(0, balance));
    if (take > 0) draws.push([studentId, take]);
    needed -= take;
  }
  return draws;
}

type Cashier = { id: string; name: string };
type Year = { id: string; name: string };
type School = { id: string; name: string; currency: string; locale: string };
type Policies = Awaited<ReturnType<typeof readPolicies>>;

/** Who pays on one receipt: one student, or siblings of one family. */
async function payersOnOneReceipt(tx: Tx, studentIds: readonly string[]): Promise<Payer[]> {
  const payers = await payersOf(tx, studentIds);
  const families = new Set(payers.map((p) => p.family_id));
  if (payers.length > 1 && (families.size !== 1 || families.has(null))) {
    throw new AppError('invalid_input', 'studentIds must be siblings of one family to share a receipt', 'studentIds');
  }
  return payers;
}

/** The cash handed over, for the change: never less than the amount paid. */
function tenderedCash(input: ParsedInputOf<'payments.record'>): number | null {
  const tendered = input.method.mode === 'cash' ? (input.method.tendered ?? null) : null;
  if (tendered !== null && tendered < input.amount)
    throw new AppError('invalid_input', 'method.tendered is less than the amount paid', 'method.tendered');
  return tendered;
}

/** The next number of this desk's series for the year: the series row moves on inside the payment's transaction. */
async function nextReceiptNumber(tx: Tx, format: string, year: Year, deskCode: string): Promise<{ seq: number; receiptNo: string }> {
  const series = await sql<{ last_seq: number }>`
    insert into receipt_series (desk_code, academic_year_id, last_seq) values (${deskCode}, ${year.id}, 1)
    on conflict (desk_code, academic_year_id) do update set last_seq = last_seq + 1
    returning last_seq`.execute(tx);
  const seq = series.rows[0]!.last_seq;
  return { seq, receiptNo: formatReceiptNo(format, { year: year.name, desk: deskCode, seq }) };
}

/**
 * Late fines collected (or left behind by fees the payment cleared) become dues now; until then they only accrued. A fine
 * belongs to its installment's year, so one on a previous year's installment stays with that year's arrears.
 */
async function levyFines(tx: Tx, env: Env, toLevy: PendingFine[], at: { asOf: string; now: string; paymentId: string }) {
  const fineDueIds = new Map<string, string>();
  const fineDues: DueTable[] = [];
  if (toLevy.length === 0) return { fineDues, fineDueIds };
  const fineHead = await tx.selectFrom('fee_head').select('id').where('system_code', '=', 'FINE').executeTakeFirstOrThrow();
  for (const f of toLevy) {
    const due: DueTable = {
      id: env.ids.uuid(),
      student_id: f.studentId,
      academic_year_id: f.yearId,
      installment_id: f.installmentId,
      head_id: fineHead.id,
      kind: 'fine',
      due_on: at.asOf,
      amount: f.amount,
      created_at: at.now,
      source_id: at.paymentId,
    };
    fineDueIds.set(f.key, due.id);
    fineDues.push(due);
    await tx.insertInto('due').values(due).execute();
  }
  return { fineDues, fineDueIds };
}

/**
 * What the receipt says, frozen at payment time: the lines paid, and what is still owed after this payment (every open
 * due and every late fine to date, levied now or still accruing, less what this payment and any credit it drew cleared).
 */
function receiptSnapshot(
  input: ParsedInputOf<'payments.record'>,
  ctx: { year: Year; cashier: Cashier; school: School; policies: Policies; payers: Payer[] },
  items: OpenItemView[],
  allocations: Allocated[],
): ReceiptSnapshot {
  const { year, cashier, school, policies, payers } = ctx;
  const itemByKey = new Map(items.map((i) => [i.key, i]));
  const lines = allocations.map((a) => {
    const item = itemByKey.get(a.key)!;
    return {
      studentId: item.studentId,
      installment: item.installment,
      head: item.head,
      kind: item.kind,
      dueOn: item.dueOn,
      gross: item.gross,
      concession: item.concession,
      amount: a.amount,
      ...(item.arrears ? { arrearsYear: item.year } : {}),
    };
  });
  const allocated = allocations.reduce((a, x) => a + x.amount, 0);
  const owedBefore = items.reduce((a, i) => a + i.balance, 0);
  const finesBefore = items.filter((i) => i.kind === 'fine').reduce((a, i) => a + i.balance, 0);
  const finesPaid = allocations.filter((a) => itemByKey.get(a.key)?.kind === 'fine').reduce((a, x) => a + x.amount, 0);
  return {
    yearName: year.name,
    cashier,
    school: {
      name: school.name,
      currency: school.currency,
      locale: school.locale,
      address: policies.schoolAddress,
      phone: policies.schoolPhone,
      registration: policies.schoolRegistration,
      taxId: policies.schoolTaxId,
    },
    students: payers.map(payerView),
    lines,
    balanceAfter: owedBefore - allocated,
    finesInBalance: finesBefore - finesPaid,
    note: input.note,
  };
}

/** Each allocation against its due; a fine this payment levied, against the due it has just become. */
function allocationRowsOf(allocations: Allocated[], items: OpenItemView[], fineDueIds: ReadonlyMap<string, string>, paymentId: string) {
  const itemByKey = new Map(items.map((i) => [i.key, i]));
  return allocations.map((a) => {
    const item = itemByKey.get(a.key)!;
    const dueId = dueIdOf(a.key) ?? fineDueIds.get(a.key)!;
    return { payment_id: paymentId, due_id: dueId, student_id: item.studentId, amount: a.amount, event_id: null };
  });
}

/** An overpayment is credit for the first payer; an applied credit is drawn from the payers' balances in order. */
function creditEntriesOf(env: Env, creditDelta: number, payers: Payer[], credits: Map<string, number>, paymentId: string, now: string) {
  const creditRows =
    creditDelta > 0
      ? [{ studentId: payers[0]!.id, amount: creditDelta, kind: 'overpayment' as const }]
      : creditDraws(credits, -creditDelta).map(([studentId, take]) => ({ studentId, amount: -take, kind: 'applied' as const }));
  const creditEntries: CreditEntryTable[] = creditRows.map((c) => ({
    id: env.ids.uuid(),
    student_id: c.studentId,
    amount: c.amount,
    kind: c.kind,
    payment_id: paymentId,
    event_id: null,
    at: now,
    note: null,
    approved_by: null,
  }));
  return { creditRows, creditEntries };
}

/**
 * Records one payment inside the caller's transaction, in its named steps: who pays (and the UPI reference it names,
 * issued here and not yet paid), what is open, how the money is
 * allocated, the receipt number and its signed QR, fines levied, the payment, allocation and credit rows, then the
 * audit row (in the hash chain) and the outbox row for the other desks.
 */
export async function recordPaymentTx(tx: Tx, env: Env, cashier: Cashier, input: ParsedInputOf<'payments.record'>): Promise<Receipt> {
  const year = await currentYear(tx);
  const payers = await payersOnOneReceipt(tx, input.studentIds);
  const tendered = tenderedCash(input);
  if (input.method.mode === 'upi' && input.method.upiRef) await checkUpiReference(tx, input.method.upiRef, input.studentIds);
  await checkBankReference(tx, input.method);

  const asOf = today(env);
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  await assertDayOpen(tx, desk.code, asOf);
  const rows = await dueRows(tx, input.studentIds);
  const fines = pendingFines(rows, asOf);
  const items = openItemsOf(rows, fines);
  const credits = await creditBalances(tx, input.studentIds);
  const creditAvailable = [...credits.values()].reduce((a, c) => a + Math.max(0, c), 0);
  const policies = await readPolicies(tx);
  const school = await tx.selectFrom('school').select(['id', 'name', 'currency', 'locale']).executeTakeFirstOrThrow();
  const allocations = chooseAllocations(input, items, input.amount + creditAvailable, policies.finesFirst, rows, payers, school.locale);
  const allocated = allocations.reduce((a, x) => a + x.amount, 0);
  const creditDelta = input.amount - allocated;

  const { seq, receiptNo } = await nextReceiptNumber(tx, policies.receiptFormat, year, desk.code);
  const paymentId = env.ids.uuid();
  const now = env.clock.now().toISOString();
  const qr = await signReceipt(tx, env, desk.code, {
    schoolUuid: school.id,
    receiptNo,
    date: asOf,
    amount: input.amount,
    admissionNo: payers[0]!.admission_no,
  });
  const { fineDues, fineDueIds } = await levyFines(tx, env, finesToLevy(fines, rows, allocations), {
    asOf,
    now,
    paymentId,
  });

  const snapshot = receiptSnapshot(input, { year, cashier, school, policies, payers }, items, allocations);
  const payment = {
    id: paymentId,
    receipt_no: receiptNo,
    desk_code: desk.code,
    academic_year_id: year.id,
    seq,
    received_at: now,
    business_date: asOf,
    cashier_id: cashier.id,
    student_id: payers[0]!.id,
    family_id: payers.length > 1 ? payers[0]!.family_id : null,
    amount: input.amount,
    mode: input.method.mode,
    reference_json: JSON.stringify(referenceOf(input.method)),
    tendered,
    change_given: tendered === null ? null : tendered - input.amount,
    credit_used: Math.max(0, -creditDelta),
    credit_added: Math.max(0, creditDelta),
    snapshot_json: JSON.stringify(snapshot),
    qr,
  };
  await tx.insertInto('payment').values(payment).execute();
  const allocationRows = allocationRowsOf(allocations, items, fineDueIds, paymentId);
  if (allocationRows.length > 0) await tx.insertInto('allocation').values(allocationRows).execute();
  const { creditRows, creditEntries } = creditEntriesOf(env, creditDelta, payers, credits, paymentId, now);
  if (creditEntries.length > 0) await tx.insertInto('credit_entry').values(creditEntries).execute();

  await recordAudit(tx, env, {
    actorId: cashier.id,
    action: 'payments.record',
    entity: 'payment',
    entityId: paymentId,
    after: {
      receiptNo,
      amount: input.amount,
      mode: input.method.mode,
      allocated,
      creditDelta,
      // The payment and its allocations as written: the audit chain's verification checks the ledger against these.
      row: paymentRecord(payment),
      allocations: allocationRows.map((a) => [a.due_id, a.amount]),
      written: { due: fineDues, credit_entry: creditEntries } satisfies WrittenRows,
    },
  });
  // What each allocated due was worth net of concessions and waivers: the server spots two desks over-paying one due.
  const dueNet = Object.fromEntries([
    ...rows.filter((r) => allocationRows.some((a) => a.due_id === r.id)).map((r) => [r.id, r.gross - r.concession - r.waived] as const),
    ...fineDues.map((d) => [d.id, d.amount] as const),
  ]);
  await enqueue(tx, env, 'payments.record', { payment, allocations: allocationRows, credit: creditRows, fineDues, dueNet });
  return receiptOf(payment, snapshot, null, 0);
}

// What the books hold that a bank statement's lines are matched against, read once per statement: the bank references
// already in the books, the UPI references the school issued, the cheques waiting to clear, the students by admission
// number, and which students owe exactly one of the statement's amounts.
import { sql } from 'kysely';
import { addDays } from '../../shared/domain/dates';
import type { Store, Tx } from '../db/schema';

export interface PaymentRef {
  id: string;
  receiptNo: string;
  amount: number;
  studentId: string;
  /** The bank statement line it is in the books with, if one confirmed it. */
  lineKey: string | null;
}

export interface IssuedReference {
  ref: string;
  kind: 'slip' | 'counter';
  studentId: string;
  amount: number;
  issuedOn: string;
  /** The standing payment that names it. */
  paidBy: PaymentRef | null;
}

export interface Student {
  id: string;
  admissionNo: string;
  fullName: string;
  /** Open dues, minor units. */
  open: number;
}

export interface Cheque extends PaymentRef {
  chequeNo: string;
  clearedOn: string | null;
  bounced: boolean;
}

export interface Books {
  linesInBooks: Map<string, { receiptNo: string; confirmedOn: string }>;
  paymentsByBankKey: Map<string, PaymentRef>;
  references: Map<string, IssuedReference>;
  /** Desk codes that issued UPI references: a reference in a narration is looked for as FD + one of them + 6 digits. */
  referenceDesks: string[];
  studentsByAdmission: Map<string, Student>;
  studentsById: Map<string, Student>;
  cheques: Map<string, Cheque[]>;
  /** Amount → the students whose open dues, oldest first, add up to it exactly, and the due date that reaches it. */
  owing: Map<number, { studentId: string; dueOn: string }[]>;
}

const CHUNK = 500;
const chunks = <T>(all: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(all.length / CHUNK) }, (_, i) => all.slice(i * CHUNK, i * CHUNK + CHUNK));

const standing = sql`not exists (select 1 from payment_event e where e.payment_id = p.id)`;

/** Dues falling due this long after a bank line still count towards "owes exactly this much" (fees paid ahead). */
export const OWING_WINDOW_DAYS = 30;

async function paymentsByKey(db: Store | Tx, keys: string[]) {
  const found = new Map<string, PaymentRef>();
  for (const part of chunks(keys)) {
    const rows = await sql<{
      bank_ref: string;
      id: string;
      receipt_no: string;
      amount: number;
      student_id: string;
      line_key: string | null;
    }>`
      select p.bank_ref, p.id, p.receipt_no, p.amount, p.student_id, (select b.key from bank_line b where b.payment_id = p.id) as line_key
      from payment p where p.bank_ref in (${sql.join(part)}) and ${standing}`.execute(db);
    for (const r of rows.rows)
      found.set(r.bank_ref, { id: r.id, receiptNo: r.receipt_no, amount: r.amount, studentId: r.student_id, lineKey: r.line_key });
  }
  return found;
}

async function linesByKey(db: Store | Tx, keys: string[]) {
  const found = new Map<string, { receiptNo: string; confirmedOn: string }>();
  for (const part of chunks(keys)) {
    const rows = await sql<{ key: string; receipt_no: string; confirmed_at: string }>`
      select b.key, p.receipt_no, b.confirmed_at from bank_line b join payment p on p.id = b.payment_id
      where b.key in (${sql.join(part)}) and ${standing}`.execute(db);
    for (const r of rows.rows) found.set(r.key, { receiptNo: r.receipt_no, confirmedOn: r.confirmed_at.slice(0, 10) });
  }
  return found;
}

/**
 * The payment naming each reference is looked up in the index on its upiRef (payment_upi_ref). `+r.ref` is the
 * reference without its column's text affinity: compared as it is, SQLite would scan that index for every reference.
 */
async function referencesNamed(db: Store | Tx, refs: string[]) {
  const found = new Map<string, IssuedReference>();
  for (const part of chunks(refs)) {
    const rows = await sql<{
      ref: string;
      kind: 'slip' | 'counter';
      student_id: string;
      amount: number;
      issued_on: string;
      paid_id: string | null;
      paid_no: string | null;
      paid_amount: number | null;
      paid_student: string | null;
      paid_line: string | null;
    }>`
      select r.ref, r.kind, r.student_id, r.amount, r.issued_on, p.id as paid_id, p.receipt_no as paid_no, p.amount as paid_amount,
        p.student_id as paid_student, (select b.key from bank_line b where b.payment_id = p.id) as paid_line
      from upi_reference r
      left join payment p on p.mode = 'upi' and json_extract(p.reference_json, '$.upiRef') = +r.ref and ${standing}
      where r.ref in (${sql.join(part)})`.execute(db);
    for (const r of rows.rows) {
      const paidBy =
        r.paid_id === null
          ? null
          : { id: r.paid_id, receiptNo: r.paid_no!, amount: r.paid_amount!, studentId: r.paid_student!, lineKey: r.paid_line };
      found.set(r.ref, { ref: r.ref, kind: r.kind, studentId: r.student_id, amount: r.amount, issuedOn: r.issued_on, paidBy });
    }
  }
  return found;
}

/**
 * The cheques and drafts with one of `numbers` (by the index on their number, migration 0010); a statement with no
 * cheque line does not look.
 */
async function chequesNumbered(db: Store | Tx, numbers: readonly string[]) {
  const byNumber = new Map<string, Cheque[]>();
  if (numbers.length === 0) return byNumber;
  const rows = await sql<{
    id: string;
    receipt_no: string;
    amount: number;
    student_id: string;
    cheque_no: string;
    cleared_on: string | null;
    bounced: number;
  }>`
    select p.id, p.receipt_no, p.amount, p.student_id,
      coalesce(json_extract(p.reference_json, '$.chequeNo'), json_extract(p.reference_json, '$.ddNo')) as cheque_no,
      (select c.cleared_on from cheque_clearance c where c.payment_id = p.id) as cleared_on,
      exists (select 1 from payment_event e where e.payment_id = p.id and e.kind = 'bounced') as bounced
    from payment p
    where p.mode in ('cheque', 'dd')
      and coalesce(json_extract(p.reference_json, '$.chequeNo'), json_extract(p.reference_json, '$.ddNo'))
        in (select value from json_each(${JSON.stringify(numbers)}))
      and not exists (select 1 from payment_event e where e.payment_id = p.id and e.kind = 'cancelled')`.execute(db);
  for (const r of rows.rows) {
    const list = byNumber.get(r.cheque_no) ?? [];
    list.push({
      id: r.id,
      receiptNo: r.receipt_no,
      amount: r.amount,
      studentId: r.student_id,
      lineKey: null,
      chequeNo: r.cheque_no,
      clearedOn: r.cleared_on,
      bounced: r.bounced === 1,
    });
    byNumber.set(r.cheque_no, list);
  }
  return byNumber;
}

/**
 * Every student's open dues, oldest first, walked once: each running total that is one of the statement's amounts
 * is kept with the due date that reaches it, so "who owes exactly ₹X?" is a lookup per line.
 */
async function owingAmounts(db: Store | Tx, amounts: ReadonlySet<number>, latest: string) {
  const owing = new Map<number, { studentId: string; dueOn: string }[]>();
  const open = new Map<string, number>();
  let student = '';
  let total = 0;
  const rows = db
    .selectFrom('due')
    .select(['student_id', 'due_on', sql<number>`amount - conceded - waived - paid`.as('open')])
    .where(sql<boolean>`amount > conceded + waived + paid`)
    .orderBy('student_id')
    .orderBy('due_on')
    .stream(2000);
  for await (const r of rows) {
    if (r.student_id !== student) {
      student = r.student_id;
      total = 0;
    }
    total += r.open;
    open.set(student, total);
    if (r.due_on > latest || !amounts.has(total)) continue;
    const list = owing.get(total) ?? [];
    // A student reaches an amount once: the first due that does (later ones with nothing open are not in this walk).
    if (list.at(-1)?.studentId !== student) list.push({ studentId: student, dueOn: r.due_on });
    owing.set(total, list);
  }
  return { owing, open };
}

/** Every student is kept in the maps anyway, so they are read in one go: streaming them only cost a promise per row. */
async function students(db: Store | Tx, open: ReadonlyMap<string, number>) {
  const byAdmission = new Map<string, Student>();
  const byId = new Map<string, Student>();
  const rows = await db.selectFrom('student').select(['id', 'admission_no', 'full_name']).execute();
  for (const r of rows) {
    const s = { id: r.id, admissionNo: r.admission_no, fullName: r.full_name, open: open.get(r.id) ?? 0 };
    byAdmission.set(r.admission_no.toUpperCase(), s);
    byId.set(r.id, s);
  }
  return { byAdmission, byId };
}

/**
 * The books as the statement's lines need them: `keys` are the lines' bank keys, `chequeNos` the cheque numbers they
 * carry, `refs` the UPI references they quote.
 */
export async function readBooks(
  db: Store | Tx,
  wanted: { keys: string[]; amounts: ReadonlySet<number>; latestDate: string; chequeNos: readonly string[] },
  refsIn: (deskCodes: string[]) => string[],
): Promise<Books> {
  const desks = await db.selectFrom('upi_reference').select('desk_code').distinct().execute();
  const referenceDesks = desks.map((d) => d.desk_code);
  // One after another: a streamed read holds the store's one connection until it ends.
  const linesInBooks = await linesByKey(db, wanted.keys);
  const paymentsByBankKey = await paymentsByKey(db, wanted.keys);
  const references = await referencesNamed(db, refsIn(referenceDesks));
  const cheques = await chequesNumbered(db, wanted.chequeNos);
  const dues = await owingAmounts(db, wanted.amounts, addDays(wanted.latestDate, OWING_WINDOW_DAYS));
  const { byAdmission, byId } = await students(db, dues.open);
  return {
    linesInBooks,
    paymentsByBankKey,
    references,
    referenceDesks,
    studentsByAdmission: byAdmission,
    studentsById: byId,
    cheques,
    owing: dues.owing,
  };
}

// Receipt records: what was printed (the payment's snapshot) plus its status from later events.
import { sql } from 'kysely';
import type { Receipt } from '../../shared/contract/payments';
import type { QrCheckView } from '../../shared/contract/receipts';
import { PAYMENT_MODES } from '../../shared/contract/payments';
import { AppError } from '../../shared/contract/errors';
import type { PaymentTable, Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { checkReceiptCode } from './desk-keys';

/** Frozen at payment time so a reprint years later says what the original said. */
export interface ReceiptSnapshot {
  yearName: string;
  cashier: { id: string; name: string };
  school: { name: string; currency: string; locale: string; address?: string; phone?: string; registration?: string; taxId?: string };
  students: Receipt['students'];
  lines: Receipt['lines'];
  balanceAfter: number;
  /** Since receipts began counting fines to date in their balance. */
  finesInBalance?: number;
  note: string | null;
}

const asMode = (mode: string): Receipt['mode'] => {
  if (!(PAYMENT_MODES as readonly string[]).includes(mode)) throw new Error(`payment has an unknown mode '${mode}'`);
  return mode as Receipt['mode'];
};

export async function readReceipt(db: Store | Tx, paymentId: string): Promise<Receipt> {
  const p = await db.selectFrom('payment').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!p) throw new AppError('not_found', 'no payment has this id', 'paymentId');
  const event = await db
    .selectFrom('payment_event as e')
    .innerJoin('app_user as u', 'u.id', 'e.by_user')
    .leftJoin('app_user as a', 'a.id', 'e.approved_by')
    .select(['e.kind', 'e.at', 'e.reason', 'u.username as by', 'a.username as approvedBy'])
    .where('e.payment_id', '=', paymentId)
    .executeTakeFirst();
  const prints = await db
    .selectFrom('receipt_print')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('payment_id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return receiptOf(p, JSON.parse(p.snapshot_json) as ReceiptSnapshot, event ?? null, Number(prints.n));
}

/** A receipt from its payment row, its snapshot and the event that reversed it, if any. */
export function receiptOf(
  p: Omit<PaymentTable, 'snapshot_json'>,
  snapshot: ReceiptSnapshot,
  event: Receipt['event'],
  prints: number,
): Receipt {
  return {
    paymentId: p.id,
    receiptNo: p.receipt_no,
    receivedAt: p.received_at,
    businessDate: p.business_date,
    deskCode: p.desk_code,
    yearName: snapshot.yearName,
    cashier: snapshot.cashier,
    school: { address: '', phone: '', registration: '', taxId: '', ...snapshot.school },
    students: snapshot.students,
    amount: p.amount,
    mode: asMode(p.mode),
    reference: JSON.parse(p.reference_json) as Record<string, string>,
    tendered: p.tendered,
    change: p.change_given,
    lines: snapshot.lines,
    creditUsed: p.credit_used,
    creditAdded: p.credit_added,
    balanceAfter: snapshot.balanceAfter,
    finesInBalance: snapshot.finesInBalance ?? null,
    status: event ? event.kind : 'valid',
    event,
    qr: p.qr,
    prints,
  };
}

export async function listPayments(db: Store, filter: { studentId?: string; date?: string; limit: number }) {
  const rows = await sql<{
    id: string;
    receipt_no: string;
    received_at: string;
    business_date: string;
    full_name: string;
    admission_no: string;
    amount: number;
    mode: string;
    event: string | null;
  }>`
    select p.id, p.receipt_no, p.received_at, p.business_date, s.full_name, s.admission_no, p.amount, p.mode,
      (select e.kind from payment_event e where e.payment_id = p.id) as event
    from payment p join student s on s.id = p.student_id
    where (${filter.studentId ?? null} is null or p.student_id = ${filter.studentId ?? null}
           or p.id in (select a.payment_id from due d join allocation a on a.due_id = d.id where d.student_id = ${filter.studentId ?? null}))
      and (${filter.date ?? null} is null or p.business_date = ${filter.date ?? null})
    order by p.received_at desc, p.seq desc
    limit ${filter.limit}`.execute(db);
  return rows.rows.map((r) => ({
    paymentId: r.id,
    receiptNo: r.receipt_no,
    receivedAt: r.received_at,
    businessDate: r.business_date,
    studentName: r.full_name,
    admissionNo: r.admission_no,
    amount: r.amount,
    mode: asMode(r.mode),
    status: (r.event ?? 'valid') as 'valid' | 'cancelled' | 'bounced',
  }));
}

/** Records the next copy of a receipt (in the caller's transaction) and returns its number. */
export async function recordReceiptPrint(tx: Tx, deps: ServiceDeps, paymentId: string, userId: string, layout: string): Promise<number> {
  const row = await sql<{
    n: number;
  }>`select coalesce(max(copy_no), 0) + 1 as n from receipt_print where payment_id = ${paymentId}`.execute(tx);
  const copyNo = row.rows[0]!.n;
  await tx
    .insertInto('receipt_print')
    .values({ id: deps.ids.uuid(), payment_id: paymentId, at: deps.clock.now().toISOString(), by_user: userId, copy_no: copyNo, layout })
    .execute();
  await recordAudit(tx, deps, {
    actorId: userId,
    action: copyNo === 1 ? 'receipts.print' : 'receipts.reprint',
    entity: 'payment',
    entityId: paymentId,
    after: { copyNo, layout },
  });
  return copyNo;
}

/** A receipt's QR code checked against the desk keys this store knows, and against this store's own payment. */
export async function verifyReceiptCode(deps: ServiceDeps, code: string): Promise<QrCheckView> {
  const db = deps.store();
  const check = await checkReceiptCode(db, code);
  if (!check.claims || check.verdict !== 'valid') return { ...check, local: null };
  const payment = await db
    .selectFrom('payment as p')
    .innerJoin('student as s', 's.id', 'p.student_id')
    .select(['p.id', 'p.amount', 's.full_name'])
    .where('p.receipt_no', '=', check.claims.receiptNo)
    .executeTakeFirst();
  if (!payment) return { ...check, local: { found: false, amountMatches: null, status: null, studentName: null } };
  const receipt = await readReceipt(db, payment.id);
  return {
    ...check,
    local: { found: true, amountMatches: payment.amount === check.claims.amount, status: receipt.status, studentName: payment.full_name },
  };
}

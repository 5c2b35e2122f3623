// Money events after the fact: cancellation, cheque bounce and waivers (refund vouchers: refunds.ts). All append-only.
import { paymentModeInText, type Receipt } from '../../shared/contract/payments';
import { AppError } from '../../shared/contract/errors';
import { type WrittenRows } from './audit-chain';
import type { CreditEntryTable, DueTable, DueWaiverTable, PaymentEventTable, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { assertDayOpen } from './day-lock';
import type { ServiceDeps } from './context';
import { dueKey, dueRows, pendingFines } from './dues';
import { currentYear } from './masters';
import { enqueue } from './outbox';
import { today } from './payments';
import { readPolicies } from './settings';
import { readReceipt } from './receipts';
import { refundAgainst } from './refunds';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

export interface Reversal {
  paymentId: string;
  kind: 'cancelled' | 'bounced';
  eventId: string;
  at: string;
  reason: string;
  byUser: string;
  approvedBy: string | null;
  deskCode: string;
}

/** A reversal as written: its payment_event row, the negative allocations that reopen the dues, the credit moved back. */
export interface WrittenReversal {
  event: PaymentEventTable;
  allocations: { due_id: string; amount: number }[];
  credits: CreditEntryTable[];
}

/** Writes the reversing event: negative allocations reopen the dues, credit moves back. The payment row stays. */
export async function writeReversal(tx: Tx, env: Pick<Env, 'ids'>, r: Reversal): Promise<WrittenReversal> {
  const event: PaymentEventTable = {
    id: r.eventId,
    payment_id: r.paymentId,
    kind: r.kind,
    at: r.at,
    reason: r.reason,
    by_user: r.byUser,
    approved_by: r.approvedBy,
    desk_code: r.deskCode,
  };
  await tx.insertInto('payment_event').values(event).execute();
  const allocations = await tx
    .selectFrom('allocation')
    .select(['due_id', 'student_id', 'amount'])
    .where('payment_id', '=', r.paymentId)
    .where('event_id', 'is', null)
    .execute();
  const reversing = allocations.map((a) => ({
    payment_id: r.paymentId,
    due_id: a.due_id,
    student_id: a.student_id,
    amount: -a.amount,
    event_id: r.eventId,
  }));
  if (reversing.length > 0) await tx.insertInto('allocation').values(reversing).execute();
  const moved = await tx
    .selectFrom('credit_entry')
    .select(['student_id', 'amount'])
    .where('payment_id', '=', r.paymentId)
    .where('event_id', 'is', null)
    .execute();
  const credits: CreditEntryTable[] = moved.map((c) => ({
    id: env.ids.uuid(),
    student_id: c.student_id,
    amount: -c.amount,
    kind: 'reversal',
    payment_id: r.paymentId,
    event_id: r.eventId,
    at: r.at,
    note: r.reason,
    approved_by: r.approvedBy,
  }));
  if (credits.length > 0) await tx.insertInto('credit_entry').values(credits).execute();
  return { event, allocations: reversing, credits };
}

async function reverse(
  tx: Tx,
  env: Env,
  paymentId: string,
  kind: 'cancelled' | 'bounced',
  reason: string,
  byUser: string,
  approvedBy: string | null,
) {
  const payment = await tx.selectFrom('payment').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw new AppError('not_found', 'no payment has this id', 'paymentId');
  const earlier = await tx.selectFrom('payment_event').select(['kind', 'at']).where('payment_id', '=', paymentId).executeTakeFirst();
  if (earlier)
    throw new AppError('conflict', `receipt ${payment.receipt_no} was already ${earlier.kind} on ${earlier.at.slice(0, 10)}`, 'paymentId');
  const voucher = await refundAgainst(tx, paymentId);
  if (voucher)
    throw new AppError(
      'conflict',
      `receipt ${payment.receipt_no} has money paid back on refund voucher ${voucher}: it can no longer be ${kind}`,
      'paymentId',
    );
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  await assertDayOpen(tx, desk.code, today(env));
  const eventId = env.ids.uuid();
  const at = env.clock.now().toISOString();
  const written = await writeReversal(tx, env, { paymentId, kind, eventId, at, reason, byUser, approvedBy, deskCode: desk.code });
  return { payment, eventId, at, written };
}

/** The event, its allocations, the credit it moved and a bounce's charge as written: the audit chain's verification checks the ledger against these. */
const recordedReversal = ({ event, allocations, credits }: WrittenReversal, chargeDue: DueTable | null = null) => ({
  row: event,
  allocations: allocations.map((a) => [a.due_id, a.amount]),
  written: { credit_entry: credits, due: chargeDue ? [chargeDue] : [] } satisfies WrittenRows,
});

/** Cancels inside the caller's transaction; the approver has already been verified. */
export async function cancelPaymentTx(
  tx: Tx,
  env: Env,
  byUser: string,
  approvedBy: string,
  paymentId: string,
  reason: string,
): Promise<Receipt> {
  const { payment, eventId, at, written } = await reverse(tx, env, paymentId, 'cancelled', reason, byUser, approvedBy);
  await recordAudit(tx, env, {
    actorId: byUser,
    action: 'payments.cancel',
    entity: 'payment',
    entityId: paymentId,
    before: { status: 'valid' },
    after: { status: 'cancelled', reason, approvedBy, receiptNo: payment.receipt_no, ...recordedReversal(written) },
  });
  await enqueue(tx, env, 'payments.cancel', { paymentId, eventId, at, reason, byUser, approvedBy });
  return readReceipt(tx, paymentId);
}

export async function bouncePaymentTx(
  tx: Tx,
  deps: Env,
  byUser: string,
  paymentId: string,
  bankReason: string,
  charge: number | undefined,
): Promise<Receipt> {
  const mode = await tx.selectFrom('payment').select('mode').where('id', '=', paymentId).executeTakeFirst();
  if (mode && mode.mode !== 'cheque' && mode.mode !== 'dd') {
    throw new AppError(
      'conflict',
      `only a cheque or demand draft can bounce; this receipt was paid by ${paymentModeInText(mode.mode)}`,
      'paymentId',
    );
  }
  const { payment, eventId, at, written } = await reverse(tx, deps, paymentId, 'bounced', bankReason, byUser, null);
  const amount = charge ?? (await readPolicies(tx)).bounceCharge;
  let chargeDue: DueTable | null = null;
  if (amount > 0) {
    const year = await currentYear(tx);
    const head = await tx.selectFrom('fee_head').select('id').where('system_code', '=', 'BOUNCE').executeTakeFirstOrThrow();
    chargeDue = {
      id: deps.ids.uuid(),
      student_id: payment.student_id,
      academic_year_id: year.id,
      installment_id: null,
      head_id: head.id,
      kind: 'bounce_charge',
      due_on: today(deps),
      amount,
      created_at: at,
      source_id: eventId,
    };
    await tx.insertInto('due').values(chargeDue).execute();
  }
  await recordAudit(tx, deps, {
    actorId: byUser,
    action: 'payments.bounce',
    entity: 'payment',
    entityId: paymentId,
    before: { status: 'valid' },
    after: { status: 'bounced', bankReason, charge: amount, receiptNo: payment.receipt_no, ...recordedReversal(written, chargeDue) },
  });
  await enqueue(tx, deps, 'payments.bounce', { paymentId, eventId, at, bankReason, byUser, chargeDue });
  return readReceipt(tx, paymentId);
}

/** Waives part or all of a due, or of a pending late fine (levied first so the waiver has a due to point at). */
export async function waive(
  deps: ServiceDeps,
  byUser: string,
  approvedBy: string,
  input: { studentId: string; key: string; amount: number; reason: string },
) {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const rows = await dueRows(tx, [input.studentId]);
      const at = deps.clock.now().toISOString();
      let dueId: string;
      let balance: number;
      let fineDue: DueTable | null = null;
      if (input.key.startsWith('fine:')) {
        const fine = pendingFines(rows, today(deps)).find((f) => f.key === input.key);
        if (!fine) throw new AppError('invalid_input', 'key is not a pending late fine of this student', 'key');
        const year = await currentYear(tx);
        const head = await tx.selectFrom('fee_head').select('id').where('system_code', '=', 'FINE').executeTakeFirstOrThrow();
        fineDue = {
          id: deps.ids.uuid(),
          student_id: input.studentId,
          academic_year_id: year.id,
          installment_id: fine.installmentId,
          head_id: head.id,
          kind: 'fine',
          due_on: today(deps),
          amount: fine.amount,
          created_at: at,
          source_id: null,
        };
        dueId = fineDue.id;
        await tx.insertInto('due').values(fineDue).execute();
        balance = fine.amount;
      } else {
        const due = rows.find((r) => dueKey(r.id) === input.key);
        if (!due) throw new AppError('invalid_input', 'key is not a due of this student', 'key');
        dueId = due.id;
        balance = due.balance;
      }
      if (input.amount > balance) throw new AppError('invalid_input', `amount is above the balance of ${balance}`, 'amount');
      const id = deps.ids.uuid();
      const waiver: DueWaiverTable = { id, due_id: dueId, amount: input.amount, reason: input.reason, approved_by: approvedBy, at };
      await tx.insertInto('due_waiver').values(waiver).execute();
      await recordAudit(tx, deps, {
        actorId: byUser,
        action: 'payments.waive',
        entity: 'due',
        entityId: dueId,
        before: { balance },
        after: {
          balance: balance - input.amount,
          reason: input.reason,
          approvedBy,
          written: { due_waiver: [waiver], due: fineDue ? [fineDue] : [] } satisfies WrittenRows,
        },
      });
      await enqueue(tx, deps, 'payments.waive', { id, dueId, amount: input.amount, at, reason: input.reason, approvedBy, byUser, fineDue });
    });
}

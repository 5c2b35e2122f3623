// The same money never twice in a school's books: a bank reference (UTR, RRN, a statement line's key) or a UPI QR
// reference is held by one standing payment, and one receipt is confirmed by one bank line, whichever desk sent them.
import { formatMoney } from '../shared/domain/money';
import type { MutationArgs as Args } from '../shared/sync/protocol';
import { applied, type BatchState, bankRefsOf, type Outcome, QR_PREFIX, rejected } from './batch-state';

/** The same money twice: a bank reference a standing payment of the school holds, named by another payment. */
function bankRefTaken(state: BatchState, ref: string | null, paymentId: string, what: string): Outcome | null {
  if (ref === null) return null;
  const holder = state.bankRefHolder(ref);
  if (holder && holder.paymentId !== paymentId)
    return rejected(`${what} is in the school's books already, by receipt ${holder.receiptNo}: the same money cannot be recorded twice`);
  return null;
}

export function confirmBankLine(state: BatchState, a: Args<'bank.confirm'>): Outcome {
  // The money held by another receipt comes first: the same line confirmed on two desks offline names, on the second,
  // a payment the server just refused for that very reason, and the accountant needs the receipt that has the money.
  // Statement lines are read in rupees (the banks FeeDesk reads are Indian): the reason is read by a person.
  const what = `the bank line of ${a.lineDate} for ${formatMoney(a.amount, 'INR', 'en-IN')} (${a.reference ?? a.key})`;
  const taken = bankRefTaken(state, a.key, a.paymentId, what);
  if (taken) return taken;
  const payment = state.payments.get(a.paymentId);
  if (!payment) return rejected(`bank line ${a.key} confirms a payment the server does not know (${a.paymentId})`);
  if (payment.status !== 'valid') return rejected(`bank line ${a.key} confirms receipt ${payment.receiptNo}, which was ${payment.status}`);
  // Two desks offline may each confirm one receipt with a different line (a payer who paid twice under one QR): the
  // second credit would vanish into a receipt that has its money already, so it stays the bank's, as on a desk.
  const earlier = state.confirmingLines.get(a.paymentId);
  if (earlier !== undefined && earlier !== a.key)
    return rejected(
      `bank line ${a.key} confirms receipt ${payment.receiptNo}, which the bank line ${earlier} confirms already: one receipt is one bank credit`,
    );
  state.confirmingLines.set(a.paymentId, a.key);
  state.holdBankRef(a.key, a.paymentId, payment.receiptNo);
  return applied;
}

/** A payment's references, each free or held by this very payment; then held by it. */
export function holdPaymentRefs(state: BatchState, a: Args<'payments.record'>): Outcome | null {
  const p = a.payment;
  const refs = bankRefsOf({ name: 'payments.record', args: a });
  for (const ref of refs) {
    const what = ref.startsWith(QR_PREFIX)
      ? `UPI reference ${ref.slice(QR_PREFIX.length)} of receipt ${p.receipt_no}`
      : `bank reference ${ref} of receipt ${p.receipt_no}`;
    const taken = bankRefTaken(state, ref, p.id, what);
    if (taken) return taken;
  }
  for (const ref of refs) state.holdBankRef(ref, p.id, p.receipt_no);
  return null;
}

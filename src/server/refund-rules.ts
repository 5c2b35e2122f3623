// A refund voucher, as the server checks it against every desk's money: it takes back only what standing receipts
// still hold on each due (another desk may have refunded, cancelled or bounced them offline meanwhile).
import type { MutationArgs as Args } from '../shared/sync/protocol';
import { applied, type BatchState, type Outcome, rejected } from './batch-state';

export function recordRefund(state: BatchState, a: Args<'refunds.record'>): Outcome {
  const r = a.refund;
  if (!state.students.has(r.student_id)) return rejected(`refund for a student the server does not know (${r.student_id})`);
  if (r.desk_code !== state.desk.deskCode)
    return rejected(`refund ${r.voucher_no} was written by desk ${r.desk_code}, but this is desk ${state.desk.deskCode}`);
  // Numbered per desk, so taken twice only by a desk that lost its own vouchers (restored from an older backup).
  if (state.voucherNos.has(r.voucher_no))
    return rejected(`refund voucher number ${r.voucher_no} is already used in this school: the desk numbered it again`);
  if (a.allocations.some((x) => x.event_id !== r.id)) return rejected('allocations must belong to this refund');
  const taken = new Map<string, number>();
  for (const x of a.allocations) {
    const payment = state.payments.get(x.payment_id);
    if (!payment) return rejected(`refund ${r.voucher_no} takes money back from a payment the server does not know (${x.payment_id})`);
    if (payment.status !== 'valid')
      return rejected(
        `refund ${r.voucher_no} takes money back from receipt ${payment.receiptNo}, which was ${payment.status} on another desk`,
      );
    if (x.amount < 0) {
      const key = `${x.payment_id}:${x.due_id}`;
      taken.set(key, (taken.get(key) ?? 0) - x.amount);
    }
  }
  for (const [key, amount] of taken) {
    const held = state.shareOf(key);
    if (amount > held) {
      const receipt = state.payments.get(key.split(':')[0]!)!.receiptNo;
      return rejected(
        `refund ${r.voucher_no} takes back ${amount} of receipt ${receipt}, which holds ${held} on that due: it was refunded on another desk`,
      );
    }
  }
  state.voucherNos.add(r.voucher_no);
  for (const x of a.allocations) {
    state.allocations.push(x);
    state.addShare(`${x.payment_id}:${x.due_id}`, x.amount);
    if (x.amount < 0) state.refunded.add(x.payment_id);
  }
  for (const c of a.credit)
    state.credits.push({ student_id: c.student_id, payment_id: null, amount: c.amount, kind: 'refund', event_id: c.event_id });
  for (const w of a.waivers) state.capCuts.set(w.due_id, (state.capCuts.get(w.due_id) ?? 0) + w.amount);
  return applied;
}

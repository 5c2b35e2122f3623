// A `payments.record` mutation as a desk sends it, for server tests that push over the protocol without a desk.
import { randomUUID } from 'node:crypto';

export interface PaymentArgsOptions {
  deskCode: string;
  studentId: string;
  receiptNo: string;
  amount?: number;
  businessDate?: string;
  yearId?: string;
  cashierId?: string;
  /** The due's net amount as the desk saw it (defaults to the amount: the payment clears it). */
  dueNet?: number;
}

/** A cash payment of one due, with a new payment id and due id. */
export function paymentRecordArgs(o: PaymentArgsOptions) {
  const id = randomUUID();
  const dueId = randomUUID();
  const amount = o.amount ?? 1000_00;
  const businessDate = o.businessDate ?? '2026-06-01';
  return {
    payment: {
      id,
      receipt_no: o.receiptNo,
      desk_code: o.deskCode,
      academic_year_id: o.yearId ?? randomUUID(),
      seq: 1,
      received_at: `${businessDate}T05:00:00.000Z`,
      business_date: businessDate,
      cashier_id: o.cashierId ?? randomUUID(),
      student_id: o.studentId,
      family_id: null,
      amount,
      mode: 'cash',
      reference_json: '{}',
      tendered: null,
      change_given: null,
      credit_used: 0,
      credit_added: 0,
      snapshot_json: '{}',
      qr: null,
    },
    allocations: [{ payment_id: id, due_id: dueId, student_id: o.studentId, amount, event_id: null }],
    credit: [],
    fineDues: [],
    dueNet: { [dueId]: o.dueNet ?? amount },
  };
}

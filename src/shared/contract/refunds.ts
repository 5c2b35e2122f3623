// Money paid back, each on a numbered refund voucher approved by a second person: fees paid (a student withdrawn),
// advance credit (paid in excess), and refundable deposits (caution money), part of which may be set off against
// what the student still owes.
import { z } from 'zod';
import { channel } from './channel';
import { approver, id, name, positiveAmount } from './common';
import { bankTransferMethod, chequeMethod, COLLECTORS, upiUtr } from './payments';
import { studentSummary } from './students';

export const REFUND_KINDS = ['fee', 'credit', 'deposit'] as const;
export type RefundKind = (typeof REFUND_KINDS)[number];
export const REFUND_KIND_LABELS: Record<RefundKind, string> = {
  fee: 'Fees paid',
  credit: 'Advance credit',
  deposit: 'Refundable deposit',
};

/** How the money goes back: cash from the drawer, the school's cheque, a bank transfer or UPI (with its reference). */
export const refundMethod = z.discriminatedUnion(
  'mode',
  [z.strictObject({ mode: z.literal('cash') }), chequeMethod, bankTransferMethod, z.strictObject({ mode: z.literal('upi'), utr: upiUtr })],
  { error: 'must have a mode: one of cash, cheque, bank_transfer, upi' },
);
export type RefundMethod = z.infer<typeof refundMethod>;
export const REFUND_MODES = ['cash', 'cheque', 'bank_transfer', 'upi'] as const;

const line = z.strictObject({ dueId: id, amount: positiveAmount });
const lines = (what: string) =>
  z
    .array(line, { error: `must list the ${what}` })
    .max(500, `must list at most 500 ${what}`)
    .refine((l) => new Set(l.map((x) => x.dueId)).size === l.length, { message: 'names a due twice' });

const common = { studentId: id, method: refundMethod, reason: name(200), approver };

/** What a refund asks for: which fees (each due and how much), how much credit, or how much deposit and what it sets off. */
export const refundRequest = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('fee'), ...common, lines: lines('fees to refund').min(1, 'must name at least one fee') }),
    z.strictObject({ kind: z.literal('credit'), ...common, amount: positiveAmount }),
    z.strictObject({
      kind: z.literal('deposit'),
      ...common,
      /** Paid out to the payer; 0 when the whole of it is set off. */
      amount: z.number({ error: 'must be a number' }).int('must be whole minor units').min(0, 'must not be negative'),
      setOff: lines('dues to set off').default([]),
    }),
  ],
  { error: 'must have a kind: fee, credit or deposit' },
);
export type RefundRequest = z.infer<typeof refundRequest>;

const refundableDue = z.object({
  dueId: z.string(),
  year: z.string(),
  installment: z.string(),
  head: z.string(),
  charged: z.number(),
  /** Paid by receipts that stand (not cancelled or bounced, cheques cleared), less what was refunded before. */
  refundable: z.number(),
  /** Paid by cheques or drafts not yet cleared: refundable once they clear. */
  uncleared: z.number(),
});

export const refundable = z.object({
  student: studentSummary,
  fees: z.array(refundableDue),
  deposits: z.array(refundableDue),
  /** Deposits held and refundable now. */
  depositHeld: z.number(),
  credit: z.number(),
  /** What a deposit can be set off against: every due still owed, oldest first. */
  owed: z.array(z.object({ dueId: z.string(), year: z.string(), installment: z.string(), head: z.string(), balance: z.number() })),
});
export type Refundable = z.infer<typeof refundable>;

export const voucherLine = z.object({ year: z.string(), installment: z.string(), head: z.string(), amount: z.number() });

export const refundVoucher = z.object({
  id: z.string(),
  voucherNo: z.string(),
  kind: z.enum(REFUND_KINDS),
  at: z.string(),
  businessDate: z.string(),
  deskCode: z.string(),
  school: z.object({ name: z.string(), currency: z.string(), locale: z.string() }),
  student: z.object({ id: z.string(), fullName: z.string(), admissionNo: z.string(), className: z.string(), guardianName: z.string() }),
  /** What was paid back: each fee, each deposit, or the advance credit. */
  lines: z.array(voucherLine),
  setOff: z.array(voucherLine),
  amount: z.number(),
  setOffTotal: z.number(),
  mode: z.enum(REFUND_MODES),
  reference: z.string(),
  reason: z.string(),
  by: z.string(),
  approvedBy: z.string(),
  /** Deposits still held after this voucher (deposit vouchers). */
  depositLeft: z.number().nullable(),
  prints: z.number(),
});
export type RefundVoucher = z.infer<typeof refundVoucher>;

export const refundSummary = z.object({
  id: z.string(),
  voucherNo: z.string(),
  kind: z.enum(REFUND_KINDS),
  businessDate: z.string(),
  studentName: z.string(),
  admissionNo: z.string(),
  amount: z.number(),
  setOffTotal: z.number(),
  mode: z.enum(REFUND_MODES),
});

export const refundsChannels = {
  'refunds.refundable': channel({ input: z.strictObject({ studentId: id }), output: refundable, access: COLLECTORS }),
  'refunds.record': channel({ input: refundRequest, output: refundVoucher, access: COLLECTORS }),
  'refunds.voucher': channel({ input: z.strictObject({ refundId: id }), output: refundVoucher, access: 'session' }),
  'refunds.list': channel({
    input: z.strictObject({
      studentId: id.optional(),
      limit: z.number({ error: 'must be a number' }).int().min(1).max(500).default(50),
    }),
    output: z.array(refundSummary),
    access: 'session',
  }),
  /** The voucher as a PDF, each print counted: the first is the original, later ones say DUPLICATE. */
  'refunds.print': channel({
    input: z.strictObject({ refundId: id, target: z.enum(['pdf', 'printer', 'dialog'], { error: 'must be pdf, printer or dialog' }) }),
    output: z.object({ fileName: z.string(), base64: z.string(), voucherNo: z.string(), copyNo: z.number() }),
    access: 'session',
  }),
};

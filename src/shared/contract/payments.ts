// Collecting fees: open dues, recording a payment, its receipt, cancellation, bounce, waivers, ledger (refunds: refunds.ts).
import { z } from 'zod';
import { channel } from './channel';
import { approver, bounceCharge, id, isoDate, name, optionalText, positiveAmount } from './common';
import { studentSummary } from './students';

const ref = (label: string, pattern: RegExp, hint: string) =>
  z
    .string({ error: `must be the ${label}` })
    .trim()
    .regex(pattern, hint);

/**
 * A bank reference as people copy it from a UPI app or a bank SMS ("4071 2345 6789", "utr-407123456789"): spaces and
 * dashes dropped, capitals, so the same reference is stored one way and a statement line finds it.
 */
const bankRef = (label: string, pattern: RegExp, hint: string, separators: RegExp) =>
  z
    .string({ error: `must be the ${label}` })
    .transform((v) => v.replace(separators, '').toUpperCase())
    .pipe(z.string().regex(pattern, hint));

export const PAYMENT_MODES = ['cash', 'cheque', 'dd', 'card', 'upi', 'bank_transfer', 'online'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/** Each mode as a person reads it: on the screens, the receipt, the reports and their exports. */
export const PAYMENT_MODE_LABELS: Record<PaymentMode, string> = {
  cash: 'Cash',
  cheque: 'Cheque',
  dd: 'Demand draft',
  card: 'Card',
  upi: 'UPI',
  bank_transfer: 'Bank transfer',
  online: 'Online gateway',
};

export const isPaymentMode = (mode: string): mode is PaymentMode => (PAYMENT_MODES as readonly string[]).includes(mode);

/** A stored mode as a person reads it; a code this version does not know is shown as stored rather than hidden. */
export const paymentModeLabel = (mode: string): string => (isPaymentMode(mode) ? PAYMENT_MODE_LABELS[mode] : mode);

/** The mode within a sentence ("paid by cash", "by UPI"): lower case, except an abbreviation keeps its capitals. */
export function paymentModeInText(mode: string): string {
  const label = paymentModeLabel(mode);
  return label === label.toUpperCase() ? label : label.toLowerCase();
}

export const chequeMethod = z.strictObject({
  mode: z.literal('cheque'),
  chequeNo: ref('cheque number', /^\d{6}$/, 'must be the 6-digit cheque number'),
  bank: name(80),
  chequeDate: isoDate,
});
export const bankTransferMethod = z.strictObject({
  mode: z.literal('bank_transfer'),
  reference: bankRef('bank reference', /^[A-Z0-9/-]{6,35}$/, 'must be the 6–35 character bank reference (UTR/NEFT/RTGS)', /\s+/g),
});
export const upiUtr = bankRef(
  'UPI reference (UTR)',
  /^[A-Z0-9]{8,30}$/,
  'must be the 8–30 letters and digits of the UPI reference (UTR)',
  /[\s-]+/g,
);

/** The mode and the references each mode requires. */
export const paymentMethod = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('cash'), tendered: positiveAmount.optional() }),
    chequeMethod,
    z.strictObject({
      mode: z.literal('dd'),
      ddNo: ref('demand draft number', /^\d{6,12}$/, 'must be the 6–12 digit demand draft number'),
      bank: name(80),
      ddDate: isoDate,
    }),
    z.strictObject({
      mode: z.literal('card'),
      last4: ref('card’s last 4 digits', /^\d{4}$/, 'must be the card’s last 4 digits'),
      authCode: ref('authorisation code', /^[A-Za-z0-9]{4,12}$/, 'must be the 4–12 character authorisation code'),
    }),
    z
      .strictObject({
        mode: z.literal('upi'),
        utr: upiUtr.optional(),
        /** The reference under the UPI QR the payer scanned: shown at the counter (payments.upiRequest) or on a fee slip. */
        upiRef: z
          .string({ error: 'must be text' })
          .trim()
          .toUpperCase()
          .regex(/^FD[A-Z0-9]{1,12}\d{6}$/, 'must be the reference under the UPI QR (FD, the desk code and six digits)')
          .optional(),
      })
      .refine((m) => m.utr !== undefined || m.upiRef !== undefined, {
        path: ['utr'],
        message: 'is required: the UPI reference (UTR), unless the payer scanned the counter’s UPI QR',
      }),
    bankTransferMethod,
    z.strictObject({
      mode: z.literal('online'),
      gateway: name(40),
      reference: ref('gateway reference', /^[A-Za-z0-9_/-]{6,40}$/, 'must be the 6–40 character gateway reference'),
    }),
  ],
  { error: `must have a mode: one of ${PAYMENT_MODES.join(', ')}` },
);
export type PaymentMethod = z.infer<typeof paymentMethod>;

export const openItem = z.object({
  key: z.string(),
  studentId: z.string(),
  kind: z.enum(['fee', 'fine', 'bounce_charge']),
  dueOn: z.string(),
  order: z.number(),
  group: z.string(),
  installment: z.string(),
  head: z.string(),
  gross: z.number(),
  concession: z.number(),
  waived: z.number(),
  paid: z.number(),
  balance: z.number(),
  /** The academic year the due belongs to (a pending fine: its installment's), by name: "2025-26". */
  year: z.string(),
  /** Of a year before the current one: still collectible, shown and paid first as arrears. */
  arrears: z.boolean(),
});
export type OpenItemView = z.infer<typeof openItem>;

const payer = studentSummary
  .pick({ id: true, admissionNo: true, fullName: true, className: true, section: true, guardianName: true, status: true })
  .extend({
    credit: z.number(),
  });

export const openDues = z.object({
  asOf: z.string(),
  finesFirst: z.boolean(),
  students: z.array(payer),
  items: z.array(openItem),
  totals: z.object({ outstanding: z.number(), fines: z.number(), credit: z.number() }),
});
export type OpenDues = z.infer<typeof openDues>;

export const receipt = z.object({
  paymentId: z.string(),
  receiptNo: z.string(),
  receivedAt: z.string(),
  /** The desk's calendar day of the payment. */
  businessDate: z.string(),
  deskCode: z.string(),
  yearName: z.string(),
  cashier: z.object({ id: z.string(), name: z.string() }),
  school: z.object({
    name: z.string(),
    currency: z.string(),
    locale: z.string(),
    /** As the school's settings had them when the payment was recorded (empty on receipts from before they were kept). */
    address: z.string(),
    phone: z.string(),
    registration: z.string(),
    taxId: z.string(),
  }),
  students: z.array(payer.omit({ credit: true, status: true })),
  amount: z.number(),
  mode: z.enum(PAYMENT_MODES),
  reference: z.record(z.string(), z.string()),
  tendered: z.number().nullable(),
  change: z.number().nullable(),
  lines: z.array(
    z.object({
      studentId: z.string(),
      installment: z.string(),
      head: z.string(),
      kind: z.string(),
      dueOn: z.string(),
      gross: z.number(),
      concession: z.number(),
      amount: z.number(),
      /** The year of a previous year's due this line paid (receipts from before arrears were named have none). */
      arrearsYear: z.string().optional(),
    }),
  ),
  creditUsed: z.number(),
  creditAdded: z.number(),
  /** What the payer(s) still owed right after this payment, late fines to date included. */
  balanceAfter: z.number(),
  /** The late fines to date inside balanceAfter; null on receipts from before fines were counted in it. */
  finesInBalance: z.number().nullable(),
  status: z.enum(['valid', 'cancelled', 'bounced']),
  event: z
    .object({
      kind: z.enum(['cancelled', 'bounced']),
      at: z.string(),
      reason: z.string(),
      by: z.string(),
      approvedBy: z.string().nullable(),
    })
    .nullable(),
  /** The signed QR payload (base64url), fixed when the payment was recorded; null on receipts from before signing. */
  qr: z.string().nullable(),
  /** How many times it has been printed (the first print is the original). */
  prints: z.number(),
});
export type Receipt = z.infer<typeof receipt>;

export const ledgerEntry = z.object({
  date: z.string(),
  kind: z.enum(['due', 'fine', 'charge', 'concession', 'waiver', 'payment', 'reversal', 'credit_refund', 'refund', 'set_off']),
  description: z.string(),
  reference: z.string().nullable(),
  debit: z.number(),
  credit: z.number(),
  balance: z.number(),
});

export const ledger = z.object({
  studentId: z.string(),
  entries: z.array(ledgerEntry),
  totals: z.object({
    charged: z.number(),
    concessions: z.number(),
    waived: z.number(),
    paid: z.number(),
    refunded: z.number(),
    /** charged − concessions − waived − paid + refunded: positive is owed, negative is advance. */
    balance: z.number(),
    outstanding: z.number(),
    credit: z.number(),
  }),
});
export type Ledger = z.infer<typeof ledger>;

export const paymentSummary = z.object({
  paymentId: z.string(),
  receiptNo: z.string(),
  receivedAt: z.string(),
  businessDate: z.string(),
  studentName: z.string(),
  admissionNo: z.string(),
  amount: z.number(),
  mode: z.enum(PAYMENT_MODES),
  status: z.enum(['valid', 'cancelled', 'bounced']),
});

export type PaymentSummary = z.infer<typeof paymentSummary>;

export const COLLECTORS = ['admin', 'accountant', 'cashier'] as const;

export const paymentsChannels = {
  'payments.openDues': channel({
    input: z.strictObject({ studentIds: z.array(id).min(1, 'must list at least one student').max(12), asOf: isoDate.optional() }),
    output: openDues,
    access: 'session',
  }),
  'payments.record': channel({
    input: z.strictObject({
      studentIds: z.array(id).min(1, 'must list at least one student').max(12, 'at most 12 students on one receipt'),
      amount: positiveAmount,
      method: paymentMethod,
      /** Edited allocation; omitted for the default (oldest first). Keys come from payments.openDues. */
      allocations: z
        .array(z.strictObject({ key: z.string().min(1).max(120), amount: positiveAmount }))
        .max(500)
        .optional(),
      note: optionalText(200),
    }),
    output: receipt,
    access: COLLECTORS,
  }),
  /**
   * A UPI QR for what is being collected: to the school's UPI payee, under a reference of its own, recorded for the
   * student (the payment then names it as method.upiRef); the QR comes as SVG for the screen.
   */
  'payments.upiRequest': channel({
    input: z.strictObject({
      studentIds: z.array(id).min(1, 'must list at least one student').max(12, 'at most 12 students on one receipt'),
      amount: positiveAmount,
    }),
    output: z.object({ reference: z.string(), link: z.string(), qrSvg: z.string(), payeeName: z.string(), amount: z.number() }),
    access: COLLECTORS,
  }),
  'payments.receipt': channel({ input: z.strictObject({ paymentId: id }), output: receipt, access: 'session' }),
  'payments.list': channel({
    input: z.strictObject({
      studentId: id.optional(),
      date: isoDate.optional(),
      limit: z.number({ error: 'must be a number' }).int().min(1).max(500).default(50),
    }),
    output: z.array(paymentSummary),
    access: 'session',
  }),
  'payments.cancel': channel({
    input: z.strictObject({ paymentId: id, reason: name(200), approver }),
    output: receipt,
    access: COLLECTORS,
  }),
  'payments.bounce': channel({
    input: z.strictObject({ paymentId: id, bankReason: name(200), charge: bounceCharge.optional() }),
    output: receipt,
    access: ['admin', 'accountant'],
  }),
  'payments.waive': channel({
    input: z.strictObject({ studentId: id, key: z.string().min(1).max(120), amount: positiveAmount, reason: name(200), approver }),
    output: openDues,
    access: COLLECTORS,
  }),
  'payments.ledger': channel({ input: z.strictObject({ studentId: id }), output: ledger, access: 'session' }),
};

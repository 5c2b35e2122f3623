// Printing receipts (original, then counted duplicates) and verifying a receipt's signed QR.
import { z } from 'zod';
import { channel } from './channel';
import { id, isoDate } from './common';

export const RECEIPT_LAYOUTS = ['thermal80', 'thermal58', 'a5', 'a4', 'a4_two_copies'] as const;

const target = z.enum(['pdf', 'printer', 'dialog'], { error: 'must be pdf, printer or dialog' });

export const qrCheck = z.object({
  verdict: z.enum(['valid', 'tampered', 'unknown_key', 'malformed', 'not_feedesk']),
  message: z.string(),
  claims: z
    .object({
      schoolId: z.string(),
      keyId: z.string(),
      deskCode: z.string().nullable(),
      date: z.string(),
      amount: z.number(),
      receiptNo: z.string(),
      admissionNo: z.string(),
    })
    .nullable(),
  /** What this desk's own books say about that receipt, when it has it. */
  local: z
    .object({
      found: z.boolean(),
      amountMatches: z.boolean().nullable(),
      status: z.enum(['valid', 'cancelled', 'bounced']).nullable(),
      studentName: z.string().nullable(),
    })
    .nullable(),
});
export type QrCheckView = z.infer<typeof qrCheck>;

const printed = z.object({ fileName: z.string(), base64: z.string(), copies: z.number() });

export const receiptsChannels = {
  'receipts.print': channel({
    input: z.strictObject({
      paymentId: id,
      layout: z.enum(RECEIPT_LAYOUTS, { error: `must be one of ${RECEIPT_LAYOUTS.join(', ')}` }).optional(),
      target,
    }),
    output: printed.extend({ copyNo: z.number() }),
    access: 'session',
  }),
  'receipts.printDay': channel({
    input: z.strictObject({ date: isoDate, target }),
    output: printed,
    access: ['admin', 'accountant'],
  }),
  'receipts.verify': channel({
    input: z.strictObject({
      code: z.string({ error: 'must be text' }).trim().min(1, 'is required').max(2000, 'is too long to be a receipt code'),
    }),
    output: qrCheck,
    access: 'session',
  }),
};

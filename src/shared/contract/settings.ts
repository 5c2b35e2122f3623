// School-wide policies kept in the encrypted store (not the desk's local settings file).
import { z } from 'zod';
import { channel } from './channel';
import { bounceCharge, noInput } from './common';
import { receiptFormatProblem } from '../domain/receipt-number';
import { merchantCodeProblem, payeeNameProblem, upiIdProblem } from '../domain/upi';
import { RECEIPT_LAYOUTS } from './receipts';
import { bankAccount } from './reconcile';

export const policies = z.object({
  idleLockMinutes: z.number().int(),
  /** Receipt number pattern: {year}, {desk}, {seq:N}. */
  receiptFormat: z.string(),
  /** Within an installment, a late fine is paid before the fees. */
  finesFirst: z.boolean(),
  /** Charged as a due when a cheque bounces (minor units). */
  bounceCharge: z.number().int(),
  /** The verify page a receipt QR points at; the signed payload is appended. */
  verifyBaseUrl: z.string(),
  receiptLayout: z.enum(RECEIPT_LAYOUTS),
  receiptFooter: z.string(),
  /** Notes and coins counted at day close (minor units); empty means the currency's standard ones. */
  cashDenominations: z.array(z.number().int()),
  /** Printed under the school's name on receipts (and frozen into each receipt as it is recorded). */
  schoolAddress: z.string(),
  schoolPhone: z.string(),
  /** The board affiliation or registration number ("CBSE Affiliation No. 830123"). */
  schoolRegistration: z.string(),
  /** The tax registration (a GSTIN in India), checked against its own rules. */
  schoolTaxId: z.string(),
  /**
   * The school's UPI ID (a verified merchant one) that UPI QR codes on fee slips and at the counter pay; empty: UPI QR
   * codes are off.
   */
  upiId: z.string(),
  /** The payee name UPI apps show, as the bank registered it. */
  upiPayeeName: z.string(),
  /** The merchant category code the bank gave the school (8211 for schools), or empty. */
  upiMerchantCode: z.string(),
  /** The school's bank accounts whose statements are reconciled (with the column mapping of a bank FeeDesk does not know). */
  bankAccounts: z.array(bankAccount),
});
export type Policies = z.infer<typeof policies>;

/** PNG or JPEG, base64, at most 200 KB: printed at the top of receipts. */
const logo = z.base64({ error: 'must be a PNG or JPEG image in base64' }).max(280_000, 'must be an image of at most 200 KB').nullable();

export const settingsChannels = {
  'settings.setLogo': channel({
    input: z.strictObject({ imageBase64: logo }),
    output: z.object({ hasLogo: z.boolean() }),
    access: ['admin'],
  }),
  'settings.get': channel({ input: noInput, output: policies, access: 'session' }),
  'settings.update': channel({
    input: z
      .strictObject({
        idleLockMinutes: z
          .number({ error: 'must be a number of minutes' })
          .int('must be a whole number of minutes')
          .min(1, 'must be at least 1 minute')
          .max(120, 'must be at most 120 minutes')
          .optional(),
        receiptFormat: z
          .string({ error: 'must be text' })
          .trim()
          .max(60, 'must be at most 60 characters')
          .superRefine((f, ctx) => {
            const problem = receiptFormatProblem(f);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
        finesFirst: z.boolean({ error: 'must be true or false' }).optional(),
        bounceCharge: bounceCharge.optional(),
        verifyBaseUrl: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://sync.school.example/verify/' })
          .max(60, 'must be at most 60 characters, so the receipt QR stays small enough to scan')
          .refine((u) => u.endsWith('/') || u.endsWith('='), 'must end with / (or =) so the code can follow it')
          .optional(),
        receiptLayout: z.enum(RECEIPT_LAYOUTS, { error: `must be one of ${RECEIPT_LAYOUTS.join(', ')}` }).optional(),
        receiptFooter: z.string({ error: 'must be text' }).trim().max(200, 'must be at most 200 characters').optional(),
        cashDenominations: z
          .array(
            z
              .number({ error: 'must be an amount in minor units' })
              .int('must be whole minor units')
              .positive('must be more than zero')
              .max(100_000_000),
            {
              error: 'must be a list of amounts in minor units',
            },
          )
          .max(30, 'must list at most 30 notes and coins')
          .refine((d) => new Set(d).size === d.length, 'must not list a note or coin twice')
          .optional(),
        schoolAddress: z
          .string({ error: 'must be text' })
          .trim()
          .max(300, 'must be at most 300 characters')
          .refine((a) => a.split('\n').length <= 4, 'must fit in 4 lines')
          .optional(),
        schoolPhone: z
          .string({ error: 'must be text' })
          .trim()
          .max(60, 'must be at most 60 characters')
          .refine((p) => p === '' || /^[+0-9][0-9 ()/,-]*$/.test(p), 'must be phone numbers: digits, spaces, + ( ) - / and commas')
          .optional(),
        schoolRegistration: z.string({ error: 'must be text' }).trim().max(80, 'must be at most 80 characters').optional(),
        schoolTaxId: z
          .string({ error: 'must be text' })
          .trim()
          .max(30, 'must be at most 30 characters')
          .transform((t) => t.toUpperCase())
          .optional(),
        upiId: z
          .string({ error: 'must be text' })
          .trim()
          .max(300, 'must be at most 300 characters')
          .refine((id) => id === '' || upiIdProblem(id) === null, {
            error: (issue) => upiIdProblem(String(issue.input)) ?? 'is not a UPI ID',
          })
          .optional(),
        upiPayeeName: z
          .string({ error: 'must be text' })
          .trim()
          .refine((n) => n === '' || payeeNameProblem(n) === null, {
            error: (issue) => payeeNameProblem(String(issue.input)) ?? 'is not a payee name',
          })
          .optional(),
        upiMerchantCode: z
          .string({ error: 'must be text' })
          .trim()
          .refine((c) => c === '' || merchantCodeProblem(c) === null, 'must be a merchant category code of 4 digits (8211 for schools)')
          .optional(),
        bankAccounts: z
          .array(bankAccount)
          .max(20, 'must list at most 20 accounts')
          .refine((a) => new Set(a.map((x) => x.number)).size === a.length, 'must not list an account twice')
          .optional(),
      })
      .refine((v) => Object.keys(v).length > 0, 'must change at least one setting'),
    output: policies,
    access: ['admin'],
  }),
};

// Bank reconciliation: a bank statement read and matched against the books (a dry run that writes nothing), then the
// lines the accountant chose confirmed into the books in one transaction.
import { z } from 'zod';
import { channel } from './channel';
import { fullPath, id } from './common';

export const BANK_LAYOUT_NAMES = ['sbi', 'hdfc', 'icici', 'axis', 'kotak'] as const;

/** The statement fields a column can feed: date, narration and the money are needed, the rest help. */
export const STATEMENT_FIELDS = ['date', 'narration', 'reference', 'valueDate', 'debit', 'credit', 'amount', 'drCr', 'balance'] as const;
export type StatementField = (typeof STATEMENT_FIELDS)[number];

/** Which column of another bank's statement feeds each field (by its header text). */
export const statementMapping = z.strictObject({
  bank: z.string({ error: 'must be the bank’s name' }).trim().min(2, 'must be the bank’s name').max(80, 'must be at most 80 characters'),
  columns: z
    .partialRecord(z.enum(STATEMENT_FIELDS), z.string().trim().min(1).max(120))
    .refine((c) => c.date !== undefined && c.narration !== undefined, 'must name the date and narration columns')
    .refine(
      (c) => (c.debit !== undefined && c.credit !== undefined) || c.amount !== undefined,
      'must name the withdrawal and deposit columns, or one amount column',
    ),
});
export type StatementMappingInput = z.infer<typeof statementMapping>;

/** A bank account of the school's, as its statements name it; statements of other accounts are refused. */
export const bankAccount = z.strictObject({
  /** The account number, digits only. */
  number: z
    .string({ error: 'must be the account number' })
    .transform((n) => n.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6,20}$/, 'must be the account number: 6 to 20 digits')),
  label: z.string({ error: 'must be text' }).trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  /** The bank's statement layout FeeDesk knows, or 'other' with a column mapping (remembered from the first import). */
  layout: z.enum([...BANK_LAYOUT_NAMES, 'other'], { error: `must be one of ${BANK_LAYOUT_NAMES.join(', ')} or other` }),
  mapping: statementMapping.nullable().default(null),
});
export type BankAccount = z.infer<typeof bankAccount>;

export const LINE_STATUSES = ['matched', 'probable', 'unmatched', 'in_books', 'not_fee', 'problem'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** What confirming a line does. */
export const lineAction = z.discriminatedUnion('kind', [
  /** A new payment for the student, under the line's bank reference (and the slip or counter reference it quotes). */
  z.object({
    kind: z.literal('record'),
    studentId: z.string(),
    admissionNo: z.string(),
    studentName: z.string(),
    upiRef: z.string().nullable(),
  }),
  /** A payment already in the books (taken at the counter) that the bank now confirms. */
  z.object({ kind: z.literal('confirm'), paymentId: z.string(), receiptNo: z.string() }),
  /** A cheque or draft the bank credited: it clears. */
  z.object({ kind: z.literal('clear'), paymentId: z.string(), receiptNo: z.string() }),
  /** A returned cheque: the bounce is proposed, and done with the bounce flow. */
  z.object({ kind: z.literal('bounce'), paymentId: z.string(), receiptNo: z.string() }),
]);
export type LineAction = z.infer<typeof lineAction>;

export const reconcileLine = z.object({
  /** The row of the file. */
  row: z.number().int(),
  date: z.string(),
  narration: z.string(),
  reference: z.string().nullable(),
  /** Minor units: one of them is zero. */
  credit: z.number().int(),
  debit: z.number().int(),
  /** How the money came: upi, neft, imps, rtgs, cheque, cash, other. */
  kind: z.string(),
  status: z.enum(LINE_STATUSES),
  /** Why the line is what it is, in the accountant's words. */
  why: z.string(),
  action: lineAction.nullable(),
});
export type ReconcileLine = z.infer<typeof reconcileLine>;

const counts = z.object(Object.fromEntries(LINE_STATUSES.map((s) => [s, z.number().int()])) as Record<LineStatus, z.ZodNumber>);

export const reconcilePreview = z.object({
  /** What confirm names the statement by, while this desk keeps it. */
  statementId: z.string(),
  bank: z.string(),
  account: z.string(),
  sha256: z.string(),
  lines: z.array(reconcileLine),
  counts,
});
export type ReconcilePreview = z.infer<typeof reconcilePreview>;

export const reconcileResult = z.object({
  recorded: z.array(z.object({ row: z.number().int(), paymentId: z.string(), receiptNo: z.string(), amount: z.number().int() })),
  confirmed: z.number().int(),
  cleared: z.number().int(),
  preview: reconcilePreview,
});
export type ReconcileResult = z.infer<typeof reconcileResult>;

const ACCOUNTANTS = ['admin', 'accountant'] as const;
const statementId = z
  .string({ error: 'must be the dry run’s statement id' })
  .regex(/^[0-9a-f-]{36}$/, 'must be the dry run’s statement id');

export const reconcileChannels = {
  /** The column names of a statement FeeDesk does not know, for mapping them. */
  'reconcile.headers': channel({
    input: z.strictObject({ path: fullPath('/home/me/Downloads/statement.csv') }),
    output: z.object({ headers: z.array(z.string()) }),
    access: ACCOUNTANTS,
  }),
  /** Reads and matches a statement of one of the school's accounts; writes nothing. */
  'reconcile.dryRun': channel({
    input: z.strictObject({
      path: fullPath('/home/me/Downloads/statement.csv'),
      account: z
        .string({ error: 'must be one of the school’s bank accounts' })
        .regex(/^\d{6,20}$/, 'must be one of the school’s bank accounts'),
      /** For an account of another bank: the columns, remembered for the account once a statement reads with them. */
      mapping: statementMapping.optional(),
    }),
    output: reconcilePreview,
    access: ACCOUNTANTS,
  }),
  /**
   * Confirms lines of the dry run's statement, all or nothing: each takes its match, or becomes a payment for the
   * student given (a line re-assigned by hand, or a probable one accepted).
   */
  'reconcile.confirm': channel({
    input: z.strictObject({
      statementId,
      lines: z
        .array(z.strictObject({ row: z.number().int().positive(), studentId: id.optional() }))
        .min(1, 'must list at least one line')
        .max(20_000)
        .refine((l) => new Set(l.map((x) => x.row)).size === l.length, 'must not list a line twice'),
    }),
    output: reconcileResult,
    access: ACCOUNTANTS,
  }),
};

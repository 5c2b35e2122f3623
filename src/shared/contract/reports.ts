// Reports, exports, the dashboard, day close and cheque clearance: every figure read from the one dues/payments ledger.
import { z } from 'zod';
import { reauth } from './auth';
import { channel } from './channel';
import { fullPath, id, isoDate, jobProgress, noInput, nonNegativeAmount, optionalText, replaceFile } from './common';
import { daysBetween } from '../domain/dates';
import { PAYMENT_MODES } from './payments';
import { bankAccount } from './reconcile';
import { REFUND_KINDS } from './refunds';

/** Longest date range a report accepts: five academic years. */
export const MAX_RANGE_DAYS = 5 * 366;
/** Rows a report sends to the screen; exports carry them all. */
export const SCREEN_ROWS = 2_000;

export const GROUP_KEYS = ['head', 'class', 'mode', 'cashier', 'desk', 'day', 'month'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

const deskCode = z
  .string({ error: 'must be a desk code' })
  .trim()
  .regex(/^[A-Za-z0-9-]{1,12}$/, 'must be a desk code such as D01');

const range = { from: isoDate, to: isoDate };
type Ranged = { from: string; to: string };

/** Reversed or unbounded ranges are refused with the field to fix. */
function checkRange(v: Ranged, ctx: z.RefinementCtx): void {
  const days = daysBetween(v.from, v.to);
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${v.from}): the range is reversed` });
  else if (days > MAX_RANGE_DAYS)
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be within ${MAX_RANGE_DAYS} days of from; ask for at most five years at a time`,
    });
}

const groupBy = z
  .array(z.enum(GROUP_KEYS, { error: `must be one of ${GROUP_KEYS.join(', ')}` }), { error: 'must be a list of group keys' })
  .min(1, 'must name at least one group key')
  .max(GROUP_KEYS.length)
  .refine((keys) => new Set(keys).size === keys.length, 'must not repeat a group key');

export const reportFilters = z.discriminatedUnion(
  'report',
  [
    z.strictObject({ report: z.literal('daybook'), date: isoDate, desk: deskCode.optional(), cashierId: id.optional() }),
    z
      .strictObject({ report: z.literal('receipts'), ...range, desk: deskCode.optional(), mode: z.enum(PAYMENT_MODES).optional() })
      .superRefine(checkRange),
    z
      .strictObject({
        report: z.literal('collection'),
        ...range,
        groupBy,
        view: z.enum(['gross', 'net'], { error: 'must be gross or net' }),
      })
      .superRefine(checkRange),
    z.strictObject({
      report: z.literal('defaulters'),
      asOf: isoDate,
      /** Only the dues of this academic year ("defaulters by year"); without it, every year's, a row per student and year. */
      yearId: id.optional(),
      classId: id.optional(),
      categoryId: id.optional(),
      minBalance: nonNegativeAmount.optional(),
      minDaysOverdue: z.number({ error: 'must be a number of days' }).int().min(0).max(3650).optional(),
    }),
    z.strictObject({ report: z.literal('statement'), studentId: id }),
    z.strictObject({ report: z.literal('family_statement'), familyId: id }),
    z.strictObject({ report: z.literal('concessions'), ...range }).superRefine(checkRange),
    z.strictObject({ report: z.literal('reversals'), ...range, kind: z.enum(['cancelled', 'bounced']).optional() }).superRefine(checkRange),
    z.strictObject({ report: z.literal('cheques'), asOf: isoDate }),
    z.strictObject({
      report: z.literal('forecast'),
      from: isoDate,
      period: z.enum(['week', 'month'], { error: 'must be week or month' }),
      periods: z.number({ error: 'must be a number of periods' }).int().min(1, 'must be at least 1').max(24, 'must be at most 24'),
    }),
    z
      .strictObject({
        report: z.literal('journal'),
        ...range,
        layout: z.enum(['tally', 'quickbooks'], { error: 'must be tally or quickbooks' }),
      })
      .superRefine(checkRange),
    z.strictObject({ report: z.literal('day_close'), date: isoDate, desk: deskCode.optional() }),
    z.strictObject({
      report: z.literal('students_list'),
      status: z.enum(['active', 'left', 'alumni', 'all'], { error: 'must be active, left, alumni or all' }).default('active'),
      classId: id.optional(),
    }),
    z.strictObject({ report: z.literal('families_list') }),
    z.strictObject({ report: z.literal('structures_list'), yearId: id.optional() }),
    z.strictObject({ report: z.literal('dues_list'), classId: id.optional(), dueBy: isoDate.optional() }),
    z.strictObject({ report: z.literal('concessions_list'), yearId: id.optional() }),
    z.strictObject({ report: z.literal('student_charges_list'), yearId: id.optional() }),
    z.strictObject({ report: z.literal('reconciliation'), ...range, account: bankAccount.shape.number.optional() }).superRefine(checkRange),
    z
      .strictObject({
        report: z.literal('refunds'),
        ...range,
        kind: z.enum(REFUND_KINDS, { error: `must be one of ${REFUND_KINDS.join(', ')}` }).optional(),
      })
      .superRefine(checkRange),
    z.strictObject({ report: z.literal('deposits'), asOf: isoDate }),
  ],
  {
    error:
      'must name a report: daybook, receipts, collection, defaulters, statement, family_statement, concessions, reversals, cheques, forecast, journal, day_close, students_list, families_list, structures_list, dues_list, concessions_list, student_charges_list, reconciliation, refunds or deposits',
  },
);
export type ReportFilters = z.infer<typeof reportFilters>;
export type ReportName = ReportFilters['report'];

/** What a cashier may read: their counter's day and a student's or family's statement. The rest is the accountant's. */
export const CASHIER_REPORTS: ReadonlySet<ReportName> = new Set<ReportName>([
  'daybook',
  'day_close',
  'statement',
  'family_statement',
  'cheques',
]);

export const COLUMN_TYPES = ['text', 'money', 'count', 'date'] as const;
export const reportColumn = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(COLUMN_TYPES),
  /** A money/count column that must not be added up (a running balance, days overdue). */
  noTotal: z.boolean().optional(),
  /** A text column's share of the printed page and the sheet, against the others' 1 (a long reference wider). */
  width: z.number().positive().optional(),
});
export type ReportColumn = z.infer<typeof reportColumn>;
export type Cell = string | number | null;
export type ReportRow = Record<string, Cell>;

export const reportTable = z.object({
  title: z.string(),
  subtitle: z.string(),
  currency: z.string(),
  locale: z.string(),
  columns: z.array(reportColumn),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  /** Sum of every money/count column over all rows (not only those on screen). */
  totals: z.record(z.string(), z.number()),
  rowCount: z.number().int(),
  /** More rows than the screen shows: export for all of them. */
  truncated: z.boolean(),
  /** Short figures under the table (mode totals of a day book, ageing buckets). */
  summary: z.array(z.object({ label: z.string(), amount: z.number() })),
  footnote: z.string().nullable(),
});
export type ReportTable = z.infer<typeof reportTable>;

export const EXPORT_FORMATS = ['xlsx', 'csv', 'pdf', 'letters'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const exportPath = fullPath('/home/me/Documents/daybook.xlsx');

export const exportJob = z.object({
  ...jobProgress,
  report: z.string(),
  format: z.enum(EXPORT_FORMATS),
  path: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExportJob = z.infer<typeof exportJob>;

const modeAmounts = z.record(z.string(), z.number().int());

const periodAmount = z.object({ from: z.string(), to: z.string(), amount: z.number() });

export const dashboard = z.object({
  today: z.string(),
  currency: z.string(),
  locale: z.string(),
  todayByMode: z.array(z.object({ mode: z.string(), amount: z.number() })),
  /** Net collected from the 1st of this month to today. */
  monthToDate: periodAmount,
  /** Net collected over the same days of last month (1st to today's day of the month, clamped to its length): like for like. */
  sameDaysLastMonth: periodAmount,
  /** The last 30 days, one point per day (0 on days without money). */
  daily: z.array(z.object({ day: z.string(), amount: z.number() })),
  /** The last 12 months, one point per month ('YYYY-MM'; the current month runs to today). */
  monthly: z.array(z.object({ month: z.string(), amount: z.number() })),
  ageing: z.array(z.object({ bucket: z.string(), amount: z.number(), students: z.number() })),
  topDefaultingClasses: z.array(z.object({ className: z.string(), amount: z.number(), students: z.number() })),
  pending: z.object({ concessions: z.number(), cheques: z.number(), syncRejected: z.number() }),
  desksNotClosed: z.array(z.object({ desk: z.string(), day: z.string() })),
});
export type Dashboard = z.infer<typeof dashboard>;

export const dayCloseStatus = z.object({
  desk: z.string(),
  date: z.string(),
  state: z.enum(['open', 'closed']),
  currency: z.string(),
  locale: z.string(),
  /** The currency's notes and coins, largest first (minor units). */
  denominations: z.array(z.number().int()),
  expected: modeAmounts,
  receipts: z.number().int(),
  /**
   * UPI taken at this desk's counter that day (receipts standing, not those a bank statement line brought in), and how
   * much of it bank statement lines have confirmed since.
   */
  upi: z.object({
    taken: z.number().int(),
    receipts: z.number().int(),
    confirmed: z.number().int(),
    confirmedReceipts: z.number().int(),
  }),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  counted: modeAmounts.nullable(),
  cashCount: z.record(z.string(), z.number().int()).nullable(),
  variance: z.number().int().nullable(),
  note: z.string().nullable(),
  history: z.array(
    z.object({
      kind: z.enum(['closed', 'reopened']),
      at: z.string(),
      by: z.string(),
      note: z.string().nullable(),
      variance: z.number().nullable(),
    }),
  ),
});
export type DayCloseStatus = z.infer<typeof dayCloseStatus>;

const count = z
  .number({ error: 'must be a count' })
  .int('must be a whole count')
  .min(0, 'must not be negative')
  .max(1_000_000, 'is too large');
const NON_CASH = PAYMENT_MODES.filter((m) => m !== 'cash');

export const reportsChannels = {
  'reports.run': channel({ input: reportFilters, output: reportTable, access: ['admin', 'accountant', 'cashier'] }),
  'reports.export': channel({
    input: z.strictObject({
      filters: reportFilters,
      format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
      path: exportPath,
      replace: replaceFile,
    }),
    output: exportJob,
    access: ['admin', 'accountant', 'cashier'],
  }),
  'reports.job': channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: exportJob, access: 'session', passive: true }),
  'reports.cancel': channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: exportJob, access: 'session' }),
  /** Where exports go unless the user types another path. */
  'reports.exportFolder': channel({ input: noInput, output: z.object({ folder: z.string() }), access: 'session' }),
  'reports.dashboard': channel({ input: noInput, output: dashboard, access: ['admin', 'accountant'] }),

  'dayClose.status': channel({
    input: z.strictObject({ date: isoDate }),
    output: dayCloseStatus,
    access: ['admin', 'accountant', 'cashier'],
  }),
  'dayClose.close': channel({
    input: z.strictObject({
      date: isoDate,
      /** Notes and coins counted in the drawer: denomination (minor units, as text) → how many. */
      cashCount: z.record(z.string().regex(/^\d+$/), count, {
        error: (issue) =>
          issue.code === 'invalid_key' ? 'must be a denomination in minor units (such as 50000 for a ₹500 note)' : undefined,
      }),
      /** Totals counted for the other modes (slips, cheques in hand). Modes left out count as zero. */
      counted: z.partialRecord(z.enum(NON_CASH), nonNegativeAmount),
      note: optionalText(500),
    }),
    output: dayCloseStatus,
    access: ['admin', 'accountant', 'cashier'],
  }),
  'dayClose.reopen': channel({
    input: z.strictObject({
      date: isoDate,
      reason: z.string({ error: 'must be text' }).trim().min(5, 'must say why (at least 5 characters)').max(300),
      reauth,
    }),
    output: dayCloseStatus,
    access: ['admin'],
  }),
  'cheques.clear': channel({
    input: z.strictObject({ paymentId: id, clearedOn: isoDate }),
    output: z.object({ paymentId: z.string(), clearedOn: z.string() }),
    access: ['admin', 'accountant'],
  }),
};

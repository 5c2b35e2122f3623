// The sync wire protocol between a desk and the sync server (docs/architecture.md, "Sync"). Both sides
// validate every message with these schemas; the server also checks the arguments of the mutations it reads.
import { z } from 'zod';
import {
  allocationRow,
  concessionRow,
  creditRow,
  date,
  dayCloseRow,
  dueRow,
  instant,
  minor,
  optionalText,
  structureArgs,
  studentView,
  text,
  userId,
  uuid,
  waiverRow,
} from './rows';
import { SCHOOL_YEAR_ARGS } from './school-year-args';
import { deskCode } from '../contract/setup';
import { academicYear, category, feeHead, schoolClass } from '../contract/masters';
import { policies } from '../contract/settings';
import { STUDENT_STATUSES } from '../contract/students';

/**
 * Raised whenever a message's meaning changes; the server accepts a range. 2: UPI references (upi.reference). 3: bank
 * statement lines confirmed into the books (bank.confirm). 4: the year-end rollover (years.rollover) and charges by
 * student (charges.*). 5: refund vouchers (refunds.record) and refundable deposits (a fee head's `deposit`).
 */
export const SYNC_SCHEMA_VERSION = 5;
export const OLDEST_SCHEMA_VERSION = 1;
export const PUSH_MAX_MUTATIONS = 500;
export const PULL_MAX_CHANGES = 2000;
/**
 * Bodies above this are refused before parsing. Desks send batches of about PUSH_TARGET_BYTES; one mutation
 * can be larger on its own (a concession approved for a whole category carries a row per due it reduced).
 */
export const BODY_LIMIT_BYTES = 32 * 1024 * 1024;
export const PUSH_TARGET_BYTES = 2 * 1024 * 1024;

/** Every change a desk writes to its outbox. The server refuses a batch naming anything else. */
export const MUTATION_NAMES = [
  'masters.createYear',
  'masters.setCurrentYear',
  'masters.createClass',
  'masters.addSection',
  'masters.createCategory',
  'masters.createHead',
  'students.create',
  'students.update',
  'students.leave',
  'families.create',
  'structures.create',
  'structures.assign',
  'concessions.request',
  'concessions.approved',
  'concessions.rejected',
  'payments.record',
  'payments.cancel',
  'payments.bounce',
  'payments.refundCredit',
  'payments.waive',
  'deskKeys.publish',
  'settings.update',
  'dayClose.close',
  'dayClose.reopen',
  'payments.clear',
  'dues.opening',
  'upi.reference',
  'bank.confirm',
  'years.rollover',
  'charges.plan',
  'charges.assign',
  'charges.stop',
  'charges.oneOff',
  'refunds.record',
] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];

/** Changes only the server makes: an overpayment found when two desks paid the same dues offline. */
export const SERVER_CHANGE_NAMES = ['payments.overpaid'] as const;
export type ChangeName = MutationName | (typeof SERVER_CHANGE_NAMES)[number];

/**
 * Every mutation's arguments, as the desk writes them. The server passes on only what parses (unknown keys are dropped),
 * so a desk never receives a change its appliers cannot read.
 */
export const MUTATION_ARGS = {
  'masters.createYear': academicYear.omit({ closedAt: true }).extend({ id: uuid, startsOn: date, endsOn: date }),
  'masters.setCurrentYear': academicYear.omit({ closedAt: true }).extend({ id: uuid }),
  'masters.createClass': schoolClass.extend({ id: uuid }),
  'masters.addSection': schoolClass.extend({ id: uuid }),
  'masters.createCategory': category.extend({ id: uuid }),
  'masters.createHead': feeHead.extend({ id: uuid, taxRateBp: z.number().int().min(0).max(10_000), deposit: z.boolean().default(false) }),
  'students.create': z.object({
    id: uuid,
    admission_no: text,
    full_name: text,
    class_id: uuid,
    section_id: uuid.nullable(),
    guardian_name: text,
    phone: text,
    phone2: optionalText,
    email: optionalText,
    category_id: uuid.nullable(),
    family_id: uuid.nullable(),
    status: z.enum(STUDENT_STATUSES),
    joined_on: date,
    left_on: date.nullable(),
    version: z.literal(1),
    created_at: instant,
    updated_at: instant,
  }),
  'students.update': studentView,
  'students.leave': studentView.extend({ waivers: z.array(waiverRow).max(1000) }),
  'families.create': z.object({ id: uuid, name: text, studentIds: z.array(uuid).max(50) }),
  'structures.create': structureArgs,
  'structures.assign': z.object({ structureId: uuid, assignedAt: instant }),
  'concessions.request': concessionRow,
  'concessions.approved': z.object({
    concessionId: uuid,
    decidedBy: uuid,
    decidedAt: instant,
    note: optionalText,
    rows: z.array(z.object({ due_id: uuid, concession_id: uuid, amount: minor.positive() })).max(2_000_000),
  }),
  'concessions.rejected': z.object({
    concessionId: uuid,
    decidedBy: uuid,
    decidedAt: instant,
    note: optionalText,
    rows: z.array(z.never()).max(0),
  }),
  'payments.record': z.object({
    payment: z.object({
      id: uuid,
      receipt_no: text,
      desk_code: text,
      academic_year_id: uuid,
      seq: z.number().int().positive(),
      received_at: instant,
      business_date: date,
      cashier_id: uuid,
      student_id: uuid,
      family_id: uuid.nullable(),
      amount: minor.positive(),
      mode: text,
      reference_json: z.string().max(2000),
      tendered: minor.nonnegative().nullable(),
      change_given: minor.nonnegative().nullable(),
      credit_used: minor.nonnegative(),
      credit_added: minor.nonnegative(),
      snapshot_json: z.string().max(200_000),
      qr: z.string().max(1000).nullable(),
    }),
    allocations: z.array(allocationRow).max(10_000),
    credit: z.array(creditRow).max(100),
    fineDues: z.array(dueRow).max(1000),
    dueNet: z.record(uuid, minor.nonnegative()),
  }),
  'payments.cancel': z.object({ paymentId: uuid, eventId: uuid, at: instant, reason: text, byUser: uuid, approvedBy: userId }),
  'payments.bounce': z.object({
    paymentId: uuid,
    eventId: uuid,
    at: instant,
    bankReason: text,
    byUser: uuid,
    chargeDue: dueRow.nullable(),
  }),
  'payments.refundCredit': z.object({
    id: uuid,
    studentId: uuid,
    amount: minor.positive(),
    at: instant,
    reason: text,
    byUser: uuid,
    approvedBy: userId,
  }),
  'payments.waive': z.object({
    id: uuid,
    dueId: uuid,
    amount: minor.positive(),
    at: instant,
    reason: text,
    approvedBy: userId,
    byUser: uuid,
    fineDue: dueRow.nullable(),
  }),
  'settings.update': policies.partial(),
  'upi.reference': z.strictObject({
    ref: z.string().regex(/^[A-Z0-9]{4,35}$/),
    kind: z.enum(['slip', 'counter']),
    studentId: uuid,
    amount: minor.positive(),
    covers: z.array(z.string().min(1).max(80)).max(500),
    issuedOn: date,
    deskCode: text,
    seq: z.number().int().positive().safe(),
    createdAt: instant,
  }),
  'dayClose.close': dayCloseRow.extend({ kind: z.literal('closed') }),
  'dayClose.reopen': dayCloseRow.extend({ kind: z.literal('reopened') }),
  'dues.opening': z.object({ dues: z.array(dueRow).min(1).max(1000) }),
  'payments.clear': z.object({ payment_id: uuid, cleared_on: date, at: instant, by_user: uuid, desk_code: text }),
  /** A bank statement line in the books: the payment it became, or the one it confirms or clears. Its key pays once. */
  'bank.confirm': z.strictObject({
    key: z.string().regex(/^[A-Z0-9]{1,64}$/),
    account: z.string().regex(/^\d{6,20}$/),
    lineDate: date,
    amount: minor.positive(),
    narration: z.string().max(500),
    kind: z.string().min(1).max(10),
    reference: z.string().max(120).nullable(),
    paymentId: uuid,
    outcome: z.enum(['recorded', 'confirmed', 'cleared']),
    confirmedAt: instant,
    byUser: uuid,
    deskCode: text,
  }),
  'deskKeys.publish': z.object({
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    desk_code: text,
    public_key: z.base64().length(44),
    created_at: instant,
    /** The key's signature over its id and desk code (keyProofBytes); desks before it was added publish without one. */
    proof: z.base64().length(88).optional(),
  }),
  ...SCHOOL_YEAR_ARGS,
  /** A refund voucher with the money it took back from receipts (and a deposit's set-off), its waivers and credit. */
  'refunds.record': z.object({
    refund: z.object({
      id: uuid,
      voucher_no: text,
      desk_code: text,
      academic_year_id: uuid,
      seq: z.number().int().positive(),
      at: instant,
      business_date: date,
      student_id: uuid,
      kind: z.enum(['fee', 'credit', 'deposit']),
      amount: minor.nonnegative(),
      set_off: minor.nonnegative(),
      mode: z.enum(['cash', 'cheque', 'bank_transfer', 'upi']),
      reference_json: z.string().max(2000),
      reason: text,
      by_user: uuid,
      approved_by: uuid,
      snapshot_json: z.string().max(200_000),
    }),
    allocations: z.array(allocationRow.extend({ event_id: uuid })).max(5000),
    waivers: z.array(waiverRow).max(5000),
    credit: z
      .array(
        z.object({
          id: uuid,
          student_id: uuid,
          amount: minor.negative(),
          kind: z.literal('refund'),
          payment_id: z.null(),
          event_id: uuid,
          at: instant,
          note: optionalText,
          approved_by: userId,
        }),
      )
      .max(1),
  }),
} satisfies Record<MutationName, z.ZodType>;

/** A mutation's arguments as the server reads them, and as its change log carries them to every desk. */
export type MutationArgs<N extends MutationName> = z.output<(typeof MUTATION_ARGS)[N]>;
/** A mutation's arguments as a desk may write them to its outbox (before the server's parse drops unknown keys). */
export type MutationArgsInput<N extends MutationName> = z.input<(typeof MUTATION_ARGS)[N]>;

/** The excess one payment took for a due, which the server turned into the student's credit (server/push.ts). */
export interface OverpaidArgs {
  id: string;
  paymentId: string;
  receiptNo: string;
  dueId: string;
  studentId: string;
  amount: number;
  message: string;
  at: string;
}
/** What a change in the server's log carries, by name: a mutation's arguments as the server parsed them, or its own. */
export type ChangeArgs<N extends ChangeName> = ({ [M in MutationName]: MutationArgs<M> } & { 'payments.overpaid': OverpaidArgs })[N];

export const mutationSchema = z.object({
  mutationId: z.number().int().positive().safe(),
  id: uuid,
  name: z.string().min(1).max(100),
  args: z.unknown(),
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.object({
  deskId: uuid,
  schemaVersion: z.number().int(),
  mutations: z.array(mutationSchema).min(1).max(PUSH_MAX_MUTATIONS),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.object({
  mutationId: z.number().int(),
  status: z.enum(['applied', 'duplicate', 'rejected']),
  reason: z.string().optional(),
  detail: z.unknown().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({ results: z.array(pushResultSchema), lastMutationId: z.number().int() });
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullRequestSchema = z.object({
  deskId: uuid,
  schemaVersion: z.number().int(),
  cookie: z.string().max(200).nullable(),
  limit: z.number().int().positive().max(PULL_MAX_CHANGES).optional(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

export const changeSchema = z.object({ seq: z.number().int(), name: z.string(), deskCode: z.string().nullable(), args: z.unknown() });
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.object({
  cookie: z.string(),
  changes: z.array(changeSchema),
  more: z.boolean(),
  /** The last mutation of this desk the server holds: lower than what the desk was told means the server lost data. */
  lastMutationId: z.number().int(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const enrollRequestSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/, 'an enrollment code looks like ABCD-EFGH-JKLM'),
  deskCode,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  deskId: uuid,
  token: z.string().min(40),
  schoolId: uuid,
  schoolName: z.string(),
  branchName: z.string(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

/** Every non-200 answer. `retry` is true only for temporary faults (5xx, 429). */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  /** With a `gap`: the last mutation of this desk the server holds. */
  lastMutationId: z.number().int().optional(),
});

export const SYNC_ERROR_CODES = [
  'bad_json',
  'too_large',
  'invalid_request',
  'unauthorized',
  'forbidden',
  'unknown_mutation',
  'invalid_mutation',
  'schema_too_old',
  'schema_too_new',
  'gap',
  'unknown_cookie',
  'enrollment_invalid',
  'conflict',
  'not_found',
  'unavailable',
  'rate_limited',
  'timeout',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/**
 * The cookie is opaque to desks: the server's database epoch, the last change sequence sent, and the batch that wrote
 * that change (none for changes from before batches were named). A restored server keeps its epoch and hands the lost
 * sequence numbers to new changes; their batch differs, so the server knows the desk's position no longer holds.
 */
export function formatCookie(epoch: string, seq: number, batch: string | null): string {
  return batch === null ? `${epoch}.${seq}` : `${epoch}.${seq}.${batch}`;
}

export function parseCookie(cookie: string): { epoch: string; seq: number; batch: string | null } | null {
  const m = /^([0-9a-f]{16})\.(\d{1,15})(?:\.([0-9a-f]{16}))?$/.exec(cookie);
  return m ? { epoch: m[1]!, seq: Number(m[2]), batch: m[3] ?? null } : null;
}

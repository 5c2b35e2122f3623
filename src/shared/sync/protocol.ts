// The sync wire protocol between a desk and the sync server (ARCHITECTURE.md, "Sync protocol"). Both sides
// validate every message with these schemas; the server also checks the arguments of the mutations it reads.
import { z } from 'zod';
import { deskCode } from '../contract/setup';

/** Raised whenever a message's meaning changes; the server accepts a range. */
export const SYNC_SCHEMA_VERSION = 1;
export const OLDEST_SCHEMA_VERSION = 1;
export const PUSH_MAX_MUTATIONS = 500;
export const PULL_MAX_CHANGES = 2000;
/** Bodies above this are refused before parsing (a 500-payment batch is about 1 MB). */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

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
] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];

/** Changes only the server makes: an overpayment found when two desks paid the same dues offline. */
export const SERVER_CHANGE_NAMES = ['payments.overpaid'] as const;
export type ChangeName = MutationName | (typeof SERVER_CHANGE_NAMES)[number];

const uuid = z.uuid();
const minor = z.number().int().safe();
const text = z.string().min(1).max(500);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const dueRow = z.looseObject({
  id: uuid,
  student_id: uuid,
  academic_year_id: uuid,
  installment_id: uuid.nullable(),
  head_id: uuid,
  kind: z.enum(['fee', 'fine', 'bounce_charge']),
  due_on: date,
  amount: minor.positive(),
});
const allocationRow = z.object({ payment_id: uuid, due_id: uuid, student_id: uuid, amount: minor.refine((n) => n !== 0, 'an allocation is never 0'), event_id: uuid.nullable() });
const creditRow = z.object({ studentId: uuid, amount: minor.refine((n) => n !== 0), kind: z.enum(['overpayment', 'applied', 'refund', 'reversal']) });
const studentView = z.looseObject({ id: uuid, admissionNo: text, version: z.number().int().positive(), baseVersion: z.number().int().positive() });

/** The arguments the server reads; the rest travel through to other desks as they are. */
export const MUTATION_ARGS = {
  'students.create': z.looseObject({ id: uuid, admission_no: text, full_name: text, version: z.literal(1) }),
  'students.update': studentView,
  'students.leave': studentView,
  'payments.record': z.object({
    payment: z.looseObject({
      id: uuid,
      receipt_no: text,
      desk_code: text,
      student_id: uuid,
      amount: minor.positive(),
      business_date: date,
      received_at: z.string().min(10),
      mode: text,
      qr: z.string().nullable(),
    }),
    allocations: z.array(allocationRow).max(10_000),
    credit: z.array(creditRow).max(100),
    fineDues: z.array(dueRow).max(1000),
    dueNet: z.record(uuid, minor.nonnegative()),
  }),
  'payments.cancel': z.looseObject({ paymentId: uuid, eventId: uuid, at: z.string(), reason: text }),
  'payments.bounce': z.looseObject({ paymentId: uuid, eventId: uuid, at: z.string(), bankReason: text, chargeDue: dueRow.nullable() }),
  'payments.refundCredit': z.looseObject({ id: uuid, studentId: uuid, amount: minor.positive() }),
  'payments.waive': z.looseObject({ id: uuid, dueId: uuid, amount: minor.positive(), fineDue: dueRow.nullable() }),
  'deskKeys.publish': z.looseObject({ key_id: z.string().regex(/^[0-9a-f]{16}$/), desk_code: text, public_key: z.base64().length(44) }),
} satisfies Partial<Record<MutationName, z.ZodType>>;

/** Any other mutation: an object naming the record it is about. */
export const GENERIC_ARGS = z.looseObject({});

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
  code: z.string().trim().toUpperCase().regex(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/, 'an enrollment code looks like ABCD-EFGH-JKLM'),
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
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/** The cookie is opaque to desks: the server's database epoch and the last change sequence sent. */
export function formatCookie(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

export function parseCookie(cookie: string): { epoch: string; seq: number } | null {
  const m = /^([0-9a-f]{16})\.(\d{1,15})$/.exec(cookie);
  return m ? { epoch: m[1]!, seq: Number(m[2]) } : null;
}

// Reading the audit trail (every mutation writes a row in its own transaction).
import { z } from 'zod';
import { channel } from './channel';
import { noInput } from './common';

/** The record a row is about, named as a person would (looked up for the whole page at once). */
export const auditSubject = z.object({
  /** The record's own name: a receipt no., class, user, year, fee head, structure, concession… (null when it has none). */
  name: z.string().nullable(),
  /** The student it concerns: the student row itself, a payment's payer, a concession's or a due's student. */
  student: z.object({ name: z.string(), admissionNo: z.string(), className: z.string().nullable() }).nullable(),
  /** The receipt no. of a payment row (printed, cancelled, bounced, cleared…). */
  receiptNo: z.string().nullable(),
});
export type AuditSubject = z.infer<typeof auditSubject>;

export const auditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  /** The user's full name (null for rows written by no one, e.g. maintenance). */
  userFullName: z.string().nullable(),
  subject: auditSubject,
  /** Names of the records the before/after details refer to by id (users, students, classes, sections, heads…). */
  names: z.record(z.string(), z.string()),
  deskCode: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

const finding = z.object({ table: z.string(), row: z.string(), problem: z.string() });

export const auditVerifyReport = z.object({
  intact: z.boolean(),
  rows: z.number().int(),
  checkpoints: z.number().int(),
  payments: z.number().int(),
  /** The first broken link of the chain (null when the chain holds). */
  firstBreak: finding.nullable(),
  /** Every mismatch found (the first 200): chain, checkpoints, payments and allocations against their audit rows. */
  findings: z.array(finding),
});
export type AuditVerifyReport = z.infer<typeof auditVerifyReport>;

export const auditChannels = {
  'audit.list': channel({
    input: z.strictObject({
      limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(500).default(100),
      beforeSeq: z.number({ error: 'must be a number' }).int('must be a whole number').positive().optional(),
    }),
    output: z.array(auditEntry),
    access: ['admin', 'accountant'],
  }),
  /** Walks the hash chain and its signed checkpoints, and checks the ledger against the trail (on the background worker). */
  'audit.verify': channel({ input: noInput, output: auditVerifyReport, access: ['admin', 'accountant'] }),
};

// The audit trail's way to the server, beside the outbox: the desk asks how far the server holds its chain
// (`/v1/audit/head`), then sends the rows after that point and its signed checkpoints (`/v1/audit/push`). The
// server re-hashes every row, checks each link and signature, stores what continues the chain and refuses the rest.
import { z } from 'zod';

/** A push carries at most this many rows (and about PUSH_TARGET_BYTES of them: a big row goes alone). */
export const AUDIT_PUSH_MAX_ROWS = 1000;
export const AUDIT_PUSH_MAX_CHECKPOINTS = 200;

/** What the server refuses a desk's chain for, and records as an alert. */
export const AUDIT_ALERT_KINDS = ['gap', 'fork', 'bad_checkpoint'] as const;
export type AuditAlertKind = (typeof AUDIT_ALERT_KINDS)[number];

const uuid = z.uuid();
const seq = z.number().int().positive().safe();
const position = z.number().int().nonnegative().safe();
const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash in hex');
const field = z.string().max(200);

/** An audit row as the desk holds it: every column the hash covers, and the two hashes. */
export const auditRowSchema = z.object({
  seq,
  id: field,
  at: field,
  user_id: field.nullable(),
  desk_code: field,
  action: field,
  entity: field,
  entity_id: field.nullable(),
  before_json: z.string().nullable(),
  after_json: z.string().nullable(),
  prev_hash: hash,
  hash,
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const auditCheckpointSchema = z.object({
  upto_seq: seq,
  desk_code: field,
  head_hash: hash,
  at: field,
  key_id: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.base64().max(200),
});
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

/** `seq`: the desk's last row. The server answers with its own hash at min(seq, heldUpTo), for the desk to compare. */
export const auditHeadRequestSchema = z.object({ deskId: uuid, schemaVersion: z.number().int(), seq: position });
export type AuditHeadRequest = z.infer<typeof auditHeadRequestSchema>;

export const auditHeadResponseSchema = z.object({
  /** The server holds this desk's rows 1..heldUpTo, each continuing the one before. */
  heldUpTo: position,
  /** The highest checkpoint the server holds for this desk. */
  checkpointUpTo: position,
  seq: position,
  /** The server's hash of row `seq` (null for 0: the chain's start). */
  hash: hash.nullable(),
});
export type AuditHeadResponse = z.infer<typeof auditHeadResponseSchema>;

export const auditPushRequestSchema = z
  .object({
    deskId: uuid,
    schemaVersion: z.number().int(),
    /** The row the desk starts from (its first row's seq, unless that row is missing: then the server calls it a gap). */
    from: seq,
    /** Rising seq order; may start at or before heldUpTo (rows the server holds are compared, not stored twice). */
    rows: z.array(auditRowSchema).max(AUDIT_PUSH_MAX_ROWS),
    checkpoints: z.array(auditCheckpointSchema).max(AUDIT_PUSH_MAX_CHECKPOINTS),
  })
  .refine((b) => b.rows.length + b.checkpoints.length > 0, 'send at least one row or checkpoint');
export type AuditPushRequest = z.infer<typeof auditPushRequestSchema>;

export const auditRefusalSchema = z.object({ kind: z.enum(AUDIT_ALERT_KINDS), seq: position, detail: z.string() });
export type AuditRefusal = z.infer<typeof auditRefusalSchema>;

/** 200 whether or not the chain was refused: what came before the refused item is kept, the rest is not. */
export const auditPushResponseSchema = z.object({
  heldUpTo: position,
  checkpointUpTo: position,
  /** Rows and checkpoints this push added (duplicates are not counted). */
  stored: z.object({ rows: position, checkpoints: position }),
  refused: auditRefusalSchema.nullable(),
});
export type AuditPushResponse = z.infer<typeof auditPushResponseSchema>;

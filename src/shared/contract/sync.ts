// The desk's side of sync: enrollment with the school's server, status for the light, and what the server refused.
import { z } from 'zod';
import { channel } from './channel';
import { noInput } from './common';

/** How long audit rows may wait on an enrolled desk before the Sync screen (and the server's /metrics) flag it. */
export const AUDIT_STALE_MINUTES = 15;

export const syncStatus = z.object({
  enrolled: z.boolean(),
  enabled: z.boolean(),
  serverUrl: z.string().nullable(),
  schoolName: z.string().nullable(),
  branchName: z.string().nullable(),
  /** null until the first attempt; true when the last attempt reached the server. */
  online: z.boolean().nullable(),
  syncing: z.boolean(),
  queue: z.number().int(),
  rejected: z.number().int(),
  alerts: z.number().int(),
  lastSuccessAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /**
   * A pull that brings many changes at once is running: a first pull (`fromStart`: enrolled just now, or resyncing from
   * the start) or catching up after a long time offline. `pulled`: changes applied so far. Payments can be taken meanwhile.
   */
  catchingUp: z.object({ fromStart: z.boolean(), pulled: z.number().int() }).nullable(),
  /** Set when the desk had to resync from the start (the server did not know its position or lost its changes). */
  resync: z.object({ reason: z.string(), at: z.string() }).nullable(),
  /** The audit chain on the server: rows here, rows the server confirmed holding, and its refusal while one stands. */
  audit: z.object({
    rows: z.number().int(),
    held: z.number().int(),
    /** kind: gap, fork or bad_checkpoint (also counted in `rejected` and listed first by sync.rejected). */
    refused: z.object({ kind: z.string(), seq: z.number().int().nullable(), reason: z.string(), at: z.string() }).nullable(),
    /** When the oldest audit row the server does not hold yet was written; null when it holds them all. */
    unsyncedSince: z.string().nullable(),
    /** An enrolled desk whose unsynced audit is older than AUDIT_STALE_MINUTES: its recent history is not yet tamper-evident. */
    stale: z.boolean(),
  }),
});
export type SyncStatus = z.infer<typeof syncStatus>;

export const rejectedItem = z.object({
  mutationId: z.number().int(),
  name: z.string(),
  createdAt: z.string(),
  reason: z.string(),
  /** The record as this desk sent it. */
  record: z.unknown(),
  /** For a stale edit: the server's winning version of the record. */
  server: z.unknown(),
});
export type RejectedItem = z.infer<typeof rejectedItem>;

export const syncAlert = z.object({
  id: z.string(),
  kind: z.string(),
  message: z.string(),
  amount: z.number().int().nullable(),
  studentId: z.string().nullable(),
  at: z.string(),
});

const serverUrl = z
  .url({ protocol: /^https?$/, error: 'must be the sync server address, such as https://sync.school.example or http://192.168.1.10:8787' })
  .max(200, 'must be at most 200 characters')
  .transform((u) => u.replace(/\/+$/, ''));

export const syncChannels = {
  'sync.status': channel({ input: noInput, output: syncStatus, access: 'session', passive: true }),
  'sync.enroll': channel({
    input: z.strictObject({
      serverUrl,
      code: z
        .string({ error: 'must be text' })
        .trim()
        .toUpperCase()
        .regex(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/, 'must look like ABCD-EFGH-JKLM (from the server administrator)'),
    }),
    output: syncStatus,
    access: ['admin'],
  }),
  'sync.setEnabled': channel({
    input: z.strictObject({ enabled: z.boolean({ error: 'must be true or false' }) }),
    output: syncStatus,
    access: ['admin'],
  }),
  'sync.now': channel({ input: noInput, output: syncStatus, access: 'session' }),
  'sync.rejected': channel({ input: noInput, output: z.array(rejectedItem), access: ['admin', 'accountant'] }),
  'sync.alerts': channel({ input: noInput, output: z.array(syncAlert), access: ['admin', 'accountant'] }),
};

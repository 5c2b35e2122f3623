// Reading the audit trail (every mutation writes a row in its own transaction).
import { z } from 'zod';
import { channel } from './channel';

export const auditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  deskCode: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditChannels = {
  'audit.list': channel({
    input: z.strictObject({
      limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(500).default(100),
      beforeSeq: z.number({ error: 'must be a number' }).int('must be a whole number').positive().optional(),
    }),
    output: z.array(auditEntry),
    access: ['admin', 'accountant'],
  }),
};

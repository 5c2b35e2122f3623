// Fee slips (demand notices) with a scannable student token, and resolving a scanned token.
import { z } from 'zod';
import { channel } from './channel';
import { id } from './common';
import { studentSummary } from './students';

export const slipsChannels = {
  'slips.print': channel({
    input: z
      .strictObject({
        studentIds: z.array(id).max(5000).optional(),
        classId: id.optional(),
        sectionId: id.optional(),
        perPage: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2 slips per A4 page' }).default(1),
        target: z.enum(['pdf', 'printer', 'dialog'], { error: 'must be pdf, printer or dialog' }),
      })
      .refine((v) => (v.studentIds?.length ?? 0) > 0 || v.classId, {
        message: 'is required unless studentIds are listed',
        path: ['classId'],
      }),
    output: z.object({ fileName: z.string(), base64: z.string(), slips: z.number() }),
    access: 'session',
  }),
  'slips.resolve': channel({
    input: z.strictObject({ token: z.string({ error: 'must be text' }).trim().min(1, 'is required').max(200) }),
    output: studentSummary,
    access: 'session',
  }),
};

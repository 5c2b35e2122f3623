// Concessions: requested by anyone, in force only once an accountant or admin approves with their own credentials.
import { z } from 'zod';
import { channel } from './channel';
import { approver, id, name, optionalText, positiveAmount } from './common';

export const concession = z.object({
  id: z.string(),
  yearId: z.string(),
  name: z.string(),
  kind: z.enum(['percent', 'fixed']),
  value: z.number(),
  target: z.enum(['student', 'category', 'sibling']),
  studentId: z.string().nullable(),
  studentName: z.string().nullable(),
  categoryId: z.string().nullable(),
  siblingRank: z.number().nullable(),
  headId: z.string().nullable(),
  headName: z.string().nullable(),
  reason: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  status: z.enum(['requested', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** Total taken off dues (approved only). */
  applied: z.number(),
});
export type Concession = z.infer<typeof concession>;

const request = z
  .strictObject({
    yearId: id,
    name: name(80),
    kind: z.enum(['percent', 'fixed'], { error: 'must be percent or fixed' }),
    /** percent: basis points (1000 = 10%); fixed: minor units. */
    value: positiveAmount,
    target: z.enum(['student', 'category', 'sibling'], { error: 'must be student, category or sibling' }),
    studentId: id.nullish().transform((v) => v ?? null),
    categoryId: id.nullish().transform((v) => v ?? null),
    siblingRank: z
      .number({ error: 'must be a number' })
      .int()
      .min(2, 'must be 2 or more (2 = second child)')
      .max(12)
      .nullish()
      .transform((v) => v ?? null),
    headId: id.nullish().transform((v) => v ?? null),
    reason: name(300),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'percent' && v.value > 10_000)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be at most 10000 basis points (100%)' });
    if (v.target === 'student' && !v.studentId)
      ctx.addIssue({ code: 'custom', path: ['studentId'], message: 'is required for a student concession' });
    if (v.target === 'category' && !v.categoryId)
      ctx.addIssue({ code: 'custom', path: ['categoryId'], message: 'is required for a category concession' });
    if (v.target === 'sibling' && !v.siblingRank)
      ctx.addIssue({ code: 'custom', path: ['siblingRank'], message: 'is required for a sibling rule' });
  });

export const concessionsChannels = {
  'concessions.list': channel({
    input: z.strictObject({ status: z.enum(['requested', 'approved', 'rejected']).optional() }),
    output: z.array(concession),
    access: 'session',
  }),
  'concessions.request': channel({ input: request, output: concession, access: 'session' }),
  'concessions.approve': channel({
    input: z.strictObject({ concessionId: id, approver, note: optionalText(200) }),
    output: concession,
    access: 'session',
  }),
  'concessions.reject': channel({
    input: z.strictObject({ concessionId: id, approver, note: name(200) }),
    output: concession,
    access: 'session',
  }),
};

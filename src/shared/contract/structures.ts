// Fee structures: heads x amounts per class and year, an installment plan, a late-fine rule; assignment makes dues.
import { z } from 'zod';
import { PLANS } from '../domain/installments';
import { channel } from './channel';
import { id, isoDate, name, nonNegativeAmount, positiveAmount } from './common';

const days = z.number({ error: 'must be a number of days' }).int('must be whole days').min(0, 'must not be negative').max(365);

export const fineRule = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('flat'), graceDays: days, amount: positiveAmount }),
    z.strictObject({ kind: z.literal('per_day'), graceDays: days, perDay: positiveAmount, cap: positiveAmount }),
    z.strictObject({
      kind: z.literal('slabs'),
      graceDays: days,
      slabs: z
        .array(z.strictObject({ fromDay: days, amount: positiveAmount }))
        .min(1, 'must have at least one slab')
        .refine((s) => s.every((slab, i) => i === 0 || slab.fromDay > s[i - 1]!.fromDay), 'must be in increasing fromDay order'),
    }),
  ],
  { error: 'must be a flat, per_day or slabs rule' },
);

export const structureInput = z.strictObject({
  yearId: id,
  classId: id,
  categoryId: id.nullish().transform((v) => v ?? null),
  name: name(100),
  plan: z.enum(PLANS, { error: `must be one of ${PLANS.join(', ')}` }),
  installments: z
    .array(z.strictObject({ label: name(40), dueOn: isoDate }))
    .min(1, 'must have at least one installment')
    .max(24, 'must have at most 24 installments')
    .refine((list) => list.every((x, i) => i === 0 || x.dueOn > list[i - 1]!.dueOn), 'due dates must increase'),
  heads: z
    .array(
      z.strictObject({
        headId: id,
        amount: positiveAmount,
        /** Per-installment amounts; omitted for an even split. */
        shares: z.array(nonNegativeAmount).optional(),
      }),
    )
    .min(1, 'must have at least one fee head')
    .refine((h) => new Set(h.map((x) => x.headId)).size === h.length, 'lists a fee head twice'),
  fineRule: fineRule.nullish().transform((v) => v ?? null),
});

export const structure = z.object({
  id: z.string(),
  yearId: z.string(),
  yearName: z.string(),
  classId: z.string(),
  className: z.string(),
  categoryId: z.string().nullable(),
  name: z.string(),
  plan: z.enum(PLANS),
  assignedAt: z.string().nullable(),
  total: z.number(),
  installments: z.array(z.object({ id: z.string(), seq: z.number(), label: z.string(), dueOn: z.string(), amount: z.number() })),
  heads: z.array(z.object({ headId: z.string(), name: z.string(), amount: z.number(), shares: z.array(z.number()) })),
  fineRule: fineRule.nullable(),
});
export type Structure = z.infer<typeof structure>;

export const structuresChannels = {
  'structures.list': channel({
    input: z.strictObject({ yearId: id.optional() }),
    output: z.array(structure),
    access: 'session',
  }),
  'structures.create': channel({ input: structureInput, output: structure, access: ['admin', 'accountant'] }),
  'structures.assign': channel({
    input: z.strictObject({ structureId: id }),
    output: z.object({ students: z.number(), duesCreated: z.number() }),
    access: ['admin', 'accountant'],
  }),
};

// Charges by student: plans of optional fees for a year (transport by route and stop, hostel, activities), assigned to
// chosen students from a day and stopped on another; and one-off charges to one student or many.
import { z } from 'zod';
import { channel } from './channel';
import { id, isoDate, name, nonNegativeAmount, positiveAmount } from './common';

const MANAGERS = ['admin', 'accountant'] as const;
export const CHARGE_KINDS = ['transport', 'hostel', 'activity', 'other'] as const;

const fares = z.array(nonNegativeAmount).min(1, 'must give a fare for each installment').max(24);

export const chargePlanInput = z
  .strictObject({
    yearId: id,
    headId: id,
    name: name(80),
    kind: z.enum(CHARGE_KINDS, { error: `must be one of ${CHARGE_KINDS.join(', ')}` }),
    installments: z
      .array(z.strictObject({ label: name(40), dueOn: isoDate }))
      .min(1, 'must have at least one installment')
      .max(24, 'must have at most 24 installments')
      .refine((list) => list.every((x, i) => i === 0 || x.dueOn > list[i - 1]!.dueOn), 'due dates must increase'),
    /** Transport: every stop of every route, with its fare for each installment. */
    stops: z
      .array(z.strictObject({ route: name(60), name: name(60), fares }))
      .max(500)
      .default([]),
    /** Any other plan: one fare for each installment. */
    fares: fares.optional(),
  })
  .superRefine((v, ctx) => {
    const count = v.installments.length;
    if (v.kind === 'transport') {
      if (v.stops.length === 0)
        ctx.addIssue({ code: 'custom', message: 'must list the stops of its routes, with their fares', path: ['stops'] });
      if (v.fares) ctx.addIssue({ code: 'custom', message: 'is for other plans: transport fares are given per stop', path: ['fares'] });
      const seen = new Set<string>();
      v.stops.forEach((s, i) => {
        const key = `${s.route.toLowerCase()}|${s.name.toLowerCase()}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `lists ${s.name} on ${s.route} twice`, path: ['stops', i, 'name'] });
        seen.add(key);
        if (s.fares.length !== count)
          ctx.addIssue({ code: 'custom', message: `gives ${s.fares.length} fares for ${count} installments`, path: ['stops', i, 'fares'] });
      });
    } else {
      if (v.stops.length > 0) ctx.addIssue({ code: 'custom', message: 'are for transport plans only', path: ['stops'] });
      if (!v.fares) ctx.addIssue({ code: 'custom', message: 'must give a fare for each installment', path: ['fares'] });
      else if (v.fares.length !== count)
        ctx.addIssue({ code: 'custom', message: `gives ${v.fares.length} fares for ${count} installments`, path: ['fares'] });
    }
  });

export const chargePlan = z.object({
  id: z.string(),
  yearId: z.string(),
  yearName: z.string(),
  headId: z.string(),
  headName: z.string(),
  name: z.string(),
  kind: z.enum(CHARGE_KINDS),
  installments: z.array(z.object({ id: z.string(), seq: z.number(), label: z.string(), dueOn: z.string() })),
  /** Transport's stops (by route), each with its fares; empty for other plans. */
  stops: z.array(z.object({ id: z.string(), route: z.string(), name: z.string(), fares: z.array(z.number()) })),
  /** Other plans' fares, one per installment; empty for transport. */
  fares: z.array(z.number()),
  /** Students on the plan now (assigned and not stopped). */
  students: z.number(),
});
export type ChargePlan = z.infer<typeof chargePlan>;

export const studentChargeView = z.object({
  id: z.string(),
  studentId: z.string(),
  planId: z.string(),
  planName: z.string(),
  kind: z.enum(CHARGE_KINDS),
  stop: z.string().nullable(),
  startsOn: z.string(),
  stopsOn: z.string().nullable(),
  stopReason: z.string().nullable(),
  /** Its dues: charged, taken off (waived on stopping, concessions), paid, still owed. */
  charged: z.number(),
  waived: z.number(),
  paid: z.number(),
  balance: z.number(),
});

const studentIds = z.array(id).min(1, 'must list at least one student').max(10_000, 'at most 10,000 students at a time');

export const chargesChannels = {
  'charges.plans': channel({ input: z.strictObject({ yearId: id.optional() }), output: z.array(chargePlan), access: 'session' }),
  'charges.createPlan': channel({ input: chargePlanInput, output: chargePlan, access: MANAGERS }),
  /** Puts students on a plan from a day (their dues from the installment in force that day), optionally until another. */
  'charges.assign': channel({
    input: z
      .strictObject({
        planId: id,
        studentIds,
        /** Transport: the stop they board at. */
        stopId: id.nullish().transform((v) => v ?? null),
        startsOn: isoDate,
        stopsOn: isoDate.nullish().transform((v) => v ?? null),
      })
      .refine((v) => v.stopsOn === null || v.stopsOn >= v.startsOn, { message: 'must not be before the start', path: ['stopsOn'] }),
    output: z.object({ assigned: z.number(), duesCreated: z.number(), amount: z.number() }),
    access: MANAGERS,
  }),
  /** Takes a student off a plan from a day: the dues falling after it are waived with the reason. */
  'charges.stop': channel({
    input: z.strictObject({ assignmentId: id, stopsOn: isoDate, reason: name(200) }),
    output: z.object({ duesWaived: z.number(), amountWaived: z.number(), paidAfterStop: z.number() }),
    access: MANAGERS,
  }),
  'charges.forStudent': channel({ input: z.strictObject({ studentId: id }), output: z.array(studentChargeView), access: 'session' }),
  /** A charge once (a trip, a lost ID card, books) to one student or many: a due each, on the day given. */
  'charges.oneOff': channel({
    input: z.strictObject({ studentIds, headId: id, label: name(80), amount: positiveAmount, dueOn: isoDate }),
    output: z.object({ duesCreated: z.number(), amount: z.number() }),
    access: MANAGERS,
  }),
};

// The school year's end: rolling the current year over into the next (structures copied with a change per head,
// students promoted by a class map with exceptions), reviewed first, then done once with a second person's approval.
import { z } from 'zod';
import { channel } from './channel';
import { approver, id, isoDate, name } from './common';

const ADMIN = ['admin'] as const;

/** Where a class's students go: the next class (sections by name, or as mapped), or out of the school as graduates. */
const classMove = z.strictObject({
  fromClassId: id,
  /** null: the students of this class graduate (alumni). */
  toClassId: id.nullable(),
  /** Section by section, where the default (the section of the same name in the next class, added if missing) is wrong. */
  sections: z
    .array(z.strictObject({ fromSectionId: id, toSectionId: id.nullable() }))
    .max(50)
    .default([]),
});

const exception = z.discriminatedUnion(
  'outcome',
  [
    /** Stays in the class (in the section given, else the same one). */
    z.strictObject({ studentId: id, outcome: z.literal('detained'), sectionId: id.nullish(), reason: name(200) }),
    /** Leaves the school at the end of the year: no dues in the new year. */
    z.strictObject({ studentId: id, outcome: z.literal('left'), reason: name(200) }),
    /** Promoted as the map says, into another section of the next class. */
    z.strictObject({ studentId: id, outcome: z.literal('section'), sectionId: id, reason: name(200).optional() }),
  ],
  { error: 'outcome must be detained, left or section' },
);

const feeChange = z.strictObject({
  headId: id,
  /** Hundredths of a percent: 750 is +7.5%, -1000 is -10%. */
  basisPoints: z
    .number({ error: 'must be a number' })
    .int('must be whole hundredths of a percent')
    .min(-5000, 'must not cut a fee by more than 50%')
    .max(10000, 'must not raise a fee by more than 100%'),
});

export const rolloverInput = z
  .strictObject({
    /** The year being closed: the current one (its id guards against rolling over a year twice from two windows). */
    fromYearId: id,
    newYear: z
      .strictObject({
        name: z.string({ error: 'must be text' }).regex(/^\d{4}-\d{2}$/, 'must look like 2027-28'),
        startsOn: isoDate,
        endsOn: isoDate,
      })
      .refine((v) => v.startsOn < v.endsOn, { message: 'must be after the start date', path: ['endsOn'] }),
    classes: z.array(classMove).min(1, 'must map at least one class').max(100),
    exceptions: z.array(exception).max(5000).default([]),
    fees: z
      .strictObject({
        changes: z.array(feeChange).max(100).default([]),
        /** Each new installment amount is rounded to a multiple of this (minor units: 1000 is ₹10). */
        roundTo: z.number({ error: 'must be a number' }).int('must be whole paise').min(1).max(1_000_000).default(100),
      })
      .default({ changes: [], roundTo: 100 }),
    /** Approved concessions of the closing year carried into the new one (those of students who stay). */
    carryConcessions: z.boolean({ error: 'must be true or false' }).default(true),
  })
  .superRefine((v, ctx) => {
    const seen = new Map<string, number>();
    v.classes.forEach((c, i) => {
      const first = seen.get(c.fromClassId);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `maps a class a second time (first in row ${first + 1})`,
          path: ['classes', i, 'fromClassId'],
        });
      else seen.set(c.fromClassId, i);
    });
    const students = new Map<string, number>();
    v.exceptions.forEach((e, i) => {
      const first = students.get(e.studentId);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `lists a student a second time (first in row ${first + 1})`,
          path: ['exceptions', i, 'studentId'],
        });
      else students.set(e.studentId, i);
    });
    const heads = new Set<string>();
    v.fees.changes.forEach((c, i) => {
      if (heads.has(c.headId))
        ctx.addIssue({ code: 'custom', message: 'changes a fee head a second time', path: ['fees', 'changes', i, 'headId'] });
      heads.add(c.headId);
    });
  });
export type RolloverInput = z.output<typeof rolloverInput>;

const count = z.number().int();

/** What a rollover does (the review before it, and its result after). */
export const rolloverReview = z.object({
  fromYear: z.object({ id: z.string(), name: z.string() }),
  toYear: z.object({ id: z.string().nullable(), name: z.string(), startsOn: z.string(), endsOn: z.string(), exists: z.boolean() }),
  classes: z.array(
    z.object({
      fromClassId: z.string(),
      fromClass: z.string(),
      /** The next class's name, or null for graduates. */
      toClass: z.string().nullable(),
      students: count,
      promoted: count,
      sections: z.array(z.object({ from: z.string(), to: z.string().nullable(), students: count, added: z.boolean() })),
    }),
  ),
  exceptions: z.array(
    z.object({
      studentId: z.string(),
      admissionNo: z.string(),
      name: z.string(),
      fromClass: z.string(),
      fromSection: z.string().nullable(),
      outcome: z.enum(['detained', 'left', 'section']),
      toClass: z.string().nullable(),
      toSection: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
  structures: z.array(
    z.object({
      className: z.string(),
      categoryName: z.string().nullable(),
      name: z.string(),
      oldTotal: z.number(),
      newTotal: z.number(),
      /** The new year had a structure for this class and category already: it is kept, not copied over. */
      kept: z.boolean(),
      firstDueOn: z.string(),
    }),
  ),
  totals: z.object({
    promoted: count,
    detained: count,
    left: count,
    graduated: count,
    /** The new year's fees before concessions: each student's structure in the new class, whole year. */
    newFees: z.number(),
    concessionsCarried: count,
    /** Dues of the closing year still unpaid: they stay in their year, collectible as arrears. */
    arrears: z.number(),
    studentsWithArrears: count,
  }),
  /** Things the admin should know that do not stop the rollover (a class with no structure in the new year…). */
  warnings: z.array(z.string()),
});
export type RolloverReview = z.infer<typeof rolloverReview>;

export const rolloverResult = rolloverReview.extend({
  rolloverId: z.string(),
  at: z.string(),
  duesCreated: count,
  /** The year had been rolled over already (by this request or another desk's): nothing was written. */
  alreadyDone: z.boolean(),
});

export const yearsChannels = {
  /** What the rollover would do, written nowhere: the review screen. */
  'years.rolloverPreview': channel({ input: rolloverInput, output: rolloverReview, access: ADMIN }),
  /** The rollover, in one transaction, with a second person's approval; again for the same year changes nothing. */
  'years.rollover': channel({
    input: z.strictObject({ plan: rolloverInput, approver }),
    output: rolloverResult,
    access: ADMIN,
  }),
};

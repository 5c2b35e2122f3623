// School master data: academic years, classes and sections, categories, fee heads.
import { z } from 'zod';
import { channel } from './channel';
import { id, isoDate, name, noInput } from './common';

export const academicYear = z.object({
  id: z.string(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  isCurrent: z.boolean(),
  /** When the rollover into the next year closed it; null while open. */
  closedAt: z.string().nullable(),
});
export const schoolClass = z.object({
  id: z.string(),
  name: z.string(),
  sortOrder: z.number(),
  sections: z.array(z.object({ id: z.string(), name: z.string() })),
});
export const category = z.object({ id: z.string(), name: z.string() });
export const feeHead = z.object({
  id: z.string(),
  name: z.string(),
  taxRateBp: z.number(),
  systemCode: z.string().nullable(),
  /** A refundable deposit (caution money): held for the student and paid back, never fee income. */
  deposit: z.boolean(),
});

export const masters = z.object({
  years: z.array(academicYear),
  classes: z.array(schoolClass),
  categories: z.array(category),
  heads: z.array(feeHead),
});
export type Masters = z.infer<typeof masters>;
export type SchoolClass = z.infer<typeof schoolClass>;

const MANAGERS = ['admin', 'accountant'] as const;

export const mastersChannels = {
  'masters.get': channel({ input: noInput, output: masters, access: 'session' }),
  'masters.createYear': channel({
    input: z
      .strictObject({
        name: z.string({ error: 'must be text' }).regex(/^\d{4}-\d{2}$/, 'must look like 2026-27'),
        startsOn: isoDate,
        endsOn: isoDate,
        makeCurrent: z.boolean({ error: 'must be true or false' }).default(false),
      })
      .refine((v) => v.startsOn < v.endsOn, { message: 'must be after the start date', path: ['endsOn'] }),
    output: academicYear,
    access: MANAGERS,
  }),
  'masters.setCurrentYear': channel({ input: z.strictObject({ yearId: id }), output: academicYear, access: MANAGERS }),
  'masters.createClass': channel({
    input: z.strictObject({
      name: name(40),
      sortOrder: z.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(1000),
      sections: z.array(name(20)).max(26, 'at most 26 sections').default([]),
    }),
    output: schoolClass,
    access: MANAGERS,
  }),
  'masters.addSection': channel({ input: z.strictObject({ classId: id, name: name(20) }), output: schoolClass, access: MANAGERS }),
  'masters.createCategory': channel({ input: z.strictObject({ name: name(60) }), output: category, access: MANAGERS }),
  'masters.createHead': channel({
    input: z.strictObject({
      name: name(60),
      taxRateBp: z
        .number({ error: 'must be a number of basis points' })
        .int('must be whole basis points (1800 = 18%)')
        .min(0, 'must not be negative')
        .max(10_000, 'must be at most 10000 (100%)')
        .default(0),
      deposit: z.boolean({ error: 'must be true or false' }).default(false),
    }),
    output: feeHead,
    access: MANAGERS,
  }),
};

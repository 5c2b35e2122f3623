// The school year's changes: charge plans and charges by student, and the year-end rollover (sync schema 4).
import { z } from 'zod';
import { concessionRow, date, dueRow, instant, minor, optionalText, structureArgs, text, uuid, waiverRow } from './rows';

export const SCHOOL_YEAR_ARGS = {
  'charges.plan': z.object({
    id: uuid,
    yearId: uuid,
    headId: uuid,
    name: text,
    kind: z.enum(['transport', 'hostel', 'activity', 'other']),
    installments: z
      .array(z.object({ id: uuid, seq: z.number().int().positive(), label: text, dueOn: date }))
      .min(1)
      .max(24),
    stops: z.array(z.object({ id: uuid, route: text, name: text, fares: z.array(minor.nonnegative()).max(24) })).max(500),
    fares: z.array(minor.nonnegative()).max(24),
  }),
  /** Students put on a plan, and the dues it made for them. */
  'charges.assign': z.object({
    assignments: z
      .array(
        z.object({
          id: uuid,
          student_id: uuid,
          plan_id: uuid,
          stop_id: uuid.nullable(),
          starts_on: date,
          stops_on: date.nullable(),
          stop_reason: optionalText,
          created_at: instant,
          by_user: uuid,
        }),
      )
      .min(1)
      .max(10_000),
    dues: z.array(dueRow).max(240_000),
  }),
  'charges.stop': z.object({ id: uuid, stopsOn: date, reason: text, waivers: z.array(waiverRow).max(1000) }),
  'charges.oneOff': z.object({ dues: z.array(dueRow).min(1).max(10_000) }),
  // The year-end rollover, whole: each desk writes the same rows from it and derives the new year's dues itself.
  'years.rollover': z.object({
    id: uuid,
    fromYearId: uuid,
    toYear: z.object({ id: uuid, name: text, startsOn: date, endsOn: date }),
    /** The day the closing year ends: the leaving day of those who leave or graduate with it. */
    closedOn: date,
    at: instant,
    requestedBy: uuid,
    approvedBy: uuid,
    structures: z.array(structureArgs).max(5000),
    /** The new year's own structures, made before the rollover, that it assigns. */
    assignStructureIds: z.array(uuid).max(5000),
    sections: z.array(z.object({ id: uuid, classId: uuid, name: text })).max(5000),
    concessions: z.array(concessionRow).max(200_000),
    moves: z
      .array(
        z
          .object({
            fromClassId: uuid,
            fromSectionId: uuid.nullable(),
            toClassId: uuid,
            toSectionId: uuid.nullable(),
            outcome: z.enum(['promoted', 'detained', 'left', 'graduated']),
            reason: optionalText,
            studentIds: z.array(uuid).min(1).max(500_000),
            /** Each student's version after the move (the one it had on the desk that rolled over, plus one). */
            versions: z.array(z.number().int().positive()).max(500_000),
          })
          .refine((m) => m.versions.length === m.studentIds.length, 'must give a version for each student'),
      )
      .max(20_000),
  }),
};

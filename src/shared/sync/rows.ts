// The pieces the sync protocol's messages are made of: ids, amounts, dates, and the rows a change carries (dues,
// allocations, waivers, concessions, a student as desks edit it).
import { z } from 'zod';
import { structure } from '../contract/structures';
import { student } from '../contract/students';

export const uuid = z.uuid();
export const minor = z.number().int().safe();
export const text = z.string().min(1).max(500);
export const optionalText = z.string().max(500).nullable();
export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
export const userId = uuid.nullable();

export const dayCloseRow = z.object({
  id: uuid,
  desk_code: text,
  business_date: date,
  at: instant,
  by_user: uuid,
  expected_json: z.string().max(2000).nullable(),
  counted_json: z.string().max(2000).nullable(),
  denominations_json: z.string().max(2000).nullable(),
  variance: minor.nullable(),
  note: optionalText,
});

export const concessionRow = z.object({
  id: uuid,
  academic_year_id: uuid,
  name: text,
  kind: z.enum(['percent', 'fixed']),
  value: minor.positive(),
  target: z.enum(['student', 'category', 'sibling']),
  student_id: uuid.nullable(),
  category_id: uuid.nullable(),
  sibling_rank: z.number().int().positive().nullable(),
  head_id: uuid.nullable(),
  reason: text,
  requested_by: uuid,
  requested_at: instant,
});

export const structureArgs = structure.extend({ id: uuid, yearId: uuid, classId: uuid });

export const dueRow = z.object({
  id: uuid,
  student_id: uuid,
  academic_year_id: uuid,
  installment_id: uuid.nullable(),
  head_id: uuid,
  kind: z.enum(['fee', 'fine', 'bounce_charge']),
  due_on: date,
  amount: minor.positive(),
  created_at: instant,
  source_id: uuid.nullable(),
  /** A charge's own name for the due (desks before charges send none). */
  label: z.string().min(1).max(120).nullable().optional(),
});
export const allocationRow = z.object({
  payment_id: uuid,
  due_id: uuid,
  student_id: uuid,
  amount: minor.refine((n) => n !== 0, 'an allocation is never 0'),
  event_id: uuid.nullable(),
});
export const creditRow = z.object({ studentId: uuid, amount: minor.refine((n) => n !== 0), kind: z.enum(['overpayment', 'applied']) });
export const waiverRow = z.object({ id: uuid, due_id: uuid, amount: minor.positive(), reason: text, approved_by: userId, at: instant });
export const studentView = student.extend({
  id: uuid,
  admissionNo: text,
  version: z.number().int().positive(),
  baseVersion: z.number().int().positive(),
});

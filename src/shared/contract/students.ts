// Students and families: records, instant search, leaving (future dues waived).
import { z } from 'zod';
import { channel } from './channel';
import { id, isoDate, name } from './common';

export const STUDENT_STATUSES = ['active', 'left', 'alumni'] as const;

/** Admission numbers travel in every receipt QR, which must stay small enough to scan. */
export const MAX_ADMISSION_NO = 20;

export const studentSummary = z.object({
  id: z.string(),
  admissionNo: z.string(),
  fullName: z.string(),
  className: z.string(),
  section: z.string().nullable(),
  guardianName: z.string(),
  phone: z.string(),
  status: z.enum(STUDENT_STATUSES),
  familyId: z.string().nullable(),
});
export type StudentSummary = z.infer<typeof studentSummary>;

export const student = studentSummary.extend({
  classId: z.string(),
  sectionId: z.string().nullable(),
  phone2: z.string().nullable(),
  email: z.string().nullable(),
  categoryId: z.string().nullable(),
  joinedOn: z.string(),
  leftOn: z.string().nullable(),
  version: z.number(),
});
export type Student = z.infer<typeof student>;

/** An open due that leaving would waive: what is left of it, in minor units. */
export const waivedDue = z.object({ dueId: z.string(), installment: z.string(), head: z.string(), dueOn: z.string(), balance: z.number() });
export type WaivedDue = z.infer<typeof waivedDue>;

/** One academic year of what a student still owes: open dues (levied fines among them), late fines earned to date. */
export const owedYear = z.object({ yearId: z.string(), yearName: z.string(), dues: z.number(), fines: z.number(), total: z.number() });
export type OwedYear = z.infer<typeof owedYear>;

/** What a student still owes as of a day, year by year (only years with something owed), and the advance credit the school holds for them. */
export const owed = z.object({ asOf: z.string(), years: z.array(owedYear), total: z.number(), credit: z.number() });
export type Owed = z.infer<typeof owed>;

const phone = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^\+?[\d\s()-]{6,20}$/, 'must be a phone number (digits, spaces, +, -, parentheses)');

const studentFields = {
  admissionNo: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'is required')
    .max(MAX_ADMISSION_NO, `must be at most ${MAX_ADMISSION_NO} characters (it is in every receipt QR)`)
    .regex(/^[A-Za-z0-9/._-]+$/, 'may use letters, digits and / . _ - only'),
  fullName: name(120),
  classId: id,
  sectionId: id.nullish().transform((v) => v ?? null),
  guardianName: name(120),
  phone,
  phone2: phone.nullish().transform((v) => v ?? null),
  email: z
    .email({ error: 'must be an email address' })
    .nullish()
    .transform((v) => v ?? null),
  categoryId: id.nullish().transform((v) => v ?? null),
  familyId: id.nullish().transform((v) => v ?? null),
  joinedOn: isoDate,
};

// The admission number and joining date are fixed once dues exist; everything else can be edited.
const { admissionNo: _admissionNo, joinedOn: _joinedOn, ...editableFields } = studentFields;

export const studentsChannels = {
  'students.search': channel({
    input: z.strictObject({
      query: z.string({ error: 'must be text' }).max(100, 'must be at most 100 characters'),
      limit: z.number({ error: 'must be a number' }).int().min(1).max(100).default(20),
    }),
    output: z.array(studentSummary),
    access: 'session',
  }),
  'students.list': channel({
    input: z.strictObject({
      classId: id.optional(),
      status: z.enum(STUDENT_STATUSES, { error: 'must be active, left or alumni' }).optional(),
      offset: z.number({ error: 'must be a number' }).int().min(0).default(0),
      limit: z.number({ error: 'must be a number' }).int().min(1).max(500).default(100),
    }),
    output: z.object({ total: z.number(), students: z.array(studentSummary) }),
    access: 'session',
  }),
  'students.get': channel({ input: z.strictObject({ studentId: id }), output: student, access: 'session' }),
  'students.create': channel({ input: z.strictObject(studentFields), output: student, access: ['admin', 'accountant'] }),
  'students.update': channel({
    input: z.strictObject({
      studentId: id,
      version: z.number({ error: 'must be the version you edited' }).int().positive(),
      ...editableFields,
    }),
    output: student,
    access: ['admin', 'accountant'],
  }),
  'students.leave': channel({
    input: z.strictObject({
      studentId: id,
      leftOn: isoDate,
      status: z.enum(['left', 'alumni'], { error: 'must be left or alumni' }).default('left'),
      reason: name(200),
    }),
    output: z.object({ student, duesWaived: z.number(), amountWaived: z.number() }),
    access: ['admin', 'accountant'],
  }),
  // What leaving on a date would waive (the open dues that fall due after it) and what would still be owed (the rest, and
  // fines to date, year by year), shown before anyone confirms.
  'students.leavePreview': channel({
    input: z.strictObject({ studentId: id, leftOn: isoDate }),
    output: z.object({ dues: z.array(waivedDue), total: z.number(), owed }),
    access: ['admin', 'accountant'],
  }),
  // A left or passed-out student's no-dues certificate, refused while anything is owed; later prints say DUPLICATE.
  'students.noDuesCertificate': channel({
    input: z.strictObject({ studentId: id, target: z.enum(['pdf', 'printer', 'dialog'], { error: 'must be pdf, printer or dialog' }) }),
    output: z.object({ fileName: z.string(), base64: z.string(), certificateNo: z.string(), copyNo: z.number() }),
    access: ['admin', 'accountant'],
  }),
  'families.create': channel({
    input: z.strictObject({ name: name(120), studentIds: z.array(id).min(1, 'must list at least one student').max(12) }),
    output: z.object({ id: z.string(), name: z.string(), studentIds: z.array(z.string()) }),
    access: ['admin', 'accountant'],
  }),
  'families.get': channel({
    input: z.strictObject({ familyId: id }),
    output: z.object({ id: z.string(), name: z.string(), students: z.array(studentSummary) }),
    access: 'session',
  }),
};

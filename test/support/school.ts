// A small school built through the contract, the way an admin would set one up.
import type { TestDesk } from './harness';

export interface SmallSchool {
  yearId: string;
  classId: string;
  sectionId: string;
  heads: { tuition: string; transport: string; exam: string };
  categories: { general: string; staff: string };
  structureId: string;
  installments: { id: string; dueOn: string; label: string }[];
}

/** Year 2026-27; Class 5 (A, B); Tuition 12,000 + Transport 6,000 + Exam 2,000 over 4 quarters; ₹10/day fine after 10 days, capped at ₹500. */
export async function seedSmallSchool(desk: TestDesk): Promise<SmallSchool> {
  const year = await desk.ok('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  const cls = await desk.ok('masters.createClass', { name: 'Class 5', sortOrder: 5, sections: ['A', 'B'] });
  const tuition = await desk.ok('masters.createHead', { name: 'Tuition' });
  const transport = await desk.ok('masters.createHead', { name: 'Transport' });
  const exam = await desk.ok('masters.createHead', { name: 'Exam' });
  const general = await desk.ok('masters.createCategory', { name: 'General' });
  const staff = await desk.ok('masters.createCategory', { name: 'Staff child' });
  const structure = await desk.ok('structures.create', {
    yearId: year.id,
    classId: cls.id,
    name: 'Class 5 — 2026-27',
    plan: 'quarterly',
    installments: [
      { label: 'Quarter 1', dueOn: '2026-04-10' },
      { label: 'Quarter 2', dueOn: '2026-07-10' },
      { label: 'Quarter 3', dueOn: '2026-10-10' },
      { label: 'Quarter 4', dueOn: '2027-01-10' },
    ],
    heads: [
      { headId: tuition.id, amount: 12_000_00 },
      { headId: transport.id, amount: 6_000_00 },
      { headId: exam.id, amount: 2_000_00, shares: [0, 1_000_00, 0, 1_000_00] },
    ],
    fineRule: { kind: 'per_day', graceDays: 10, perDay: 10_00, cap: 500_00 },
  });
  await desk.ok('structures.assign', { structureId: structure.id });
  return {
    yearId: year.id,
    classId: cls.id,
    sectionId: cls.sections[0]!.id,
    heads: { tuition: tuition.id, transport: transport.id, exam: exam.id },
    categories: { general: general.id, staff: staff.id },
    structureId: structure.id,
    installments: structure.installments.map((i) => ({ id: i.id, dueOn: i.dueOn, label: i.label })),
  };
}

let admission = 0;

export async function admit(
  desk: TestDesk,
  school: SmallSchool,
  overrides: Partial<{ fullName: string; joinedOn: string; categoryId: string | null; familyId: string | null; phone: string }> = {},
) {
  admission += 1;
  return desk.ok('students.create', {
    admissionNo: `A-${String(admission).padStart(4, '0')}`,
    fullName: overrides.fullName ?? `Student ${admission}`,
    classId: school.classId,
    sectionId: school.sectionId,
    guardianName: 'Guardian',
    phone: overrides.phone ?? `98450${String(admission).padStart(5, '0')}`,
    categoryId: overrides.categoryId ?? null,
    familyId: overrides.familyId ?? null,
    joinedOn: overrides.joinedOn ?? '2026-04-01',
  });
}

/**
 * Kavya Nair, Class 5-A. 2025-26: Tuition ₹5,000 due 10 Apr 2025 (₹250 flat fine after 10 days), ₹2,000 paid
 * with ₹300 over as advance credit. 2026-27 (made current a year on): Tuition ₹1,500 due 10 Apr 2026, no fine.
 * Call it on a set-up school with the clock on 2 Apr 2025; the clock ends on 15 Apr 2026.
 */
export async function studentOverTwoYears(desk: TestDesk) {
  const yearA = await desk.ok('masters.createYear', { name: '2025-26', startsOn: '2025-04-01', endsOn: '2026-03-31', makeCurrent: true });
  const cls = await desk.ok('masters.createClass', { name: 'Class 5', sortOrder: 5, sections: ['A'] });
  const tuition = await desk.ok('masters.createHead', { name: 'Tuition' });
  const structureA = await desk.ok('structures.create', {
    yearId: yearA.id,
    classId: cls.id,
    name: 'Class 5 — 2025-26',
    plan: 'annual',
    installments: [{ label: 'Annual', dueOn: '2025-04-10' }],
    heads: [{ headId: tuition.id, amount: 5_000_00 }],
    fineRule: { kind: 'flat', graceDays: 10, amount: 250_00 },
  });
  await desk.ok('structures.assign', { structureId: structureA.id });
  const kavya = await desk.ok('students.create', {
    admissionNo: 'A-104',
    fullName: 'Kavya Nair',
    classId: cls.id,
    sectionId: cls.sections[0]!.id,
    guardianName: 'Vikram Rao',
    phone: '98450 12345',
    joinedOn: '2025-04-01',
  });
  const open = await desk.ok('payments.openDues', { studentIds: [kavya.id], asOf: '2025-04-02' });
  await desk.ok('payments.record', {
    studentIds: [kavya.id],
    amount: 2_300_00,
    method: { mode: 'cash' },
    allocations: [{ key: open.items[0]!.key, amount: 2_000_00 }],
  });

  await desk.travelTo('2026-04-01T05:00:00Z');
  const yearB = await desk.ok('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  const structureB = await desk.ok('structures.create', {
    yearId: yearB.id,
    classId: cls.id,
    name: 'Class 5 — 2026-27',
    plan: 'annual',
    installments: [{ label: 'Annual', dueOn: '2026-04-10' }],
    heads: [{ headId: tuition.id, amount: 1_500_00 }],
  });
  await desk.ok('structures.assign', { structureId: structureB.id });
  await desk.travelTo('2026-04-15T05:00:00Z');
  return { kavya, yearA, yearB };
}

// A school at the end of its year, for the rollover's tests: Class 5 (A, B) and Class 6 (A) in 2026-27, each with a
// structure assigned, a handful of students, and the usual year-end request (5 → 6, 6 graduates).
import type { InputOf } from '../../src/shared/contract';
import type { TestDesk } from './harness';
import { admit, seedSmallSchool, type SmallSchool } from './school';
import { ACCOUNTANT } from './staff';

export interface YearSchool extends SmallSchool {
  class6: { id: string; sectionA: string };
  class6StructureId: string;
  students: { asha: string; bala: string; chitra: string; dev: string; esha: string };
}

export { ACCOUNTANT };

/** The school, with an accountant to approve (two-step sign-in set up by the harness at first use). */
export async function seedYearSchool(desk: TestDesk): Promise<YearSchool> {
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  const school = await seedSmallSchool(desk);
  const class6 = await desk.ok('masters.createClass', { name: 'Class 6', sortOrder: 6, sections: ['A'] });
  const structure = await desk.ok('structures.create', {
    yearId: school.yearId,
    classId: class6.id,
    name: 'Class 6 — 2026-27',
    plan: 'termwise',
    installments: [
      { label: 'Term 1', dueOn: '2026-04-15' },
      { label: 'Term 2', dueOn: '2026-10-15' },
    ],
    heads: [{ headId: school.heads.tuition, amount: 14_000_00 }],
    fineRule: null,
  });
  await desk.ok('structures.assign', { structureId: structure.id });
  const asha = await admit(desk, school, { fullName: 'Asha Rao' });
  const bala = await admit(desk, school, { fullName: 'Bala Iyer' });
  const chitra = await admit(desk, school, { fullName: 'Chitra Nair' });
  const dev = await admit(desk, school, { fullName: 'Dev Menon' });
  const esha = await desk.ok('students.create', {
    admissionNo: 'S6-001',
    fullName: 'Esha Pillai',
    classId: class6.id,
    sectionId: class6.sections[0]!.id,
    guardianName: 'Guardian',
    phone: '9845099999',
    categoryId: null,
    familyId: null,
    joinedOn: '2026-04-01',
  });
  return {
    ...school,
    class6: { id: class6.id, sectionA: class6.sections[0]!.id },
    class6StructureId: structure.id,
    students: { asha: asha.id, bala: bala.id, chitra: chitra.id, dev: dev.id, esha: esha.id },
  };
}

/** 5 → 6 (sections by name), 6 graduates; tuition up 10% rounded to ₹10; Bala detained, Chitra leaves. */
export function yearEndPlan(school: YearSchool): InputOf<'years.rolloverPreview'> {
  return {
    fromYearId: school.yearId,
    newYear: { name: '2027-28', startsOn: '2027-04-01', endsOn: '2028-03-31' },
    classes: [
      { fromClassId: school.classId, toClassId: school.class6.id },
      { fromClassId: school.class6.id, toClassId: null },
    ],
    exceptions: [
      { studentId: school.students.bala, outcome: 'detained', reason: 'Attendance below 75%' },
      { studentId: school.students.chitra, outcome: 'left', reason: 'Family moved to Pune' },
    ],
    fees: { changes: [{ headId: school.heads.tuition, basisPoints: 1000 }], roundTo: 10_00 },
  };
}

// The year-end rollover on one desk: the review, the rollover itself (structures, promotion, the new year's dues),
// a second run that changes nothing, the closed year, arrears still collected, and every bad request refused whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { sql } from 'kysely';
import { ADMIN, openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { ACCOUNTANT, seedYearSchool, yearEndPlan, type YearSchool } from '../support/year-school';

const errorOf = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal, got success');
  return r.error;
};

let desk: TestDesk;
let school: YearSchool;

beforeEach(async () => {
  desk = await openTestDesk();
  await setUpSchool(desk);
  school = await seedYearSchool(desk);
  // Asha pays the first quarter's tuition and transport; the rest of 2026-27 stays owed.
  await desk.ok('payments.record', { studentIds: [school.students.asha], amount: 4_500_00, method: { mode: 'cash' } });
  await desk.travelTo('2027-03-20T05:00:00.000Z');
});

afterEach(async () => {
  await desk.close();
});

/** What a rollover writes: comparing it before and after shows whether anything was written. */
async function footprint() {
  const status = await desk.ok('sync.status');
  const masters = await desk.ok('masters.get');
  const students = await Promise.all(Object.values(school.students).map((id) => desk.ok('students.get', { studentId: id })));
  const dues = await desk.ok('payments.openDues', { studentIds: Object.values(school.students) });
  const rollovers = (await desk.ok('audit.list', { limit: 500 })).filter((e) => e.action === 'years.rollover').length;
  return { queue: status.queue, years: masters.years, students, dues: dues.items.length, rollovers };
}

/** The fees (not fines) a student owes, by year: before 1 Apr 2027 is 2026-27. */
async function feesOwed(studentId: string) {
  const dues = await desk.ok('payments.openDues', { studentIds: [studentId] });
  const fees = dues.items.filter((i) => i.kind === 'fee');
  const sum = (list: typeof fees) => list.reduce((a, i) => a + i.balance, 0);
  return { old: sum(fees.filter((i) => i.dueOn < '2027-04-01')), new: sum(fees.filter((i) => i.dueOn >= '2027-04-01')), items: fees };
}

describe('year-end rollover', () => {
  it('shows the review, then rolls over: new year current, structures raised, students moved, new dues derived', async () => {
    const plan = yearEndPlan(school);
    const review = await desk.ok('years.rolloverPreview', plan);
    expect(review.totals).toEqual({
      promoted: 2,
      detained: 1,
      left: 1,
      graduated: 1,
      // Asha and Dev in Class 6 (₹7,700 × 2) and Bala again in Class 5 (₹3,300 × 4 + ₹6,000 + ₹2,000).
      newFees: 15_400_00 * 2 + 21_200_00,
      concessionsCarried: 0,
      // Four in Class 5 at ₹20,000 and Esha's ₹14,000, and the ₹420 late fine Asha's payment was levied (42 days at
      // ₹10 after the grace), less her ₹4,500.
      arrears: 4 * 20_000_00 + 14_000_00 + 420_00 - 4_500_00,
      studentsWithArrears: 5,
    });
    expect(review.structures.map((s) => [s.name, s.oldTotal, s.newTotal, s.kept, s.firstDueOn])).toEqual([
      ['Class 5 — 2027-28', 20_000_00, 21_200_00, false, '2027-04-10'],
      ['Class 6 — 2027-28', 14_000_00, 15_400_00, false, '2027-04-15'],
    ]);
    expect(review.classes.map((c) => [c.fromClass, c.toClass, c.students, c.promoted])).toEqual([
      ['Class 5', 'Class 6', 4, 2],
      ['Class 6', null, 1, 0],
    ]);
    expect(review.classes[0]!.sections).toEqual([{ from: 'A', to: 'A', students: 2, added: false }]);
    expect(review.exceptions.map((e) => [e.name, e.outcome, e.toClass, e.reason])).toEqual([
      ['Bala Iyer', 'detained', 'Class 5', 'Attendance below 75%'],
      ['Chitra Nair', 'left', null, 'Family moved to Pune'],
    ]);
    expect(review.toYear).toMatchObject({ id: null, name: '2027-28', exists: false });
    expect(review.warnings).toEqual([]);

    const done = await desk.ok('years.rollover', { plan, approver: ACCOUNTANT });
    expect(done).toMatchObject({ alreadyDone: false, duesCreated: 2 + 2 + 10, totals: review.totals });

    const masters = await desk.ok('masters.get');
    const years = new Map(masters.years.map((y) => [y.name, y]));
    expect(years.get('2027-28')).toMatchObject({ isCurrent: true, closedAt: null, startsOn: '2027-04-01' });
    expect(years.get('2026-27')).toMatchObject({ isCurrent: false });
    expect(years.get('2026-27')!.closedAt).not.toBeNull();

    const asha = await desk.ok('students.get', { studentId: school.students.asha });
    expect(asha).toMatchObject({ classId: school.class6.id, sectionId: school.class6.sectionA, status: 'active' });
    expect((await desk.ok('students.get', { studentId: school.students.bala })).classId).toBe(school.classId);
    expect(await desk.ok('students.get', { studentId: school.students.chitra })).toMatchObject({ status: 'left', leftOn: '2027-03-31' });
    expect(await desk.ok('students.get', { studentId: school.students.esha })).toMatchObject({ status: 'alumni', leftOn: '2027-03-31' });

    // Asha owes the rest of 2026-27 (arrears, first) and Class 6's two terms of 2027-28 at ₹7,700.
    const asha2 = await feesOwed(school.students.asha);
    expect(asha2.old).toBe(20_000_00 + 420_00 - 4_500_00);
    expect(asha2.new).toBe(15_400_00);
    const newYear = asha2.items.filter((i) => i.dueOn >= '2027-04-01');
    expect(newYear.map((i) => [i.installment, i.head, i.balance])).toEqual([
      ['Term 1', 'Tuition', 7_700_00],
      ['Term 2', 'Tuition', 7_700_00],
    ]);
    // Chitra left and Esha graduated: their 2026-27 dues stay owed, nothing of 2027-28.
    expect(await feesOwed(school.students.chitra)).toMatchObject({ old: 20_000_00, new: 0 });
    expect(await feesOwed(school.students.esha)).toMatchObject({ old: 14_000_00, new: 0 });

    // One audit entry, by the admin, naming the approver.
    const audit = await desk.ok('audit.list', { limit: 20 });
    const entries = audit.filter((e) => e.action === 'years.rollover');
    expect(entries).toHaveLength(1);

    // Receipts of the new year start again at 1; money taken now pays the arrears first.
    const paid = await desk.ok('payments.record', { studentIds: [school.students.asha], amount: 1_000_00, method: { mode: 'cash' } });
    expect(paid.receiptNo).toBe('2027-28/D01/000001');
    expect(paid.lines.every((l) => l.installment !== 'Term 1' && l.installment !== 'Term 2')).toBe(true);
    // The late fines it paid are 2026-27's, like the fees they were earned on.
    expect(paid.lines.filter((l) => l.kind === 'fine').length).toBeGreaterThan(0);
    const side = await openSideStore(desk);
    try {
      const fines = await sql<{ year: string }>`
        select y.name as year from due d join academic_year y on y.id = d.academic_year_id
        where d.kind = 'fine' and d.student_id = ${school.students.asha}`.execute(side.db);
      expect(new Set(fines.rows.map((r) => r.year))).toEqual(new Set(['2026-27']));
    } finally {
      await side.close();
    }
  }, 120_000);

  it('does not charge a refundable deposit again: the new year’s structures leave it out, and it cannot be raised', async () => {
    const deposit = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
    await desk.ok('structures.create', {
      yearId: school.yearId,
      classId: school.class6.id,
      categoryId: school.categories.staff,
      name: 'Class 6 staff — 2026-27',
      plan: 'annual',
      installments: [{ label: 'Year', dueOn: '2026-04-15' }],
      heads: [
        { headId: school.heads.tuition, amount: 7_000_00 },
        { headId: deposit.id, amount: 5_000_00 },
      ],
      fineRule: null,
    });
    const plan = yearEndPlan(school);
    const review = await desk.ok('years.rolloverPreview', plan);
    expect(review.structures.find((s) => s.categoryName === 'Staff child')).toMatchObject({ oldTotal: 12_000_00, newTotal: 7_700_00 });
    expect(review.warnings).toEqual([
      "Caution deposit is a refundable deposit, taken once: the new year's structures do not charge it again",
    ]);
    const raised = await desk.call('years.rolloverPreview', {
      ...plan,
      fees: {
        roundTo: 10_00,
        changes: [
          { headId: school.heads.tuition, basisPoints: 1000 },
          { headId: deposit.id, basisPoints: 500 },
        ],
      },
    });
    expect(errorOf(raised)).toMatchObject({
      field: 'fees.changes.1.headId',
      message: 'is a refundable deposit: it is taken once and not copied into the new year',
    });
  });

  it('done again for the same year changes nothing and answers with what it did', async () => {
    const plan = yearEndPlan(school);
    const first = await desk.ok('years.rollover', { plan, approver: ACCOUNTANT });
    const before = await footprint();
    const again = await desk.ok('years.rollover', { plan, approver: ACCOUNTANT });
    expect(again).toMatchObject({ alreadyDone: true, rolloverId: first.rolloverId, duesCreated: first.duesCreated });
    expect(await footprint()).toEqual(before);
  }, 120_000);

  it('carries advance credit, and the concessions of students who stay into the new year only', async () => {
    // In March every quarter of 2026-27 is late: ₹500 of fines each (the cap). Dev pays the year, the fines and ₹5,000 more.
    await desk.ok('payments.record', { studentIds: [school.students.dev], amount: 27_000_00, method: { mode: 'cash' } });
    const halfTuition = async (studentId: string) => {
      const c = await desk.ok('concessions.request', {
        yearId: school.yearId,
        name: 'Merit half tuition',
        kind: 'percent',
        value: 5000,
        target: 'student',
        studentId,
        headId: school.heads.tuition,
        reason: 'merit scholarship',
      });
      await desk.ok('concessions.approve', { concessionId: c.id, approver: ACCOUNTANT, note: null });
    };
    await halfTuition(school.students.bala);
    await halfTuition(school.students.chitra);
    // Bala owes half of 2026-27's ₹12,000 tuition and all the rest: ₹6,000 + ₹6,000 + ₹2,000.
    expect((await feesOwed(school.students.bala)).old).toBe(14_000_00);

    const done = await desk.ok('years.rollover', { plan: yearEndPlan(school), approver: ACCOUNTANT });
    // Bala stays (detained) and keeps his; Chitra left, so hers stays behind.
    expect(done.totals.concessionsCarried).toBe(1);
    const dev = await desk.ok('payments.openDues', { studentIds: [school.students.dev] });
    expect(dev.totals.credit).toBe(5_000_00);
    expect(await feesOwed(school.students.dev)).toMatchObject({ old: 0, new: 15_400_00 });
    // The carried concession halves 2027-28's tuition (₹3,300 a quarter) and leaves 2026-27's dues as they were.
    const bala = await feesOwed(school.students.bala);
    expect(bala.old).toBe(14_000_00);
    expect(bala.new).toBe(21_200_00 - 6_600_00);
    const concessions = await desk.ok('concessions.list', {});
    const carried = concessions.filter((c) => c.yearId !== school.yearId);
    expect(carried).toHaveLength(1);
    expect(carried[0]).toMatchObject({
      studentId: school.students.bala,
      status: 'approved',
      applied: 6_600_00,
      decidedBy: ACCOUNTANT.username,
    });
  }, 120_000);
});

describe('a closed year', () => {
  it('takes no new structures or concessions, but its dues are still collected', async () => {
    await desk.ok('years.rollover', { plan: yearEndPlan(school), approver: ACCOUNTANT });
    const structure = await desk.call('structures.create', {
      yearId: school.yearId,
      classId: school.classId,
      categoryId: school.categories.staff,
      name: 'Staff children',
      plan: 'annual',
      installments: [{ label: 'Year', dueOn: '2026-04-10' }],
      heads: [{ headId: school.heads.tuition, amount: 1_000_00 }],
    });
    expect(errorOf(structure)).toMatchObject({ code: 'conflict', field: 'yearId', message: expect.stringMatching(/2026-27 is closed/) });
    const concession = await desk.call('concessions.request', {
      yearId: school.yearId,
      name: 'Late scholarship',
      kind: 'percent',
      value: 1000,
      target: 'student',
      studentId: school.students.asha,
      reason: 'merit',
    });
    expect(errorOf(concession)).toMatchObject({ code: 'conflict', field: 'yearId' });
    const current = await desk.call('masters.setCurrentYear', { yearId: school.yearId });
    expect(errorOf(current).message).toMatch(/closed/);
    const paid = await desk.ok('payments.record', { studentIds: [school.students.chitra], amount: 20_000_00, method: { mode: 'cash' } });
    expect(paid.receiptNo).toBe('2027-28/D01/000001');
    expect(paid.lines.every((l) => l.installment !== 'Term 1' && l.installment !== 'Term 2')).toBe(true);
    // The late fines it paid are 2026-27's, like the fees they were earned on.
    expect(paid.lines.filter((l) => l.kind === 'fine').length).toBeGreaterThan(0);
    const side = await openSideStore(desk);
    try {
      const fines = await sql<{ year: string }>`
        select y.name as year from due d join academic_year y on y.id = d.academic_year_id
        where d.kind = 'fine' and d.student_id = ${school.students.asha}`.execute(side.db);
      expect(new Set(fines.rows.map((r) => r.year))).toEqual(new Set(['2026-27']));
    } finally {
      await side.close();
    }
  }, 120_000);
});

describe('bad requests are refused whole', () => {
  async function refused(
    input: Parameters<typeof desk.call<'years.rollover'>>[1],
    expected: { code: string; field: string; message: RegExp },
  ) {
    const before = await footprint();
    const preview = await desk.call('years.rolloverPreview', input!.plan);
    expect(errorOf(preview)).toMatchObject({ ...expected, message: expect.stringMatching(expected.message) });
    const result = await desk.call('years.rollover', input);
    expect(errorOf(result)).toMatchObject({ ...expected, message: expect.stringMatching(expected.message) });
    expect(await footprint()).toEqual(before);
  }

  it('a class left out, a section of another class, a new year overlapping the old, a closed year, the requester approving', async () => {
    const plan = yearEndPlan(school);
    await refused(
      { plan: { ...plan, classes: [plan.classes[0]!] }, approver: ACCOUNTANT },
      { code: 'invalid_input', field: 'classes', message: /Class 6 has 1 student and no next class/ },
    );
    await refused(
      {
        plan: { ...plan, exceptions: [{ studentId: school.students.asha, outcome: 'section', sectionId: school.sectionId }] },
        approver: ACCOUNTANT,
      },
      { code: 'invalid_input', field: 'exceptions.0.sectionId', message: /is not a section of Class 6/ },
    );
    await refused(
      { plan: { ...plan, newYear: { name: '2027-28', startsOn: '2027-03-01', endsOn: '2028-02-28' } }, approver: ACCOUNTANT },
      { code: 'invalid_input', field: 'newYear.startsOn', message: /must start after 2026-27 ends \(31 Mar 2027\)/ },
    );
    await refused(
      {
        plan: { ...plan, exceptions: [{ studentId: school.students.esha, outcome: 'section', sectionId: school.class6.sectionA }] },
        approver: ACCOUNTANT,
      },
      { code: 'invalid_input', field: 'exceptions.0.outcome', message: /Class 6 graduates/ },
    );
    const self = await desk.call('years.rollover', { plan, approver: { username: ADMIN.username, password: ADMIN.password } });
    expect(errorOf(self)).toMatchObject({ code: 'forbidden', field: 'approver.username' });

    // Rolled over, 2026-27 is closed: a second rollover into it (from the new year) is refused.
    await desk.ok('years.rollover', { plan, approver: ACCOUNTANT });
    const current = (await desk.ok('masters.get')).years.find((y) => y.isCurrent)!;
    const back = {
      ...plan,
      fromYearId: current.id,
      newYear: { name: '2026-27', startsOn: '2028-04-01', endsOn: '2029-03-31' },
      exceptions: [],
    };
    const before = await footprint();
    expect(errorOf(await desk.call('years.rolloverPreview', back))).toMatchObject({
      code: 'conflict',
      field: 'newYear.name',
      message: expect.stringMatching(/2026-27 is closed/),
    });
    expect(await footprint()).toEqual(before);
  }, 120_000);
});

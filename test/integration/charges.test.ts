// Charges by student: a transport plan by route and stop started in October and stopped in January, a hostel plan,
// one-off charges to one student and to many; every bad request refused whole; and the same dues on a second desk.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputOf, Result } from '../../src/shared/contract';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import { deskFigures, enrollDesk, openSyncDesk, startSyncServer, syncAll } from '../support/sync-server';

const errorOf = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal, got success');
  return r.error;
};

const MONTHS = ['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'];
/** Monthly on the 5th, April 2026 to March 2027. */
const monthly = MONTHS.map((label, i) => ({ label, dueOn: `${i < 9 ? 2026 : 2027}-${String(((i + 3) % 12) + 1).padStart(2, '0')}-05` }));

function busPlan(school: SmallSchool): InputOf<'charges.createPlan'> {
  return {
    yearId: school.yearId,
    headId: school.heads.transport,
    name: 'School bus',
    kind: 'transport',
    installments: monthly,
    stops: [
      { route: 'Route 1', name: 'Main gate', fares: monthly.map(() => 1_000_00) },
      { route: 'Route 1', name: 'Market', fares: monthly.map(() => 1_200_00) },
      { route: 'Route 2', name: 'Lake view', fares: monthly.map(() => 1_500_00) },
    ],
  };
}

/** A student's charge dues (not the class's fees): label, due date and balance. */
async function chargeDues(desk: TestDesk, studentId: string) {
  const dues = await desk.ok('payments.openDues', { studentIds: [studentId] });
  return dues.items.filter((i) => i.kind === 'fee' && !i.installment.startsWith('Quarter')).map((i) => [i.installment, i.dueOn, i.balance]);
}

describe('charges by student', () => {
  let desk: TestDesk;
  let school: SmallSchool;
  let students: { id: string }[];

  beforeEach(async () => {
    desk = await openTestDesk();
    await setUpSchool(desk);
    school = await seedSmallSchool(desk);
    students = [];
    for (let i = 0; i < 4; i++) students.push(await admit(desk, school));
  });

  afterEach(async () => {
    await desk.close();
  });

  it('starts transport in October (dues from October) and stops it in January (later months waived with the reason)', async () => {
    const plan = await desk.ok('charges.createPlan', busPlan(school));
    expect(plan.stops.map((s) => [s.route, s.name, s.fares[0]])).toEqual([
      ['Route 1', 'Main gate', 1_000_00],
      ['Route 1', 'Market', 1_200_00],
      ['Route 2', 'Lake view', 1_500_00],
    ]);
    const market = plan.stops.find((s) => s.name === 'Market')!;
    const [asha, bala] = students;
    // From the 15th of October: October's fare is in force that day, so October to March, six months at ₹1,200.
    const assigned = await desk.ok('charges.assign', {
      planId: plan.id,
      studentIds: [asha!.id, bala!.id],
      stopId: market.id,
      startsOn: '2026-10-15',
    });
    expect(assigned).toEqual({ assigned: 2, duesCreated: 12, amount: 2 * 6 * 1_200_00 });
    expect(await chargeDues(desk, asha!.id)).toEqual(MONTHS.slice(6).map((m, i) => [`School bus — ${m}`, monthly[6 + i]!.dueOn, 1_200_00]));
    expect((await desk.ok('charges.plans', {}))[0]!.students).toBe(2);

    // Bala paid February ahead; both stop on 20 January.
    await desk.ok('payments.record', {
      studentIds: [bala!.id],
      amount: 1_200_00,
      method: { mode: 'cash' },
      allocations: [
        {
          key: (await desk.ok('payments.openDues', { studentIds: [bala!.id] })).items.find((i) => i.installment === 'School bus — Feb')!
            .key,
          amount: 1_200_00,
        },
      ],
    });
    const [ashaCharge] = await desk.ok('charges.forStudent', { studentId: asha!.id });
    const stopped = await desk.ok('charges.stop', {
      assignmentId: ashaCharge!.id,
      stopsOn: '2027-01-20',
      reason: 'Family moved near school',
    });
    expect(stopped).toEqual({ duesWaived: 2, amountWaived: 2 * 1_200_00, paidAfterStop: 0 });
    expect(await chargeDues(desk, asha!.id)).toEqual(
      MONTHS.slice(6, 10).map((m, i) => [`School bus — ${m}`, monthly[6 + i]!.dueOn, 1_200_00]),
    );
    const [balaCharge] = await desk.ok('charges.forStudent', { studentId: bala!.id });
    expect(await desk.ok('charges.stop', { assignmentId: balaCharge!.id, stopsOn: '2027-01-20', reason: 'Walks to school now' })).toEqual({
      duesWaived: 1,
      amountWaived: 1_200_00,
      paidAfterStop: 1_200_00,
    });
    expect(await desk.ok('charges.forStudent', { studentId: asha!.id })).toEqual([
      expect.objectContaining({
        planName: 'School bus',
        kind: 'transport',
        stop: 'Route 1 — Market',
        startsOn: '2026-10-15',
        stopsOn: '2027-01-20',
        stopReason: 'Family moved near school',
        charged: 6 * 1_200_00,
        waived: 2 * 1_200_00,
        paid: 0,
        balance: 4 * 1_200_00,
      }),
    ]);
    // The waivers say why, in the student's ledger.
    const ledger = await desk.ok('payments.ledger', { studentId: asha!.id });
    expect(JSON.stringify(ledger)).toContain('School bus stopped on 20 Jan 2027: Family moved near school');
    // Stopped, a student can be put on the plan again later.
    expect(
      await desk.ok('charges.assign', { planId: plan.id, studentIds: [asha!.id], stopId: plan.stops[0]!.id, startsOn: '2027-02-10' }),
    ).toEqual({ assigned: 1, duesCreated: 2, amount: 2 * 1_000_00 });
  });

  it('charges hostel by term, and one-off charges to one student or many, each under its own name', async () => {
    const hostel = await desk.ok('charges.createPlan', {
      yearId: school.yearId,
      headId: school.heads.tuition,
      name: 'Hostel',
      kind: 'hostel',
      installments: [
        { label: 'Term 1', dueOn: '2026-06-10' },
        { label: 'Term 2', dueOn: '2026-11-10' },
      ],
      fares: [30_000_00, 25_000_00],
    });
    await desk.ok('charges.assign', { planId: hostel.id, studentIds: [students[2]!.id], startsOn: '2026-06-01' });
    expect(await chargeDues(desk, students[2]!.id)).toEqual([
      ['Hostel — Term 1', '2026-06-10', 30_000_00],
      ['Hostel — Term 2', '2026-11-10', 25_000_00],
    ]);
    const trip = await desk.ok('charges.oneOff', {
      studentIds: students.slice(0, 3).map((s) => s.id),
      headId: school.heads.exam,
      label: 'Trip to Mysore',
      amount: 2_500_00,
      dueOn: '2026-11-01',
    });
    expect(trip).toEqual({ duesCreated: 3, amount: 7_500_00 });
    await desk.ok('charges.oneOff', {
      studentIds: [students[0]!.id],
      headId: school.heads.exam,
      label: 'Lost ID card',
      amount: 150_00,
      dueOn: '2026-07-01',
    });
    expect(await chargeDues(desk, students[0]!.id)).toEqual([
      ['Lost ID card', '2026-07-01', 150_00],
      ['Trip to Mysore', '2026-11-01', 2_500_00],
    ]);
    // Paid at the counter like any due, and the receipt names it.
    const paid = await desk.ok('payments.record', {
      studentIds: [students[0]!.id],
      amount: 150_00,
      method: { mode: 'cash' },
      allocations: [
        {
          key: (await desk.ok('payments.openDues', { studentIds: [students[0]!.id] })).items.find((i) => i.installment === 'Lost ID card')!
            .key,
          amount: 150_00,
        },
      ],
    });
    expect(paid.lines.map((l) => [l.installment, l.amount])).toEqual([['Lost ID card', 150_00]]);
  });

  it('refuses every bad request with what is wrong, and writes nothing', async () => {
    const plan = await desk.ok('charges.createPlan', busPlan(school));
    const other = await desk.ok('charges.createPlan', {
      ...busPlan(school),
      name: 'Evening bus',
      stops: [{ route: 'Route 9', name: 'Depot', fares: monthly.map(() => 900_00) }],
    });
    const [asha] = students;
    const before = async () => ({
      dues: (await desk.ok('payments.openDues', { studentIds: students.map((s) => s.id) })).items.length,
      queue: (await desk.ok('sync.status')).queue,
    });
    const start = await before();
    const refused = async (call: Promise<Result<unknown>>, expected: { code: string; field: string; message: RegExp }) => {
      const error = errorOf(await call);
      expect(error).toMatchObject({ code: expected.code, field: expected.field });
      expect(error.message).toMatch(expected.message);
      expect(await before()).toEqual(start);
    };
    const assign = (input: Partial<InputOf<'charges.assign'>>) =>
      desk.call('charges.assign', { planId: plan.id, studentIds: [asha!.id], stopId: plan.stops[0]!.id, startsOn: '2026-10-15', ...input });
    await refused(assign({ stopId: other.stops[0]!.id }), {
      code: 'invalid_input',
      field: 'stopId',
      message: /is not a stop on School bus/,
    });
    await refused(assign({ stopId: null }), { code: 'invalid_input', field: 'stopId', message: /charges by the stop/ });
    await refused(assign({ stopsOn: '2026-10-01' }), { code: 'invalid_input', field: 'stopsOn', message: /must not be before the start/ });
    await refused(assign({ startsOn: '2027-04-02' }), {
      code: 'invalid_input',
      field: 'startsOn',
      message: /must fall in 2026-27 \(1 Apr 2026 to 31 Mar 2027\)/,
    });
    await refused(desk.call('charges.createPlan', { ...busPlan(school), name: 'school BUS' }), {
      code: 'conflict',
      field: 'name',
      message: /exists already/,
    });
    await refused(
      desk.call('charges.oneOff', {
        studentIds: [asha!.id],
        headId: '00000000-0000-4000-8000-00000000f1e0',
        label: 'Fine',
        amount: 100_00,
        dueOn: '2026-07-01',
      }),
      { code: 'invalid_input', field: 'headId', message: /levied by FeeDesk itself/ },
    );
    await desk.ok('charges.assign', { planId: plan.id, studentIds: [asha!.id], stopId: plan.stops[0]!.id, startsOn: '2026-10-15' });
    const now = await before();
    Object.assign(start, now);
    await refused(assign({ startsOn: '2026-12-01' }), {
      code: 'conflict',
      field: 'studentIds.0',
      message: /is on School bus already from 15 Oct 2026: stop that first/,
    });
    const [charge] = await desk.ok('charges.forStudent', { studentId: asha!.id });
    await refused(desk.call('charges.stop', { assignmentId: charge!.id, stopsOn: '2026-10-01', reason: 'x' }), {
      code: 'invalid_input',
      field: 'stopsOn',
      message: /must not be before the charge started \(15 Oct 2026\)/,
    });
    await desk.ok('students.leave', { studentId: students[3]!.id, leftOn: '2026-09-30', reason: 'Transferred' });
    Object.assign(start, await before());
    await refused(assign({ studentIds: [students[3]!.id] }), {
      code: 'conflict',
      field: 'studentIds.0',
      message: /is not at the school now/,
    });
  });
});

describe('charges on a second desk', () => {
  it('arrive with the same dues, waivers and assignments', async () => {
    const server = await startSyncServer({ kind: 'pglite' });
    const a = await openSyncDesk('D01');
    const b = await openSyncDesk('D02');
    try {
      const school = await seedSmallSchool(a);
      const asha = await admit(a, school);
      const plan = await a.ok('charges.createPlan', busPlan(school));
      await a.ok('charges.assign', { planId: plan.id, studentIds: [asha.id], stopId: plan.stops[2]!.id, startsOn: '2026-10-15' });
      const [charge] = await a.ok('charges.forStudent', { studentId: asha.id });
      await a.ok('charges.stop', { assignmentId: charge!.id, stopsOn: '2027-01-20', reason: 'Moved' });
      await a.ok('charges.oneOff', {
        studentIds: [asha.id],
        headId: school.heads.exam,
        label: 'Lost ID card',
        amount: 150_00,
        dueOn: '2026-07-01',
      });
      await enrollDesk(server, a);
      await enrollDesk(server, b);
      await syncAll(a, b);
      expect(await b.ok('charges.plans', {})).toEqual(await a.ok('charges.plans', {}));
      expect(await b.ok('charges.forStudent', { studentId: asha.id })).toEqual(await a.ok('charges.forStudent', { studentId: asha.id }));
      expect((await deskFigures(b)).students).toEqual((await deskFigures(a)).students);
      expect(await chargeDues(b, asha.id)).toEqual(await chargeDues(a, asha.id));
    } finally {
      await a.close();
      await b.close();
      await server.close();
    }
  }, 120_000);
});

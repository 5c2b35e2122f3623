// Leaving, previewed: the admin screen shows the dues leaving on a date would waive before anyone confirms, and the
// leave then waives exactly those.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

let desk: TestDesk;
let school: SmallSchool;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await desk.ok('users.create', { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier', password: 'counter-cash-2026' });
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

describe('students.leavePreview', () => {
  it('lists the open dues after the leaving date, part-paid ones at what is left, and leave waives exactly those', async () => {
    const s = await admit(desk, school);
    // Quarter 2 tuition part paid: ₹3,000 + ₹1,500 of Quarter 1 first, then ₹1,000 into Quarter 2.
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id], asOf: '2027-03-31' });
    const q2Tuition = dues.items.find((i) => i.installment === 'Quarter 2' && i.head === 'Tuition')!;
    await desk.ok('payments.record', {
      studentIds: [s.id],
      amount: 1_000_00,
      method: { mode: 'cash' },
      allocations: [{ key: q2Tuition.key, amount: 1_000_00 }],
    });

    const preview = await desk.ok('students.leavePreview', { studentId: s.id, leftOn: '2026-06-30' });
    expect(preview.dues.map((d) => [d.installment, d.head, d.dueOn, d.balance])).toEqual([
      ['Quarter 2', 'Tuition', '2026-07-10', 2_000_00],
      ['Quarter 2', 'Transport', '2026-07-10', 1_500_00],
      ['Quarter 2', 'Exam', '2026-07-10', 1_000_00],
      ['Quarter 3', 'Tuition', '2026-10-10', 3_000_00],
      ['Quarter 3', 'Transport', '2026-10-10', 1_500_00],
      ['Quarter 4', 'Tuition', '2027-01-10', 3_000_00],
      ['Quarter 4', 'Transport', '2027-01-10', 1_500_00],
      ['Quarter 4', 'Exam', '2027-01-10', 1_000_00],
    ]);
    expect(preview.total).toBe(14_500_00);
    // A preview changes nothing.
    expect((await desk.ok('students.get', { studentId: s.id })).status).toBe('active');
    expect((await desk.ok('payments.openDues', { studentIds: [s.id], asOf: '2027-03-31' })).totals.outstanding).toBe(
      dues.totals.outstanding - 1_000_00,
    );

    const left = await desk.ok('students.leave', { studentId: s.id, leftOn: '2026-06-30', reason: 'moved city' });
    expect([left.duesWaived, left.amountWaived]).toEqual([preview.dues.length, preview.total]);
  });

  it('refuses a date before joining, and a cashier', async () => {
    const s = await admit(desk, school, { joinedOn: '2026-05-01' });
    const early = await desk.call('students.leavePreview', { studentId: s.id, leftOn: '2026-04-30' });
    expect(early).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'leftOn' } });
    // The joining date as the school writes dates, never ISO.
    expect(early.ok ? '' : early.error.message).toBe('leftOn is before the joining date, 1 May 2026');
    await desk.ok('auth.login', { username: 'ravi', password: 'counter-cash-2026' }, 'cashier-window');
    const cashier = await desk.call('students.leavePreview', { studentId: s.id, leftOn: '2026-06-30' }, 'cashier-window');
    expect(cashier).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

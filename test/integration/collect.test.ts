import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { ADMIN, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

let desk: TestDesk;
let school: SmallSchool;
const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier', password: 'counter-cash-2026' });
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const errorOf = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('dues from a structure', () => {
  it('creates one due per student x installment x head, with the custom exam split', async () => {
    const s = await admit(desk, school);
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(dues.items).toHaveLength(10); // 4 x tuition, 4 x transport, 2 x exam (zero shares make no due)
    expect(dues.totals.outstanding).toBe(20_000_00);
    expect(dues.items.filter((i) => i.installment === 'Quarter 1').map((i) => [i.head, i.balance])).toEqual([
      ['Tuition', 3_000_00],
      ['Transport', 1_500_00],
    ]);
  });

  it('gives a student joining mid-year the dues from their joining installment on', async () => {
    const s = await admit(desk, school, { joinedOn: '2026-08-15' });
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(new Set(dues.items.map((i) => i.installment))).toEqual(new Set(['Quarter 2', 'Quarter 3', 'Quarter 4']));
  });

  it('refuses an installment plan whose shares do not sum to the head, writing nothing', async () => {
    const before = await desk.ok('structures.list', {});
    const cls = await desk.ok('masters.createClass', { name: 'Class 6', sortOrder: 6 });
    const bad = await desk.call('structures.create', {
      yearId: school.yearId,
      classId: cls.id,
      name: 'Class 6',
      plan: 'custom',
      installments: [
        { label: 'Term 1', dueOn: '2026-04-10' },
        { label: 'Term 2', dueOn: '2026-10-10' },
      ],
      heads: [{ headId: school.heads.tuition, amount: 10_000_00, shares: [5_000_00, 4_000_00] }],
    });
    expect(errorOf(bad)).toEqual({
      code: 'invalid_input',
      message: 'installment shares for Tuition shares sum to 900000 but the head amount is 1000000',
      field: 'heads.0.shares',
    });
    expect(await desk.ok('structures.list', {})).toEqual(before);
  });
});

describe('recording payments', () => {
  it('allocates oldest first, keeps the overpayment as credit, and uses that credit next time', async () => {
    const s = await admit(desk, school);
    const r1 = await desk.ok('payments.record', { studentIds: [s.id], amount: 5_000_00, method: { mode: 'cash', tendered: 5_000_00 } });
    expect(r1.receiptNo).toBe('2026-27/D01/000001');
    expect(r1.lines.map((l) => [l.installment, l.head, l.amount])).toEqual([
      ['Quarter 1', 'Tuition', 3_000_00],
      ['Quarter 1', 'Transport', 1_500_00],
      ['Quarter 2', 'Tuition', 50_000],
    ]);
    expect(r1.balanceAfter).toBe(15_000_00);

    const r2 = await desk.ok('payments.record', { studentIds: [s.id], amount: 20_000_00, method: { mode: 'upi', utr: 'UTR123456789' } });
    expect(r2.receiptNo).toBe('2026-27/D01/000002');
    expect(r2.creditAdded).toBe(5_000_00);
    expect(r2.balanceAfter).toBe(0);
    expect((await desk.ok('payments.openDues', { studentIds: [s.id] })).totals.credit).toBe(5_000_00);

    // A bounce charge later is paid from the credit first.
    const r3 = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
    expect(r3.creditAdded).toBe(100_00);
  });

  it('computes the late fine as of the payment date and levies it when collected', async () => {
    const s = await admit(desk, school);
    await desk.travelTo('2026-05-10T06:00:00Z'); // Quarter 1 due 10 Apr: 30 days, 20 past grace
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    const fine = dues.items.find((i) => i.kind === 'fine');
    expect(fine).toMatchObject({ installment: 'Quarter 1', balance: 200_00 });
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 1_000_00, method: { mode: 'cash' } });
    expect(r.lines[0]).toMatchObject({ head: 'Late fine', amount: 200_00 });
    const after = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(after.items.find((i) => i.key.startsWith('fine:'))).toBeUndefined();
    expect(after.totals.fines).toBe(0);
  });

  it('takes the edited allocation and refuses one above a due balance, changing nothing', async () => {
    const s = await admit(desk, school);
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    const q2Tuition = dues.items.find((i) => i.installment === 'Quarter 2' && i.head === 'Tuition')!;
    const over = await desk.call('payments.record', {
      studentIds: [s.id],
      amount: 5_000_00,
      method: { mode: 'cash' },
      allocations: [{ key: q2Tuition.key, amount: 3_000_01 }],
    });
    expect(errorOf(over)).toEqual({
      code: 'invalid_input',
      message: "allocations.0.amount is above the due's balance of 300000",
      field: 'allocations.0.amount',
    });
    expect(await desk.ok('payments.list', { studentId: s.id })).toEqual([]);

    const r = await desk.ok('payments.record', {
      studentIds: [s.id],
      amount: 3_000_00,
      method: { mode: 'card', last4: '4242', authCode: 'A1B2C3' },
      allocations: [{ key: q2Tuition.key, amount: 3_000_00 }],
    });
    expect(r.lines).toEqual([expect.objectContaining({ installment: 'Quarter 2', head: 'Tuition', amount: 3_000_00 })]);
  });

  it('refuses bad payments with the field named, writing nothing', async () => {
    const s = await admit(desk, school);
    const cases: [unknown, string, RegExp][] = [
      [{ studentIds: [s.id], amount: 0, method: { mode: 'cash' } }, 'amount', /more than zero/],
      [{ studentIds: [s.id], amount: -5, method: { mode: 'cash' } }, 'amount', /more than zero/],
      [{ studentIds: [s.id], amount: 10.5, method: { mode: 'cash' } }, 'amount', /whole number/],
      [
        { studentIds: [s.id], amount: 100, method: { mode: 'cheque', bank: 'SBI', chequeDate: '2026-04-02' } },
        'method.chequeNo',
        /required/,
      ],
      [{ studentIds: [s.id], amount: 100, method: { mode: 'upi', utr: 'x' } }, 'method.utr', /UTR/],
      [{ studentIds: [s.id], amount: 100, method: { mode: 'barter' } }, 'method.mode', /one of cash/],
      [{ studentIds: [s.id], amount: 500, method: { mode: 'cash', tendered: 100 } }, 'method.tendered', /less than the amount/],
      // Beyond what a receipt's signed code holds (issue 17, item 17: answered as an internal error).
      [{ studentIds: [s.id], amount: 1e15, method: { mode: 'cash' } }, 'amount', /larger than one amount can be/],
      [{ studentIds: [s.id], amount: 2 ** 40, method: { mode: 'upi', utr: 'UTR2026112300' } }, 'amount', /larger than one amount can be/],
    ];
    for (const [input, field, message] of cases) {
      const r = await desk.call('payments.record', input as never);
      expect(errorOf(r).field, JSON.stringify(input)).toBe(field);
      expect(errorOf(r).message).toMatch(message);
    }
    expect(await desk.ok('payments.list', {})).toEqual([]);
  });

  it('refuses a payment for a left student’s future dues', async () => {
    const s = await admit(desk, school);
    const before = await desk.ok('payments.openDues', { studentIds: [s.id] });
    const q3 = before.items.find((i) => i.installment === 'Quarter 3' && i.head === 'Tuition')!;
    const left = await desk.ok('students.leave', { studentId: s.id, leftOn: '2026-06-30', reason: 'moved city' });
    expect(left.duesWaived).toBe(8);
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(dues.items.map((i) => i.installment)).toEqual(['Quarter 1', 'Quarter 1']);
    const ledger = await desk.ok('payments.ledger', { studentId: s.id });
    expect(ledger.entries.find((e) => e.kind === 'waiver')?.description).toContain('moved city');
    const future = await desk.call('payments.record', {
      studentIds: [s.id],
      amount: 3_000_00,
      method: { mode: 'cash' },
      allocations: [{ key: q3.key, amount: 3_000_00 }],
    });
    expect(errorOf(future)).toEqual({
      code: 'invalid_input',
      message: `allocations.0.key Quarter 3 · Tuition was waived when ${s.fullName} left on 30 Jun 2026`,
      field: 'allocations.0.key',
    });
    expect(await desk.ok('payments.list', { studentId: s.id })).toEqual([]);
    const rows = await desk.ok('payments.openDues', { studentIds: [s.id], asOf: '2026-04-02' });
    expect(rows.totals.outstanding).toBe(4_500_00);
  });
});

describe('cancellation and bounce', () => {
  it('refuses a cancellation without a valid second approver; with one it reverses and the number stays used', async () => {
    const s = await admit(desk, school);
    await desk.ok('auth.login', { username: 'ravi', password: 'counter-cash-2026' }, 'cashier-window');
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 4_500_00, method: { mode: 'cash' } }, 'cashier-window');

    const noApprover = await desk.call('payments.cancel', { paymentId: r.paymentId, reason: 'wrong student' } as never, 'cashier-window');
    expect(errorOf(noApprover)).toMatchObject({ code: 'invalid_input', field: 'approver' });
    const self = await desk.call(
      'payments.cancel',
      { paymentId: r.paymentId, reason: 'wrong student', approver: { username: 'ravi', password: 'counter-cash-2026' } },
      'cashier-window',
    );
    expect(errorOf(self)).toMatchObject({ code: 'forbidden', field: 'approver.username' });
    const wrong = await desk.call(
      'payments.cancel',
      { paymentId: r.paymentId, reason: 'wrong student', approver: { username: 'meera', password: 'not-her-password' } },
      'cashier-window',
    );
    expect(errorOf(wrong)).toMatchObject({ code: 'invalid_credentials', field: 'approver.password' });
    expect((await desk.ok('payments.receipt', { paymentId: r.paymentId })).status).toBe('valid');

    const cancelled = await desk.ok(
      'payments.cancel',
      { paymentId: r.paymentId, reason: 'wrong student', approver: ACCOUNTANT },
      'cashier-window',
    );
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      event: { kind: 'cancelled', reason: 'wrong student', by: 'ravi', approvedBy: 'meera' },
    });
    expect((await desk.ok('payments.openDues', { studentIds: [s.id] })).totals.outstanding).toBe(20_000_00);

    const next = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } }, 'cashier-window');
    expect(next.receiptNo).toBe('2026-27/D01/000002');
    const again = await desk.call('payments.cancel', { paymentId: r.paymentId, reason: 'again', approver: ACCOUNTANT }, 'cashier-window');
    expect(errorOf(again).message).toMatch(/already cancelled/);

    const audit = await desk.ok('audit.list', { limit: 50 });
    expect(audit.filter((a) => a.action === 'payments.cancel')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'payments.record')).toHaveLength(2);
  });

  it('bounces a cheque: dues reopen and a bounce charge is added', async () => {
    const s = await admit(desk, school);
    const r = await desk.ok('payments.record', {
      studentIds: [s.id],
      amount: 4_500_00,
      method: { mode: 'cheque', chequeNo: '123456', bank: 'Canara Bank', chequeDate: '2026-04-02' },
    });
    const cash = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
    expect(errorOf(await desk.call('payments.bounce', { paymentId: cash.paymentId, bankReason: 'n/a' })).message).toMatch(/only a cheque/);
    // A charge no one could pay is refused with the bound Settings keeps too (it was taken at any size).
    const huge = await desk.call('payments.bounce', { paymentId: r.paymentId, bankReason: 'Insufficient funds', charge: 1e15 });
    expect(errorOf(huge)).toMatchObject({
      code: 'invalid_input',
      field: 'charge',
      message: expect.stringMatching(/at most 100,000 in the school’s currency/),
    });
    const bounced = await desk.ok('payments.bounce', { paymentId: r.paymentId, bankReason: 'Insufficient funds' });
    expect(bounced.status).toBe('bounced');
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(dues.items.find((i) => i.kind === 'bounce_charge')).toMatchObject({ balance: 500_00, head: 'Cheque bounce charge' });
    expect(dues.totals.outstanding).toBe(20_000_00 + 500_00 - 100_00);
  });
});

describe('ledger', () => {
  it('agrees with the dues screen to the paisa through payments, concessions, fines, cancellations and refunds', async () => {
    const s = await admit(desk, school, { categoryId: school.categories.staff });
    const c = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Staff child',
      kind: 'percent',
      value: 5_000,
      target: 'category',
      categoryId: school.categories.staff,
      headId: school.heads.tuition,
      reason: 'staff ward',
    });
    await desk.ok('concessions.approve', { concessionId: c.id, approver: ACCOUNTANT });
    await desk.ok('payments.record', { studentIds: [s.id], amount: 7_000_00, method: { mode: 'cash' } });
    await desk.travelTo('2026-08-01T06:00:00Z');
    const p2 = await desk.ok('payments.record', { studentIds: [s.id], amount: 9_999_00, method: { mode: 'upi', utr: 'UTR0000000001' } });
    await desk.ok('payments.cancel', { paymentId: p2.paymentId, reason: 'duplicate', approver: ACCOUNTANT });
    await desk.ok('payments.record', { studentIds: [s.id], amount: 20_000_00, method: { mode: 'upi', utr: 'UTR0000000002' } });
    await desk.ok('refunds.record', {
      kind: 'credit',
      studentId: s.id,
      amount: 1_000_00,
      method: { mode: 'cash' },
      reason: 'parent asked',
      approver: ACCOUNTANT,
    });

    const ledger = await desk.ok('payments.ledger', { studentId: s.id });
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(ledger.totals.balance).toBe(dues.totals.outstanding - dues.totals.credit);
    expect(ledger.totals.outstanding).toBe(dues.totals.outstanding);
    expect(ledger.totals.concessions).toBe(6_000_00);
    expect(ledger.entries.at(-1)!.balance).toBe(ledger.totals.balance);
    expect(ledger.totals.charged - ledger.totals.concessions - ledger.totals.waived - ledger.totals.paid + ledger.totals.refunded).toBe(
      ledger.totals.balance,
    );
  });
});

describe('receipt numbers', () => {
  it('never collide between two desks collecting offline', async () => {
    const other = await openTestDesk();
    other.clock.current = desk.clock.current;
    await other.ok('setup.initialize', {
      schoolName: 'Green Valley School',
      currency: 'INR',
      locale: 'en-IN',
      deskCode: 'D02',
      admin: ADMIN,
    });
    const otherSchool = await seedSmallSchool(other);
    const a = await admit(desk, school);
    const b = await admit(other, otherSchool);
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      numbers.push((await desk.ok('payments.record', { studentIds: [a.id], amount: 100_00, method: { mode: 'cash' } })).receiptNo);
      numbers.push((await other.ok('payments.record', { studentIds: [b.id], amount: 100_00, method: { mode: 'cash' } })).receiptNo);
    }
    await other.close();
    expect(new Set(numbers).size).toBe(10);
    expect(numbers.filter((n) => n.includes('/D01/'))).toEqual(
      ['000001', '000002', '000003', '000004', '000005'].map((n) => `2026-27/D01/${n}`),
    );
    expect(numbers.filter((n) => n.includes('/D02/'))).toEqual(
      ['000001', '000002', '000003', '000004', '000005'].map((n) => `2026-27/D02/${n}`),
    );
  });
});

describe('student search', () => {
  it('finds by name fragments in any order, ignoring accents and case, by admission no. and by phone digits', async () => {
    const zoe = await admit(desk, school, { fullName: 'Zoë Fernandes', phone: '+91 98450-12345' });
    await admit(desk, school, { fullName: 'Zubin Fernandez' });
    const names = async (query: string) => (await desk.ok('students.search', { query, limit: 10 })).map((s) => s.fullName);
    expect(await names('zoe')).toEqual(['Zoë Fernandes']);
    expect(await names('FERN zo')).toEqual(['Zoë Fernandes']);
    expect((await names('fern')).sort()).toEqual(['Zoë Fernandes', 'Zubin Fernandez']);
    expect(await names('9845012345')).toEqual(['Zoë Fernandes']);
    expect(await names(zoe.admissionNo.toLowerCase())).toEqual(['Zoë Fernandes']);
    expect(await names('"; drop table student; --')).toEqual([]);
    expect(await names('  ')).toEqual([]);
  });
});

describe('families and concessions', () => {
  it('takes one family receipt across siblings and applies the second-child rule only once approved', async () => {
    const elder = await admit(desk, school, { fullName: 'Anika Rao', joinedOn: '2026-04-01' });
    const younger = await admit(desk, school, { fullName: 'Ira Rao', joinedOn: '2026-04-01' });
    const family = await desk.ok('families.create', { name: 'Rao family', studentIds: [elder.id, younger.id] });
    const rule = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Second child',
      kind: 'percent',
      value: 1_000,
      target: 'sibling',
      siblingRank: 2,
      headId: school.heads.tuition,
      reason: 'sibling policy',
    });
    expect((await desk.ok('payments.openDues', { studentIds: [younger.id] })).totals.outstanding).toBe(20_000_00);
    await desk.ok('concessions.approve', { concessionId: rule.id, approver: ACCOUNTANT });
    expect((await desk.ok('payments.openDues', { studentIds: [younger.id] })).totals.outstanding).toBe(20_000_00 - 1_200_00);
    expect((await desk.ok('payments.openDues', { studentIds: [elder.id] })).totals.outstanding).toBe(20_000_00);
    expect((await desk.ok('families.get', { familyId: family.id })).students.map((s) => s.fullName)).toEqual(['Anika Rao', 'Ira Rao']);

    const r = await desk.ok('payments.record', { studentIds: [elder.id, younger.id], amount: 9_000_00, method: { mode: 'cash' } });
    expect(new Set(r.lines.map((l) => l.studentId))).toEqual(new Set([elder.id, younger.id]));
    expect(r.students.map((s) => s.fullName)).toEqual(['Anika Rao', 'Ira Rao']);
    const stranger = await admit(desk, school);
    const mixed = await desk.call('payments.record', { studentIds: [elder.id, stranger.id], amount: 100_00, method: { mode: 'cash' } });
    expect(errorOf(mixed)).toMatchObject({ field: 'studentIds', message: expect.stringContaining('siblings of one family') });
  });

  it('refuses a concession approval by the requester, and a duplicate admission number', async () => {
    const s = await admit(desk, school);
    const c = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Hardship',
      kind: 'fixed',
      value: 2_000_00,
      target: 'student',
      studentId: s.id,
      reason: 'hardship',
    });
    const self = await desk.call('concessions.approve', {
      concessionId: c.id,
      approver: { username: ADMIN.username, password: ADMIN.password },
    });
    expect(errorOf(self)).toMatchObject({ code: 'forbidden', field: 'approver.username' });
    const cashier = await desk.call('concessions.approve', {
      concessionId: c.id,
      approver: { username: 'ravi', password: 'counter-cash-2026' },
    });
    expect(errorOf(cashier).message).toMatch(/needs admin or accountant/);
    expect((await desk.ok('concessions.list', {})).find((x) => x.id === c.id)?.status).toBe('requested');

    // An accountant asks in their own window, then types their own password and code as the "approver" in another
    // (the admin's): still the one who asked (issue 17, item 1: this was approved with requester = approver).
    await desk.ok('auth.login', ACCOUNTANT, 'meera-window');
    const full = await desk.ok(
      'concessions.request',
      {
        yearId: school.yearId,
        name: 'Full waiver',
        kind: 'percent',
        value: 10_000,
        target: 'student',
        studentId: s.id,
        reason: 'my nephew',
      },
      'meera-window',
    );
    const ownApproval = await desk.call('concessions.approve', { concessionId: full.id, approver: ACCOUNTANT });
    expect(errorOf(ownApproval)).toMatchObject({
      code: 'forbidden',
      field: 'approver.username',
      message: 'approval must come from a second person, not the one asking',
    });
    const ownRejection = await desk.call('concessions.reject', { concessionId: full.id, approver: ACCOUNTANT, note: 'covering tracks' });
    expect(errorOf(ownRejection)).toMatchObject({ code: 'forbidden', field: 'approver.username' });
    expect((await desk.ok('concessions.list', {})).find((x) => x.id === full.id)?.status).toBe('requested');
    // The admin approves it, in the accountant's window, five times at once: one decision, the rest refused.
    await desk.ok('auth.login', { username: 'ravi', password: 'counter-cash-2026' }, 'ravi-window');
    const admin = { username: ADMIN.username, password: ADMIN.password };
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => desk.call('concessions.approve', { concessionId: full.id, approver: admin }, 'ravi-window')),
    );
    expect(attempts.filter((a) => a.ok)).toHaveLength(1);
    // The others: the concession already decided, or the admin's code already used.
    for (const refused of attempts.filter((a) => !a.ok)) expect(['conflict', 'invalid_credentials']).toContain(errorOf(refused).code);
    expect((await desk.ok('concessions.list', {})).find((x) => x.id === full.id)?.status).toBe('approved');

    const dup = await desk.call('students.create', {
      admissionNo: s.admissionNo.toLowerCase(),
      fullName: 'Someone Else',
      classId: school.classId,
      guardianName: 'G',
      phone: '9845099999',
      joinedOn: '2026-04-01',
    });
    expect(errorOf(dup)).toMatchObject({
      code: 'conflict',
      field: 'admissionNo',
      message: expect.stringContaining(`already belongs to ${s.fullName}`),
    });
  });
});

describe('desk policies', () => {
  it('numbers receipts by the school’s chosen format and refuses one that could collide', async () => {
    const s = await admit(desk, school);
    const bad = await desk.call('settings.update', { receiptFormat: 'R-{seq}' });
    expect(errorOf(bad)).toMatchObject({ field: 'receiptFormat', message: expect.stringContaining('{desk}') });
    await desk.ok('settings.update', { receiptFormat: 'GV-{desk}-{year}-{seq:4}' });
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
    expect(r.receiptNo).toBe('GV-D01-2026-27-0001');
  });
});

describe('the school day', () => {
  it('files a payment under the desk’s own calendar day, not UTC’s', async () => {
    const saved = process.env['TZ'];
    process.env['TZ'] = 'Asia/Kolkata';
    try {
      const s = await admit(desk, school);
      await desk.travelTo('2026-04-02T20:00:00Z'); // 01:30 on 3 April in India
      const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
      expect(r.businessDate).toBe('2026-04-03');
      expect((await desk.ok('payments.list', { date: '2026-04-03' })).map((p) => p.receiptNo)).toEqual([r.receiptNo]);
      expect(await desk.ok('payments.list', { date: '2026-04-02' })).toEqual([]);
      expect((await desk.ok('receipts.printDay', { date: '2026-04-03', target: 'pdf' })).copies).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});

describe('student edits', () => {
  it('applies an approved category concession when a student moves into that category, and refuses a stale edit', async () => {
    const c = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Staff child',
      kind: 'percent',
      value: 5_000,
      target: 'category',
      categoryId: school.categories.staff,
      headId: school.heads.tuition,
      reason: 'staff ward',
    });
    await desk.ok('concessions.approve', { concessionId: c.id, approver: ACCOUNTANT });
    const s = await admit(desk, school);
    expect((await desk.ok('payments.openDues', { studentIds: [s.id] })).totals.outstanding).toBe(20_000_00);
    const edit = {
      studentId: s.id,
      version: s.version,
      fullName: s.fullName,
      classId: school.classId,
      sectionId: school.sectionId,
      guardianName: 'Guardian',
      phone: s.phone,
      categoryId: school.categories.staff,
    };
    await desk.ok('students.update', edit);
    expect((await desk.ok('payments.openDues', { studentIds: [s.id] })).totals.outstanding).toBe(20_000_00 - 6_000_00);
    const stale = await desk.call('students.update', { ...edit, fullName: 'Someone else' });
    expect(errorOf(stale)).toMatchObject({ code: 'conflict', field: 'version' });
  });
});

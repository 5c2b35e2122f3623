// A school taken through two whole years on one desk, every figure worked out by hand first: fees collected, a
// transport route started in October and stopped in January, a caution deposit, the year-end rollover (Class 4 → 5,
// tuition +10%), arrears collected with the new year's fees, a withdrawal in June with both terms' fees refunded in part, advance credit paid
// back and the deposit returned with a lost ID card set off against it. The defaulters (by year), the collection
// summary, the day close, the accounting journal and the statements must all agree with the hand figures.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { ReportFilters, ReportTable } from '../../src/shared/contract/reports';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

let desk: TestDesk;
const run = (filters: ReportFilters) => desk.ok('reports.run', filters) as Promise<ReportTable>;
/** The collection summary's net per fee head over the days, as `{ head: net }`. */
async function netByHead(from: string, to: string) {
  const table = await run({ report: 'collection', from, to, groupBy: ['head'], view: 'net' });
  return Object.fromEntries(table.rows.map((r) => [r['head'] as string, r['net'] as number]).filter(([, net]) => net !== 0));
}
/** Defaulters as `student · year → balance`. */
async function defaulters(asOf: string, yearId?: string) {
  const table = await run({ report: 'defaulters', asOf, ...(yearId ? { yearId } : {}) });
  return Object.fromEntries(table.rows.map((r) => [`${r['student'] as string} · ${r['year'] as string}`, r['balance'] as number]));
}

const ids = {} as {
  y1: string;
  class4: string;
  class5: string;
  class4A: string;
  tuition: string;
  transport: string;
  deposit: string;
  idCard: string;
  anika: string;
  bala: string;
};

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2025-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  const y1 = await desk.ok('masters.createYear', { name: '2025-26', startsOn: '2025-04-01', endsOn: '2026-03-31', makeCurrent: true });
  const class4 = await desk.ok('masters.createClass', { name: 'Class 4', sortOrder: 4, sections: ['A'] });
  const class5 = await desk.ok('masters.createClass', { name: 'Class 5', sortOrder: 5, sections: ['A'] });
  const tuition = await desk.ok('masters.createHead', { name: 'Tuition' });
  const transport = await desk.ok('masters.createHead', { name: 'Transport' });
  const deposit = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
  const idCard = await desk.ok('masters.createHead', { name: 'ID card' });
  for (const cls of [class4, class5]) {
    const structure = await desk.ok('structures.create', {
      yearId: y1.id,
      classId: cls.id,
      name: `${cls.name} — 2025-26`,
      plan: 'termwise',
      installments: [
        { label: 'Term 1', dueOn: '2025-04-10' },
        { label: 'Term 2', dueOn: '2025-10-10' },
      ],
      heads: [{ headId: tuition.id, amount: 20_000_00 }],
      fineRule: null,
    });
    await desk.ok('structures.assign', { structureId: structure.id });
  }
  Object.assign(ids, {
    y1: y1.id,
    class4: class4.id,
    class5: class5.id,
    class4A: class4.sections[0]!.id,
    tuition: tuition.id,
    transport: transport.id,
    deposit: deposit.id,
    idCard: idCard.id,
  });
  for (const [key, fullName, no] of [
    ['anika', 'Anika Rao', 'A-401'],
    ['bala', 'Bala Iyer', 'A-402'],
  ] as const) {
    const s = await desk.ok('students.create', {
      admissionNo: no,
      fullName,
      classId: class4.id,
      sectionId: ids.class4A,
      guardianName: 'Guardian',
      phone: key === 'anika' ? '9845000401' : '9845000402',
      categoryId: null,
      familyId: null,
      joinedOn: '2025-04-01',
    });
    ids[key] = s.id;
  }
});
afterAll(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

describe('a school through two years', () => {
  it('year one: fees, a deposit, a transport route from October stopped in January', async () => {
    await desk.ok('charges.oneOff', {
      studentIds: [ids.anika],
      headId: ids.deposit,
      label: 'Caution money',
      amount: 5_000_00,
      dueOn: '2025-04-02',
    });
    await desk.travelTo('2025-04-05T05:00:00Z');
    // Anika: the deposit (due first) and Term 1; Bala: Term 1 by UPI.
    await desk.ok('payments.record', { studentIds: [ids.anika], amount: 15_000_00, method: { mode: 'cash' } });
    await desk.ok('payments.record', { studentIds: [ids.bala], amount: 10_000_00, method: { mode: 'upi', utr: 'UTR2025040501' } });
    expect((await desk.ok('dayClose.status', { date: '2025-04-05' })).expected).toMatchObject({ cash: 15_000_00, upi: 10_000_00 });

    await desk.travelTo('2025-09-25T05:00:00Z');
    const months = ['Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'];
    const plan = await desk.ok('charges.createPlan', {
      yearId: ids.y1,
      headId: ids.transport,
      name: 'School bus',
      kind: 'transport',
      installments: months.map((label, i) => ({ label, dueOn: i < 3 ? `2025-${10 + i}-01` : `2026-0${i - 2}-01` })),
      stops: [{ route: 'North', name: 'Lake Road', fares: months.map(() => 1_000_00) }],
    });
    await desk.ok('charges.assign', { planId: plan.id, studentIds: [ids.anika], stopId: plan.stops[0]!.id, startsOn: '2025-10-01' });

    await desk.travelTo('2025-10-20T05:00:00Z');
    // October's fare (due 1 Oct) and Term 2 (due 10 Oct).
    await desk.ok('payments.record', { studentIds: [ids.anika], amount: 11_000_00, method: { mode: 'cash' } });

    await desk.travelTo('2026-01-15T05:00:00Z');
    const [bus] = await desk.ok('charges.forStudent', { studentId: ids.anika });
    expect(await desk.ok('charges.stop', { assignmentId: bus!.id, stopsOn: '2026-01-15', reason: 'Parents drop her now' })).toEqual({
      duesWaived: 2,
      amountWaived: 2_000_00,
      paidAfterStop: 0,
    });
    await desk.travelTo('2026-02-10T05:00:00Z');
    await desk.ok('payments.record', { studentIds: [ids.anika], amount: 2_000_00, method: { mode: 'cash' } });

    // Fee income of the year: tuition 10,000 × 3 terms paid, transport Oct–Dec; the deposit is no income.
    expect(await netByHead('2025-04-01', '2026-03-31')).toEqual({ Tuition: 30_000_00, Transport: 3_000_00 });
    expect(await defaulters('2026-03-25')).toEqual({ 'Bala Iyer · 2025-26': 10_000_00, 'Anika Rao · 2025-26': 1_000_00 });
  });

  it('the rollover: Class 4 → 5 with tuition up 10%, last year’s dues kept as arrears', async () => {
    await desk.travelTo('2026-03-25T05:00:00Z');
    const plan = {
      fromYearId: ids.y1,
      newYear: { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31' },
      classes: [
        { fromClassId: ids.class4, toClassId: ids.class5 },
        { fromClassId: ids.class5, toClassId: null },
      ],
      exceptions: [],
      fees: { changes: [{ headId: ids.tuition, basisPoints: 1000 }], roundTo: 10_00 },
    };
    const done = await desk.ok('years.rollover', { plan, approver: ACCOUNTANT });
    expect(done).toMatchObject({ alreadyDone: false, duesCreated: 4 });
    expect((await desk.ok('years.rollover', { plan, approver: ACCOUNTANT })).alreadyDone).toBe(true);
    const y2 = (await desk.ok('masters.get')).years.find((y) => y.name === '2026-27')!;
    expect(await defaulters('2026-03-25', ids.y1)).toEqual({ 'Bala Iyer · 2025-26': 10_000_00, 'Anika Rao · 2025-26': 1_000_00 });
    expect(await defaulters('2026-04-30', y2.id)).toEqual({ 'Bala Iyer · 2026-27': 11_000_00, 'Anika Rao · 2026-27': 11_000_00 });
  });

  it('year two: arrears first, then the new fees; a withdrawal in June refunded, credit paid back, the deposit returned', async () => {
    await desk.travelTo('2026-04-05T05:00:00Z');
    // Bala: last year's Term 2, then 5,000 of this year's Term 1. Anika: January's bus fare, the year's two terms, ₹500 over.
    await desk.ok('payments.record', { studentIds: [ids.bala], amount: 15_000_00, method: { mode: 'upi', utr: 'UTR2026040501' } });
    await desk.ok('payments.record', { studentIds: [ids.anika], amount: 23_500_00, method: { mode: 'cash' } });
    expect((await desk.ok('refunds.refundable', { studentId: ids.anika })).credit).toBe(500_00);
    await desk.travelTo('2026-06-15T05:00:00Z');
    await desk.ok('charges.oneOff', {
      studentIds: [ids.anika],
      headId: ids.idCard,
      label: 'Lost ID card',
      amount: 300_00,
      dueOn: '2026-06-15',
    });

    await desk.travelTo('2026-06-20T05:00:00Z');
    const view = await desk.ok('refunds.refundable', { studentId: ids.anika });
    expect(view.depositHeld).toBe(5_000_00);
    const term1 = view.fees.find((f) => f.year === '2026-27' && f.installment === 'Term 1')!;
    const term2 = view.fees.find((f) => f.year === '2026-27' && f.installment === 'Term 2')!;
    const idCard = view.owed.find((o) => o.head === 'ID card')!;
    const common = { studentId: ids.anika, reason: 'Withdrawn: family moved to Pune', approver: ACCOUNTANT };
    const fee = await desk.ok('refunds.record', {
      ...common,
      kind: 'fee',
      lines: [
        { dueId: term1.dueId, amount: 6_000_00 },
        { dueId: term2.dueId, amount: 11_000_00 },
      ],
      method: { mode: 'cheque', chequeNo: '004512', bank: 'Canara Bank', chequeDate: '2026-06-20' },
    });
    const credit = await desk.ok('refunds.record', {
      ...common,
      kind: 'credit',
      amount: 500_00,
      method: { mode: 'bank_transfer', reference: 'NEFT26062001' },
    });
    const deposit = await desk.ok('refunds.record', {
      ...common,
      kind: 'deposit',
      amount: 4_700_00,
      setOff: [{ dueId: idCard.dueId, amount: 300_00 }],
      method: { mode: 'cash' },
    });
    expect([fee, credit, deposit].map((v) => v.voucherNo)).toEqual([
      'RF/2026-27/D01/00001',
      'RF/2026-27/D01/00002',
      'RF/2026-27/D01/00003',
    ]);
    const left = await desk.ok('students.leave', { studentId: ids.anika, leftOn: '2026-06-20', reason: 'Family moved to Pune' });
    expect(left).toMatchObject({ duesWaived: 0, amountWaived: 0 });
    expect((await desk.ok('students.noDuesCertificate', { studentId: ids.anika, target: 'pdf' })).certificateNo).toMatch(/^NDC\//);

    // Collection: year two to June — tuition 10,000 + 5,000 + 22,000 − 17,000 refunded; January's bus fare; the ID card
    // set off from the deposit; the ₹500 of credit taken and paid back nets to nothing.
    expect(await netByHead('2026-04-01', '2026-06-30')).toEqual({ Tuition: 20_000_00, Transport: 1_000_00, 'ID card': 300_00 });
    expect(await netByHead('2026-06-20', '2026-06-20')).toEqual({ Tuition: -17_000_00, 'ID card': 300_00, 'Advance credit': -500_00 });
    // The drawer on the refund day: the 4,700 of the deposit paid out in cash (the fees went back by the school's
    // cheque, the ₹500 by bank transfer: neither leaves the drawer).
    expect((await desk.ok('dayClose.status', { date: '2026-06-20' })).expected).toMatchObject({
      cash: -4_700_00,
      cheque: 0,
      bank_transfer: 0,
    });

    // Defaulters: nothing left of last year; Bala owes 6,000 of Term 1; Anika owes nothing.
    expect(await defaulters('2026-06-20', ids.y1)).toEqual({});
    expect(await defaulters('2026-06-20')).toEqual({ 'Bala Iyer · 2026-27': 6_000_00 });

    // Statements: Anika charged 5,000 + 20,000 + 6,000 + 22,000 + 300; waived 2,000 (bus) + 17,000 + 5,000 (refunds);
    // paid 15,000 + 11,000 + 2,000 + 23,500 + 300 set off; refunded 17,000 + 500 + 5,000.
    const anika = await desk.ok('payments.ledger', { studentId: ids.anika });
    expect(anika.totals).toEqual({
      charged: 53_300_00,
      concessions: 0,
      waived: 24_000_00,
      paid: 51_800_00,
      refunded: 22_500_00,
      balance: 0,
      outstanding: 0,
      credit: 0,
    });
    const bala = await desk.ok('payments.ledger', { studentId: ids.bala });
    expect(bala.totals).toMatchObject({ charged: 42_000_00, paid: 25_000_00, balance: 17_000_00, outstanding: 17_000_00 });
    const statement = await run({ report: 'statement', studentId: ids.anika });
    expect(statement.rows.at(-1)?.['balance']).toBe(0);

    // Deposits held: Anika's ₹5,000 until the day she left, then nothing (₹300 set off, ₹4,700 paid back).
    const held = async (asOf: string) =>
      (await run({ report: 'deposits', asOf })).rows.map((r) => [r['student'], r['collected'], r['setOff'], r['refunded'], r['held']]);
    expect(await held('2026-06-19')).toEqual([['Anika Rao', 5_000_00, 0, 0, 5_000_00]]);
    expect(await held('2026-06-20')).toEqual([['Anika Rao', 5_000_00, 300_00, 4_700_00, 0]]);
    const register = await run({ report: 'refunds', from: '2026-04-01', to: '2026-06-30' });
    expect(register.rows.map((r) => [r['voucherNo'], r['paidOut'], r['setOff']])).toEqual([
      ['RF/2026-27/D01/00001', 17_000_00, 0],
      ['RF/2026-27/D01/00002', 500_00, 0],
      ['RF/2026-27/D01/00003', 4_700_00, 300_00],
    ]);

    // The journal of the refund day: three vouchers, each balanced, with the accounts an accountant expects.
    const journal = await run({ report: 'journal', from: '2026-06-20', to: '2026-06-20', layout: 'tally' });
    const byVoucher = new Map<string, Record<string, [number, number]>>();
    for (const r of journal.rows) {
      const lines = byVoucher.get(r['voucherNo'] as string) ?? {};
      lines[r['account'] as string] = [r['debit'] as number, r['credit'] as number];
      byVoucher.set(r['voucherNo'] as string, lines);
    }
    expect(Object.fromEntries(byVoucher)).toEqual({
      'RF/2026-27/D01/00001': { Bank: [0, 17_000_00], 'Fee income - Tuition': [17_000_00, 0] },
      'RF/2026-27/D01/00002': { Bank: [0, 500_00], 'Advance fees from students': [500_00, 0] },
      'RF/2026-27/D01/00003': {
        Cash: [0, 4_700_00],
        'Refundable deposits - Caution deposit': [5_000_00, 0],
        'Fee income - ID card': [0, 300_00],
      },
    });
    // The deposit taken in year one went to its own ledger, not to income.
    const first = await run({ report: 'journal', from: '2025-04-05', to: '2025-04-05', layout: 'tally' });
    expect(first.rows.filter((r) => r['voucherNo'] === '2025-26/D01/000001').map((r) => [r['account'], r['debit'], r['credit']])).toEqual([
      ['Cash', 15_000_00, 0],
      ['Refundable deposits - Caution deposit', 0, 5_000_00],
      ['Fee income - Tuition', 0, 10_000_00],
    ]);
  });
});

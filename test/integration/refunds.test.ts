// Refund vouchers: fees paid back to a withdrawn student, advance credit paid in excess, and a refundable deposit
// partly set off against what is still owed. Each approved by a second person, numbered, in the ledger, the collection
// facts and the drawer on its own day; bad input refused with nothing written; the race and the clock held.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportTable } from '../../src/shared/contract/reports';
import type { InputOf } from '../../src/shared/contract';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import { ACCOUNTANT, hireStaff } from '../support/staff';

const SECOND_ACCOUNTANT = { username: 'kiran', password: 'second-pair-of-eyes-2' };

let desk: TestDesk;
let school: SmallSchool;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await hireStaff(desk);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const dueOf = async (studentId: string, installment: string, head: string) => {
  const dues = await desk.ok('payments.openDues', { studentIds: [studentId] });
  return dues.items.find((i) => i.installment === installment && i.head === head)!;
};
const refundable = (studentId: string) => desk.ok('refunds.refundable', { studentId });
const collection = async (day: string) =>
  (await desk.ok('reports.run', { report: 'collection', from: day, to: day, groupBy: ['head'], view: 'net' })) as ReportTable;
const netOf = (table: ReportTable, head: string) => (table.rows.find((r) => r['head'] === head)?.['net'] as number | undefined) ?? 0;
/** A student's ledger and the vouchers written: a refused refund leaves both as they were. */
const books = async (studentId: string) => [await desk.ok('payments.ledger', { studentId }), await desk.ok('refunds.list', {})];

describe('a fee refund', () => {
  it('pays back part of a fee paid, waives it, and counts on the voucher’s day; the receipt can no longer be cancelled', async () => {
    const s = await admit(desk, school);
    const paid = await desk.ok('payments.record', { studentIds: [s.id], amount: 3_500_00, method: { mode: 'cash' } });
    await desk.travelTo('2026-06-15T06:00:00Z');
    const view = await refundable(s.id);
    const tuition = view.fees.find((f) => f.installment === 'Quarter 1' && f.head === 'Tuition')!;
    expect(tuition).toMatchObject({ charged: 3_000_00, refundable: 3_000_00, uncleared: 0, year: '2026-27' });

    const voucher = await desk.ok('refunds.record', {
      kind: 'fee',
      studentId: s.id,
      lines: [{ dueId: tuition.dueId, amount: 2_000_00 }],
      method: { mode: 'cash' },
      reason: 'Withdrawn in June: two months of the quarter refunded',
      approver: ACCOUNTANT,
    });
    expect(voucher).toMatchObject({
      voucherNo: 'RF/2026-27/D01/00001',
      kind: 'fee',
      amount: 2_000_00,
      setOffTotal: 0,
      mode: 'cash',
      businessDate: '2026-06-15',
      approvedBy: 'Meera Iyer',
      lines: [{ year: '2026-27', installment: 'Quarter 1', head: 'Tuition', amount: 2_000_00 }],
    });
    // Paid back and waived: not owed again, and what stays paid can still be refunded.
    expect((await desk.ok('payments.openDues', { studentIds: [s.id] })).items.map((i) => `${i.installment} ${i.head}`)).not.toContain(
      'Quarter 1 Tuition',
    );
    expect((await refundable(s.id)).fees.find((f) => f.dueId === tuition.dueId)).toMatchObject({ refundable: 1_000_00 });
    const ledger = await desk.ok('payments.ledger', { studentId: s.id });
    expect(ledger.entries.filter((e) => e.kind === 'waiver').map((e) => e.credit)).toEqual([2_000_00]);
    expect(ledger.totals.balance).toBe(
      (await desk.ok('payments.openDues', { studentIds: [s.id] })).totals.outstanding - ledger.totals.credit,
    );
    // The day's collection is net of it, under the head it refunded; the receipt's own day is unchanged.
    expect(netOf(await collection('2026-06-15'), 'Tuition')).toBe(-2_000_00);
    expect(netOf(await collection('2026-04-02'), 'Tuition')).toBe(3_000_00);
    // The drawer expects that much less cash.
    expect((await desk.ok('dayClose.status', { date: '2026-06-15' })).expected['cash']).toBe(-2_000_00);

    const cancel = await desk.call('payments.cancel', { paymentId: paid.paymentId, reason: 'typed twice', approver: ACCOUNTANT });
    expect(cancel).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'receipt 2026-27/D01/000001 has money paid back on refund voucher RF/2026-27/D01/00001: it can no longer be cancelled',
      },
    });

    expect((await desk.ok('refunds.voucher', { refundId: voucher.id })).voucherNo).toBe(voucher.voucherNo);
    expect(await desk.ok('refunds.list', { studentId: s.id })).toEqual([
      expect.objectContaining({ voucherNo: voucher.voucherNo, amount: 2_000_00, kind: 'fee', mode: 'cash' }),
    ]);
  });

  it('refuses a refund above what was paid, of a fee not paid, of a deposit as a fee, and one approved by its requester: nothing written', async () => {
    const s = await admit(desk, school);
    await desk.ok('payments.record', { studentIds: [s.id], amount: 1_000_00, method: { mode: 'cash' } });
    await desk.ok('payments.record', {
      studentIds: [s.id],
      amount: 2_000_00,
      method: { mode: 'cheque', chequeNo: '123456', bank: 'Canara Bank', chequeDate: '2026-04-02' },
    });
    const view = await refundable(s.id);
    const fee = view.fees[0]!;
    expect(fee).toMatchObject({ installment: 'Quarter 1', head: 'Tuition', refundable: 1_000_00, uncleared: 2_000_00 });
    const q2 = await dueOf(s.id, 'Quarter 2', 'Tuition');
    const before = await books(s.id);
    const base = { kind: 'fee' as const, studentId: s.id, method: { mode: 'cash' as const }, reason: 'Withdrawn', approver: ACCOUNTANT };
    expect(await desk.call('refunds.record', { ...base, lines: [{ dueId: fee.dueId, amount: 1_000_01 }] })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        field: 'lines.0.amount',
        message:
          'is above what was paid: ₹1,000.00 paid on Quarter 1 · Tuition (2026-27) can be refunded; ₹2,000.00 more was paid by a cheque not yet cleared',
      },
    });
    expect(await desk.call('refunds.record', { ...base, lines: [{ dueId: q2.key.replace('due:', ''), amount: 100 }] })).toMatchObject({
      ok: false,
      error: {
        field: 'lines.0.dueId',
        message: 'has nothing paid left to refund: Quarter 2 · Tuition (2026-27) is unpaid or refunded already',
      },
    });
    const deposit = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
    await desk.ok('charges.oneOff', {
      studentIds: [s.id],
      headId: deposit.id,
      label: 'Caution money',
      amount: 100_00,
      dueOn: '2026-04-02',
    });
    await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
    const held = (await refundable(s.id)).deposits[0]!;
    expect(held).toMatchObject({ head: 'Caution deposit', refundable: 100_00 });
    expect(await desk.call('refunds.record', { ...base, lines: [{ dueId: held.dueId, amount: 1 }] })).toMatchObject({
      ok: false,
      error: { field: 'lines.0.dueId', message: 'is a refundable deposit: refund it as a deposit' },
    });
    // The admin asks and names herself as the approver.
    const self = await desk.call('refunds.record', {
      ...base,
      lines: [{ dueId: fee.dueId, amount: 100_00 }],
      approver: { username: 'principal', password: 'correct horse battery' },
    });
    expect(self).toMatchObject({ ok: false, error: { field: 'approver.username', message: expect.stringMatching(/second person/) } });
    expect(await desk.ok('refunds.list', {})).toEqual([]);
    expect((await books(s.id))[0]).toMatchObject({ totals: { refunded: (before[0] as { totals: { refunded: number } }).totals.refunded } });
  });

  it('lets one of two refunds of the same money through when both are asked at once (two windows, two approvers)', async () => {
    const s = await admit(desk, school);
    await desk.ok('payments.record', { studentIds: [s.id], amount: 3_000_00, method: { mode: 'cash' } });
    const fee = (await refundable(s.id)).fees[0]!;
    await desk.ok('users.create', { ...SECOND_ACCOUNTANT, fullName: 'Kiran Shetty', role: 'accountant' });
    for (const a of [ACCOUNTANT, SECOND_ACCOUNTANT]) await desk.setUpTwoStepFor(a);
    const ask = (approver: typeof ACCOUNTANT) =>
      desk.call('refunds.record', {
        kind: 'fee',
        studentId: s.id,
        lines: [{ dueId: fee.dueId, amount: fee.refundable }],
        method: { mode: 'cash' },
        reason: 'Withdrawn',
        approver,
      });
    const results = await Promise.all([ask(ACCOUNTANT), ask(SECOND_ACCOUNTANT)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok))
      expect(r).toMatchObject({
        error: { message: 'has nothing paid left to refund: Quarter 1 · Tuition (2026-27) is unpaid or refunded already' },
      });
    expect((await refundable(s.id)).fees).toEqual([]);
  });

  it('is refused on a day already closed, even with the clock set back to it', async () => {
    const s = await admit(desk, school);
    await desk.ok('payments.record', { studentIds: [s.id], amount: 3_000_00, method: { mode: 'cash' } });
    await desk.ok('dayClose.close', { date: '2026-04-02', counted: {}, cashCount: { '50000': 6 } });
    await desk.travelTo('2026-04-03T05:00:00Z');
    desk.clock.current = new Date('2026-04-02T10:00:00Z');
    const fee = (await refundable(s.id)).fees[0]!;
    const refused = await desk.call('refunds.record', {
      kind: 'fee',
      studentId: s.id,
      lines: [{ dueId: fee.dueId, amount: 100_00 }],
      method: { mode: 'cash' },
      reason: 'Withdrawn',
      approver: ACCOUNTANT,
    });
    expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/closed/) } });
    expect(await desk.ok('refunds.list', {})).toEqual([]);
  });
});

describe('advance credit refunded', () => {
  it('pays back credit by bank transfer, no more than is held', async () => {
    const s = await admit(desk, school);
    await desk.ok('payments.record', { studentIds: [s.id], amount: 20_500_00, method: { mode: 'cash' } });
    expect((await refundable(s.id)).credit).toBe(500_00);
    const base = { kind: 'credit' as const, studentId: s.id, reason: 'Paid twice over', approver: ACCOUNTANT };
    expect(await desk.call('refunds.record', { ...base, amount: 500_01, method: { mode: 'cash' } })).toMatchObject({
      ok: false,
      error: { field: 'amount', message: 'is above the advance credit held for this student (₹500.00)' },
    });
    const voucher = await desk.ok('refunds.record', {
      ...base,
      amount: 500_00,
      method: { mode: 'bank_transfer', reference: 'NEFT 2026 0402 77' },
    });
    expect(voucher).toMatchObject({ amount: 500_00, mode: 'bank_transfer', reference: 'NEFT2026040277' });
    expect((await refundable(s.id)).credit).toBe(0);
    expect(netOf(await collection('2026-04-02'), 'Advance credit')).toBe(0);
    // Not cash: the drawer is not short of it.
    expect((await desk.ok('dayClose.status', { date: '2026-04-02' })).expected['cash']).toBe(20_500_00);
  });
});

describe('a refundable deposit', () => {
  const depositHead = () => desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });

  it('is held, never income, and paid back at leaving with part set off against a fee still owed', async () => {
    const head = await depositHead();
    expect(head.deposit).toBe(true);
    const s = await admit(desk, school);
    await desk.ok('charges.oneOff', { studentIds: [s.id], headId: head.id, label: 'Caution money', amount: 5_000_00, dueOn: '2026-04-02' });
    await desk.ok('payments.record', { studentIds: [s.id], amount: 8_500_00, method: { mode: 'cash' } });
    // Collected with the fees, in the drawer, but not fee income.
    const day = await collection('2026-04-02');
    expect(day.rows.map((r) => r['head'])).not.toContain('Caution deposit');
    expect(day.rows.reduce((a, r) => a + (r['net'] as number), 0)).toBe(8_500_00 - 5_000_00);
    expect((await desk.ok('dayClose.status', { date: '2026-04-02' })).expected['cash']).toBe(8_500_00);

    await desk.travelTo('2027-03-20T05:00:00Z');
    const view = await refundable(s.id);
    expect(view.depositHeld).toBe(5_000_00);
    expect(view.fees.map((f) => f.head)).not.toContain('Caution deposit');
    const owedQ4 = view.owed.find((o) => o.installment === 'Quarter 4' && o.head === 'Tuition')!;
    const base = {
      kind: 'deposit' as const,
      studentId: s.id,
      method: { mode: 'cash' as const },
      reason: 'Leaving after Class 5',
      approver: ACCOUNTANT,
    };
    expect(
      await desk.call('refunds.record', { ...base, amount: 4_000_00, setOff: [{ dueId: owedQ4.dueId, amount: 1_500_00 }] }),
    ).toMatchObject({
      ok: false,
      error: {
        field: 'amount',
        message: 'is above the deposit held: ₹5,500.00 (₹4,000.00 paid back and ₹1,500.00 set off) asked, ₹5,000.00 held',
      },
    });
    expect(
      await desk.call('refunds.record', { ...base, amount: 0, setOff: [{ dueId: owedQ4.dueId, amount: owedQ4.balance + 1 }] }),
    ).toMatchObject({
      ok: false,
      error: { field: 'setOff.0.amount' },
    });

    const voucher = await desk.ok('refunds.record', { ...base, amount: 3_000_00, setOff: [{ dueId: owedQ4.dueId, amount: 1_500_00 }] });
    expect(voucher).toMatchObject({
      kind: 'deposit',
      amount: 3_000_00,
      setOffTotal: 1_500_00,
      depositLeft: 500_00,
      lines: [{ head: 'Caution deposit', installment: 'Caution money', amount: 4_500_00 }],
      setOff: [{ head: 'Tuition', installment: 'Quarter 4', amount: 1_500_00 }],
    });
    expect((await refundable(s.id)).depositHeld).toBe(500_00);
    expect(await dueOf(s.id, 'Quarter 4', 'Tuition')).toMatchObject({ paid: 1_500_00, balance: owedQ4.balance - 1_500_00 });
    // The set-off is fee income on the voucher's day; the cash paid back is not (a deposit is no income).
    expect(netOf(await collection('2027-03-20'), 'Tuition')).toBe(1_500_00);
    expect((await desk.ok('dayClose.status', { date: '2027-03-20' })).expected['cash']).toBe(-3_000_00);
    expect(await desk.call('refunds.record', { ...base, amount: 500_01 })).toMatchObject({
      ok: false,
      error: { message: 'is above the deposit held: ₹500.01 asked, ₹500.00 held' },
    });
    const rest = await desk.ok('refunds.record', { ...base, amount: 500_00 });
    expect(rest).toMatchObject({ voucherNo: 'RF/2026-27/D01/00002', depositLeft: 0 });
  });

  it('is not reduced by a concession on all heads: a deposit is not a fee', async () => {
    const head = await depositHead();
    const s = await admit(desk, school);
    await desk.ok('charges.oneOff', { studentIds: [s.id], headId: head.id, label: 'Caution money', amount: 5_000_00, dueOn: '2026-04-02' });
    const half = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Half fees',
      kind: 'percent',
      value: 5_000,
      target: 'student',
      studentId: s.id,
      reason: 'Staff ward',
    });
    await desk.ok('concessions.approve', { concessionId: half.id, approver: ACCOUNTANT });
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(dues.items.find((i) => i.head === 'Caution deposit')).toMatchObject({ gross: 5_000_00, concession: 0, balance: 5_000_00 });
    expect(dues.items.find((i) => i.installment === 'Quarter 1' && i.head === 'Tuition')).toMatchObject({ concession: 1_500_00 });
  });

  it('refuses a tax rate on a deposit head', async () => {
    expect(await desk.call('masters.createHead', { name: 'Security deposit', deposit: true, taxRateBp: 1800 })).toMatchObject({
      ok: false,
      error: { field: 'taxRateBp', message: 'must be 0 for a refundable deposit: a deposit is not a sale' },
    });
  });
});

export type RefundInput = InputOf<'refunds.record'>;

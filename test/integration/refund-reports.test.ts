// Every report true to refunds and deposits (issue 20, parts 3 and 4): a small school's two days — receipts with a
// refundable deposit and a taxed head, then a cancellation, a fee refund by cash, advance credit refunded by bank transfer
// and a deposit paid back with part set off against a fee — read in the day book, the journal, the collection summary,
// the refunds register, the deposits held, the day close, the dashboard and the statement, figures worked by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportFilters, ReportRow, ReportTable } from '../../src/shared/contract/reports';
import { ADMIN, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
const DAY1 = '2026-04-02';
const DAY2 = '2026-06-15';

let desk: TestDesk;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(`${DAY1}T05:00:00Z`);
  await setUpSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const run = (filters: ReportFilters) => desk.ok('reports.run', filters) as Promise<ReportTable>;
const at = (time: string) => (desk.clock.current = new Date(`${DAY2}T${time}:00Z`));
const cash = { mode: 'cash' as const };

/**
 * Day 1: Anu (uniform ₹1,180 at 18% tax + Quarter 1 ₹4,500), Bala (caution deposit ₹5,000 + Quarter 1), Chitra (the
 * year's ₹20,000 and ₹500 over) and Dev (Quarter 1) pay cash. Day 2: Bala pays Quarter 2 transport by UPI, Dev's receipt
 * is cancelled, Anu is refunded ₹2,000 tuition and the uniform by cash, Chitra's ₹500 credit goes back by bank transfer,
 * and Bala's deposit goes back: ₹2,500 cash and ₹2,000 set off against Quarter 2 tuition (₹500 stays held).
 */
async function twoDays() {
  const school = await seedSmallSchool(desk);
  const deposit = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
  const uniform = await desk.ok('masters.createHead', { name: 'Uniform', taxRateBp: 1800 });
  const [anu, bala, chitra, dev] = [
    await admit(desk, school, { fullName: 'Anu Pillai' }),
    await admit(desk, school, { fullName: 'Bala Menon' }),
    await admit(desk, school, { fullName: 'Chitra Das' }),
    await admit(desk, school, { fullName: 'Dev Shah' }),
  ];
  const charge = (studentId: string, headId: string, label: string, amount: number) =>
    desk.ok('charges.oneOff', { studentIds: [studentId], headId, label, amount, dueOn: DAY1 });
  await charge(anu!.id, uniform.id, 'Uniform set', 1_180_00);
  await charge(bala!.id, deposit.id, 'Caution money', 5_000_00);
  const pay = (studentId: string, amount: number) => desk.ok('payments.record', { studentIds: [studentId], amount, method: cash });
  await pay(anu!.id, 5_680_00);
  await pay(bala!.id, 9_500_00);
  await pay(chitra!.id, 20_500_00);
  const devReceipt = await pay(dev!.id, 4_500_00);
  // Never paid: Dev's deposit is owed, not held.
  await charge(dev!.id, deposit.id, 'Caution money', 5_000_00);

  await desk.travelTo(`${DAY2}T06:00:00Z`);
  const dueOf = async (studentId: string, installment: string, head: string) =>
    (await desk.ok('payments.openDues', { studentIds: [studentId] })).items.find((i) => i.installment === installment && i.head === head)!;
  const transportQ2 = await dueOf(bala!.id, 'Quarter 2', 'Transport');
  await desk.ok('payments.record', {
    studentIds: [bala!.id],
    amount: 1_500_00,
    method: { mode: 'upi', utr: 'UPI412345678901' },
    allocations: [{ key: transportQ2.key, amount: 1_500_00 }],
  });
  at('06:10');
  await desk.ok('payments.cancel', { paymentId: devReceipt.paymentId, reason: 'Written for the wrong child', approver: ACCOUNTANT });

  at('06:20');
  const fees = (await desk.ok('refunds.refundable', { studentId: anu!.id })).fees;
  const feeLine = (head: string, amount: number) => ({ dueId: fees.find((f) => f.head === head)!.dueId, amount });
  const feeRefund = await desk.ok('refunds.record', {
    kind: 'fee',
    studentId: anu!.id,
    lines: [feeLine('Tuition', 2_000_00), feeLine('Uniform', 1_180_00)],
    method: cash,
    reason: 'Withdrawn in June',
    approver: ACCOUNTANT,
  });
  at('06:30');
  const creditRefund = await desk.ok('refunds.record', {
    kind: 'credit',
    studentId: chitra!.id,
    amount: 500_00,
    method: { mode: 'bank_transfer', reference: 'NEFT2026061501' },
    reason: 'Paid over the year’s fees',
    approver: ACCOUNTANT,
  });
  at('06:40');
  const owed = (await desk.ok('refunds.refundable', { studentId: bala!.id })).owed;
  const tuitionQ2 = owed.find((o) => o.installment === 'Quarter 2' && o.head === 'Tuition')!;
  const depositRefund = await desk.ok('refunds.record', {
    kind: 'deposit',
    studentId: bala!.id,
    amount: 2_500_00,
    setOff: [{ dueId: tuitionQ2.dueId, amount: 2_000_00 }],
    method: cash,
    reason: 'Leaving: deposit back less Quarter 2 tuition',
    approver: ACCOUNTANT,
  });
  return { anu: anu!, bala: bala!, chitra: chitra!, dev: dev!, feeRefund, creditRefund, depositRefund };
}

const pick = (rows: ReportRow[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
const summaryOf = (t: ReportTable) => Object.fromEntries(t.summary.map((s) => [s.label, s.amount]));

describe('the day book', () => {
  it('lists each refund voucher paid out as its own negative entry, and its summary and net take them in', async () => {
    const d = await twoDays();
    const book = await run({ report: 'daybook', date: DAY2 });
    expect(pick(book.rows, ['entry', 'receiptNo', 'student', 'mode', 'reference', 'by', 'amount', 'reason'])).toEqual([
      {
        entry: 'Receipt',
        receiptNo: '2026-27/D01/000005',
        student: 'Bala Menon',
        mode: 'UPI',
        reference: 'UPI412345678901',
        by: ADMIN.fullName,
        amount: 1_500_00,
        reason: '',
      },
      {
        entry: 'Cancelled',
        receiptNo: '2026-27/D01/000004',
        student: 'Dev Shah',
        mode: 'Cash',
        reference: '',
        by: ADMIN.fullName,
        amount: -4_500_00,
        reason: 'Written for the wrong child',
      },
      {
        entry: 'Refund',
        receiptNo: d.feeRefund.voucherNo,
        student: 'Anu Pillai',
        mode: 'Cash',
        reference: '',
        by: ADMIN.fullName,
        amount: -3_180_00,
        reason: 'Withdrawn in June',
      },
      {
        entry: 'Refund',
        receiptNo: d.creditRefund.voucherNo,
        student: 'Chitra Das',
        mode: 'Bank transfer',
        reference: 'NEFT2026061501',
        by: ADMIN.fullName,
        amount: -500_00,
        reason: 'Paid over the year’s fees',
      },
      {
        entry: 'Refund',
        receiptNo: d.depositRefund.voucherNo,
        student: 'Bala Menon',
        mode: 'Cash',
        reference: '',
        by: ADMIN.fullName,
        amount: -2_500_00,
        reason: 'Leaving: deposit back less Quarter 2 tuition',
      },
    ]);
    expect(book.rowCount).toBe(5);
    expect(book.totals['amount']).toBe(-9_180_00);
    expect(summaryOf(book)).toEqual({
      Cash: -4_500_00 - 3_180_00 - 2_500_00,
      UPI: 1_500_00,
      'Bank transfer': -500_00,
      Receipts: 1_500_00,
      'Cancelled and bounced': -4_500_00,
      'Refunds paid': -6_180_00,
      Net: -9_180_00,
    });
    expect(book.footnote).toMatch(/refund voucher/);
    // Another user's day book at the same desk has none of them.
    const meera = await desk.ok('users.list');
    const other = meera.find((u) => u.username === ACCOUNTANT.username)!;
    expect((await run({ report: 'daybook', date: DAY2, cashierId: other.id })).rowCount).toBe(0);
  });
});

/** The journal's rows by voucher number; each voucher's debits must equal its credits. */
function vouchers(journal: ReportTable): Map<string, ReportRow[]> {
  const byNo = new Map<string, ReportRow[]>();
  for (const r of journal.rows) byNo.set(r['voucherNo'] as string, [...(byNo.get(r['voucherNo'] as string) ?? []), r]);
  for (const [no, rows] of byNo) {
    const sum = (k: string) => rows.reduce((a, r) => a + (r[k] as number), 0);
    expect(sum('debit'), no).toBe(sum('credit'));
  }
  return byNo;
}
const postings = (rows: ReportRow[] | undefined) => (rows ?? []).map((r) => [r['account'], r['debit'], r['credit']]);

describe('the accounting journal', () => {
  it('posts a deposit to its own liability ledger and each refund voucher on its own day, balanced, in both layouts', async () => {
    const d = await twoDays();
    const tally = await run({ report: 'journal', from: DAY1, to: DAY2, layout: 'tally' });
    const byNo = vouchers(tally);
    // Bala's receipt: the deposit is held for him, not income; the later refund and set-off are not under it.
    expect(postings(byNo.get('2026-27/D01/000002'))).toEqual([
      ['Cash', 9_500_00, 0],
      ['Refundable deposits - Caution deposit', 0, 5_000_00],
      ['Fee income - Transport', 0, 1_500_00],
      ['Fee income - Tuition', 0, 3_000_00],
    ]);
    // Anu's receipt as it was taken, tax split off the uniform; the refund is its own voucher.
    expect(postings(byNo.get('2026-27/D01/000001'))).toEqual([
      ['Cash', 5_680_00, 0],
      ['Fee income - Transport', 0, 1_500_00],
      ['Fee income - Tuition', 0, 3_000_00],
      ['Fee income - Uniform', 0, 1_000_00],
      ['Output tax 18%', 0, 180_00],
    ]);
    expect(postings(byNo.get('2026-27/D01/000004-C'))).toEqual([
      ['Cash', 0, 4_500_00],
      ['Fee income - Transport', 1_500_00, 0],
      ['Fee income - Tuition', 3_000_00, 0],
    ]);
    expect(postings(byNo.get(d.feeRefund.voucherNo))).toEqual([
      ['Cash', 0, 3_180_00],
      ['Fee income - Tuition', 2_000_00, 0],
      ['Fee income - Uniform', 1_000_00, 0],
      ['Output tax 18%', 180_00, 0],
    ]);
    expect(postings(byNo.get(d.creditRefund.voucherNo))).toEqual([
      ['Bank', 0, 500_00],
      ['Advance fees from students', 500_00, 0],
    ]);
    expect(postings(byNo.get(d.depositRefund.voucherNo))).toEqual([
      ['Cash', 0, 2_500_00],
      ['Refundable deposits - Caution deposit', 4_500_00, 0],
      ['Fee income - Tuition', 0, 2_000_00],
    ]);
    const refundRow = byNo.get(d.depositRefund.voucherNo)![0]!;
    expect(refundRow).toMatchObject({ date: '15-06-2026', voucherType: 'Payment' });
    expect(refundRow['narration']).toBe(
      `Refund ${d.depositRefund.voucherNo} (refundable deposit), Bala Menon (${d.bala.admissionNo}), Cash`,
    );
    expect(tally.rows.some((r) => String(r['account']).startsWith('Fee income - Caution'))).toBe(false);
    expect(tally.totals['debit']).toBe(tally.totals['credit']);

    const quickbooks = await run({ report: 'journal', from: DAY2, to: DAY2, layout: 'quickbooks' });
    const qb = vouchers(quickbooks);
    expect([...qb.keys()]).toEqual([
      '2026-27/D01/000004-C',
      '2026-27/D01/000005',
      d.feeRefund.voucherNo,
      d.creditRefund.voucherNo,
      d.depositRefund.voucherNo,
    ]);
    expect(qb.get(d.feeRefund.voucherNo)![0]).toMatchObject({ date: '06/15/2026', voucherType: 'Refund', name: 'Anu Pillai' });
    // The money lines of the day are what left and came into the drawer and the bank.
    const money = (account: string) =>
      quickbooks.rows.filter((r) => r['account'] === account).reduce((a, r) => a + (r['debit'] as number) - (r['credit'] as number), 0);
    expect(money('Cash')).toBe(-4_500_00 - 3_180_00 - 2_500_00);
    expect(money('Bank')).toBe(1_500_00 - 500_00);
  });

  it('writes a deposit wholly set off, which pays nothing out, as a journal voucher without cash or bank, and keeps it out of the day book', async () => {
    const d = await twoDays();
    const owed = (await desk.ok('refunds.refundable', { studentId: d.bala.id })).owed;
    const tuitionQ2 = owed.find((o) => o.installment === 'Quarter 2' && o.head === 'Tuition')!;
    const setOff = await desk.ok('refunds.record', {
      kind: 'deposit',
      studentId: d.bala.id,
      amount: 0,
      setOff: [{ dueId: tuitionQ2.dueId, amount: 500_00 }],
      method: cash,
      reason: 'The rest of the deposit against Quarter 2 tuition',
      approver: ACCOUNTANT,
    });
    const journal = vouchers(await run({ report: 'journal', from: DAY2, to: DAY2, layout: 'tally' }));
    expect(postings(journal.get(setOff.voucherNo))).toEqual([
      ['Refundable deposits - Caution deposit', 500_00, 0],
      ['Fee income - Tuition', 0, 500_00],
    ]);
    expect(journal.get(setOff.voucherNo)![0]).toMatchObject({ voucherType: 'Journal' });
    const book = await run({ report: 'daybook', date: DAY2 });
    expect(book.rows.map((r) => r['receiptNo'])).not.toContain(setOff.voucherNo);
    expect(summaryOf(book)['Refunds paid']).toBe(-6_180_00);
    expect((await run({ report: 'deposits', asOf: DAY2 })).rows[0]).toMatchObject({ setOff: 2_500_00, refunded: 2_500_00, held: 0 });
  });
});

describe('collections, refunds and deposits held', () => {
  it('nets the collection summary of refunds on the voucher’s day, by head and by mode, never counting the deposit', async () => {
    await twoDays();
    const byHead = await run({ report: 'collection', from: DAY2, to: DAY2, groupBy: ['head'], view: 'gross' });
    expect(pick(byHead.rows, ['head', 'collected', 'reversed', 'refunded', 'net'])).toEqual([
      { head: 'Advance credit', collected: 0, reversed: 0, refunded: -500_00, net: -500_00 },
      { head: 'Transport', collected: 1_500_00, reversed: -1_500_00, refunded: 0, net: 0 },
      // Anu's ₹2,000 refunded and Bala's ₹2,000 set off from his deposit.
      { head: 'Tuition', collected: 0, reversed: -3_000_00, refunded: 0, net: -3_000_00 },
      { head: 'Uniform', collected: 0, reversed: 0, refunded: -1_180_00, net: -1_180_00 },
    ]);
    const byMode = await run({ report: 'collection', from: DAY2, to: DAY2, groupBy: ['mode'], view: 'net' });
    expect(pick(byMode.rows, ['mode', 'net'])).toEqual([
      { mode: 'Bank transfer', net: -500_00 },
      { mode: 'Cash', net: -4_500_00 - 3_180_00 },
      { mode: 'Set off from deposit', net: 2_000_00 },
      { mode: 'UPI', net: 1_500_00 },
    ]);
    expect(byMode.totals['net']).toBe(-4_680_00);
    const day1 = await run({ report: 'collection', from: DAY1, to: DAY1, groupBy: ['head'], view: 'net' });
    expect(day1.totals['net']).toBe(40_180_00 - 5_000_00);

    const dashboard = await desk.ok('reports.dashboard');
    expect(dashboard.monthToDate).toMatchObject({ from: '2026-06-01', to: DAY2, amount: -4_680_00 });
    expect(dashboard.todayByMode).toContainEqual({ mode: 'Set off from deposit', amount: 2_000_00 });
    expect(dashboard.desksNotClosed).toContainEqual({ desk: 'D01', day: DAY2 });
  });

  it('lists the refund vouchers with what each paid out and set off, by kind too', async () => {
    const d = await twoDays();
    const register = await run({ report: 'refunds', from: DAY1, to: DAY2 });
    // Every voucher of the day was written at desk D01 by the admin and approved by the accountant.
    const same = {
      date: DAY2,
      className: 'Class 5',
      by: ADMIN.fullName,
      approvedBy: 'Meera Iyer',
      desk: 'D01',
      reason: expect.any(String),
    };
    expect(register.rows).toEqual([
      {
        ...same,
        voucherNo: d.feeRefund.voucherNo,
        kind: 'Fees paid',
        student: 'Anu Pillai',
        admissionNo: d.anu.admissionNo,
        mode: 'Cash',
        reference: '',
        paidOut: 3_180_00,
        setOff: 0,
      },
      {
        ...same,
        voucherNo: d.creditRefund.voucherNo,
        kind: 'Advance credit',
        student: 'Chitra Das',
        admissionNo: d.chitra.admissionNo,
        mode: 'Bank transfer',
        reference: 'NEFT2026061501',
        paidOut: 500_00,
        setOff: 0,
      },
      {
        ...same,
        voucherNo: d.depositRefund.voucherNo,
        kind: 'Refundable deposit',
        student: 'Bala Menon',
        admissionNo: d.bala.admissionNo,
        mode: 'Cash',
        reference: '',
        paidOut: 2_500_00,
        setOff: 2_000_00,
      },
    ]);
    expect(register.totals).toEqual({ paidOut: 6_180_00, setOff: 2_000_00 });
    const deposits = await run({ report: 'refunds', from: DAY2, to: DAY2, kind: 'deposit' });
    expect(deposits.rows.map((r) => r['voucherNo'])).toEqual([d.depositRefund.voucherNo]);
    expect((await run({ report: 'refunds', from: DAY1, to: DAY1 })).rowCount).toBe(0);
  });

  it('holds a deposit until it is paid back or set off, per student and head; one owed and never paid is not held', async () => {
    const d = await twoDays();
    const held = async (asOf: string) =>
      pick((await run({ report: 'deposits', asOf })).rows, ['student', 'admissionNo', 'head', 'collected', 'setOff', 'refunded', 'held']);
    const bala = { student: 'Bala Menon', admissionNo: d.bala.admissionNo, head: 'Caution deposit', collected: 5_000_00 };
    expect(await held('2026-06-14')).toEqual([{ ...bala, setOff: 0, refunded: 0, held: 5_000_00 }]);
    expect(await held(DAY2)).toEqual([{ ...bala, setOff: 2_000_00, refunded: 2_500_00, held: 500_00 }]);
    expect(await held('2026-04-01')).toEqual([]);
    expect((await desk.ok('refunds.refundable', { studentId: d.bala.id })).depositHeld).toBe(500_00);
  });

  it('expects the drawer short of the cash paid back and the cancelled receipt, not of the bank transfer', async () => {
    await twoDays();
    const status = await desk.ok('dayClose.status', { date: DAY2 });
    expect(status.expected).toMatchObject({ cash: -4_500_00 - 3_180_00 - 2_500_00, upi: 1_500_00, bank_transfer: 0 });
  });

  it('names the refund and the set-off in the student’s statement, and its balance is the ledger’s', async () => {
    const d = await twoDays();
    const statement = await run({ report: 'statement', studentId: d.bala.id });
    const day2 = statement.rows.filter((r) => r['date'] === DAY2);
    expect(pick(day2, ['kind', 'debit', 'credit'])).toEqual([
      // The deposit paid back and set off is waived, so it is not owed again.
      { kind: 'Waiver', debit: 0, credit: 4_500_00 },
      { kind: 'Payment', debit: 0, credit: 1_500_00 },
      { kind: 'Refund', debit: 4_500_00, credit: 0 },
      { kind: 'Set off from deposit', debit: 0, credit: 2_000_00 },
    ]);
    expect(statement.rows.at(-1)?.['balance']).toBe((await desk.ok('payments.ledger', { studentId: d.bala.id })).totals.balance);
  });
});

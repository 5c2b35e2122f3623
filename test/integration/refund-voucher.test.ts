// The refund voucher on paper: what was paid back and set off, in figures and in words, how and why, who asked and who
// approved, lines to sign; each print counted, DUPLICATE after the first.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { pdfTextIn } from '../support/pdf';
import { ACCOUNTANT, CASHIER, hireStaff } from '../support/staff';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

const ARTIFACTS = join(import.meta.dirname, '../../test-results/refund-voucher');
const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';

let desk: TestDesk;
let school: SmallSchool;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await hireStaff(desk);
  await desk.ok('settings.update', { schoolAddress: '14 Lake Road, Jayanagar\nBengaluru 560041', schoolPhone: '080 2663 1234' });
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const pdfText = pdfTextIn(ARTIFACTS);

/** The prints' audit rows, oldest first (the trail lists newest first). */
const prints = async () =>
  (await desk.ok('audit.list', { limit: 500 }))
    .filter((e) => e.action.startsWith('refunds.') && e.action !== 'refunds.record')
    .map((e) => [e.action, e.after])
    .reverse();

/** A student leaving at the year's end with ₹5,000 of caution money held and Quarter 4's tuition still owed. */
async function leavingWithDeposit() {
  const head = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
  const s = await admit(desk, school, { fullName: 'Diya Menon' });
  await desk.ok('charges.oneOff', { studentIds: [s.id], headId: head.id, label: 'Caution money', amount: 5_000_00, dueOn: '2026-04-02' });
  await desk.ok('payments.record', { studentIds: [s.id], amount: 8_500_00, method: { mode: 'cash' } });
  await desk.travelTo('2027-03-20T05:00:00Z');
  const q4 = (await desk.ok('refunds.refundable', { studentId: s.id })).owed.find((o) => o.installment === 'Quarter 4')!;
  return { s, q4 };
}

describe('refunds.print', () => {
  it('prints a deposit voucher with its set-off, the amount in words and lines to sign; the second print is a DUPLICATE', async () => {
    const { s, q4 } = await leavingWithDeposit();
    await desk.ok('auth.login', CASHIER, 'counter');
    const voucher = await desk.ok(
      'refunds.record',
      {
        kind: 'deposit',
        studentId: s.id,
        amount: 3_000_50,
        setOff: [{ dueId: q4.dueId, amount: 1_500_00 }],
        method: { mode: 'cheque', chequeNo: '004512', bank: 'Canara Bank', chequeDate: '2027-03-20' },
        reason: 'Leaving after Class 5',
        approver: ACCOUNTANT,
      },
      'counter',
    );

    const first = await desk.ok('refunds.print', { refundId: voucher.id, target: 'pdf' }, 'counter');
    expect([first.voucherNo, first.copyNo, first.fileName]).toEqual(['RF/2026-27/D01/00001', 1, 'refund-RF-2026-27-D01-00001.pdf']);
    const text = pdfText('deposit.pdf', first.base64);
    for (const line of [
      'Green Valley School',
      '14 Lake Road, Jayanagar Bengaluru 560041 Phone 080 2663 1234',
      'Refund voucher · Refundable deposit',
      'Voucher no. RF/2026-27/D01/00001',
      'Date: 20 Mar 2027',
      'Student Diya Menon',
      `Admission no. ${s.admissionNo}`,
      'Class Class 5',
      'Guardian Guardian',
      'Deposit refunded',
      '2026-27 · Caution money · Caution deposit ₹4,500.50',
      'Set off against dues still owed',
      '2026-27 · Quarter 4 · Tuition ₹1,500.00',
      'Set off in all ₹1,500.00',
      'Amount paid out ₹3,000.50',
      'In words: Rupees Three Thousand and Fifty Paise Only',
      'Mode Cheque (004512 · Canara Bank · 20 Mar 2027)',
      'Reason Leaving after Class 5',
      'Requested by Ravi Kumar',
      'Approved by Meera Iyer',
      'Deposit still held ₹499.50',
      'Received the above amount',
      'Signature of the payee',
      'Cashier (Ravi Kumar)',
    ])
      expect(text).toContain(line);
    expect(text).not.toContain('DUPLICATE');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    await desk.travelTo('2027-03-22T05:00:00Z');
    const second = await desk.ok('refunds.print', { refundId: voucher.id, target: 'pdf' });
    expect([second.copyNo, second.fileName]).toEqual([2, 'refund-RF-2026-27-D01-00001-copy2.pdf']);
    const copy = pdfText('deposit-copy2.pdf', second.base64);
    expect(copy).toContain('DUPLICATE · Reprint 1');
    expect(copy).toContain('Date: 20 Mar 2027');
    expect(copy).toContain('Duplicate printed by Asha Rao on 22 Mar 2027');
    expect((await desk.ok('refunds.voucher', { refundId: voucher.id })).prints).toBe(2);
    expect(await prints()).toEqual([
      ['refunds.print', { voucherNo: 'RF/2026-27/D01/00001', copyNo: 1 }],
      ['refunds.reprint', { voucherNo: 'RF/2026-27/D01/00001', copyNo: 2 }],
    ]);
  });

  it('prints a fee refund by bank transfer and an advance credit refund, each under its kind', async () => {
    const s = await admit(desk, school, { fullName: 'Arjun Rao' });
    await desk.ok('payments.record', { studentIds: [s.id], amount: 20_500_00, method: { mode: 'cash' } });
    const fee = (await desk.ok('refunds.refundable', { studentId: s.id })).fees.find((f) => f.installment === 'Quarter 1')!;
    const base = { studentId: s.id, reason: 'Withdrawn in April', approver: ACCOUNTANT };
    const feeVoucher = await desk.ok('refunds.record', {
      ...base,
      kind: 'fee',
      lines: [{ dueId: fee.dueId, amount: 1_000_00 }],
      method: { mode: 'bank_transfer', reference: 'NEFT20260402' },
    });
    const feeText = pdfText('fee.pdf', (await desk.ok('refunds.print', { refundId: feeVoucher.id, target: 'pdf' })).base64);
    for (const line of [
      'Refund voucher · Fees paid',
      'Fees refunded',
      '2026-27 · Quarter 1 · Tuition ₹1,000.00',
      'Amount paid out ₹1,000.00',
      'In words: Rupees One Thousand Only',
      'Mode Bank transfer (NEFT20260402)',
    ])
      expect(feeText).toContain(line);
    expect(feeText).not.toContain('Set off');
    expect(feeText).not.toContain('Deposit still held');

    const creditVoucher = await desk.ok('refunds.record', { ...base, kind: 'credit', amount: 500_00, method: { mode: 'cash' } });
    const creditText = pdfText('credit.pdf', (await desk.ok('refunds.print', { refundId: creditVoucher.id, target: 'pdf' })).base64);
    for (const line of ['Refund voucher · Advance credit', 'Advance credit refunded', '2026-27 · Advance credit ₹500.00', 'Mode Cash'])
      expect(creditText).toContain(line);
  });

  it('refuses an unknown voucher by name of the field, counting no copy', async () => {
    const unknown = await desk.call('refunds.print', { refundId: UNKNOWN, target: 'pdf' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', field: 'refundId', message: 'no refund voucher has this id' } });
    expect(await prints()).toEqual([]);
  });
});

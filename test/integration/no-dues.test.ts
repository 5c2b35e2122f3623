// Leaving with a no-dues check: what a student still owes across academic years (dues open, fines to date) and the
// advance credit held, shown before leaving; the no-dues certificate refused while anything is owed, then printed,
// numbered once per student, DUPLICATE on later prints.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { pdfTextIn } from '../support/pdf';
import { ACCOUNTANT, CASHIER, hireStaff } from '../support/staff';
import { studentOverTwoYears } from '../support/school';

const ARTIFACTS = join(import.meta.dirname, '../../test-results/no-dues');
const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';

let desk: TestDesk;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2025-04-02T05:00:00Z');
  await setUpSchool(desk);
  await hireStaff(desk);
  await desk.ok('settings.update', { schoolAddress: '14 Lake Road, Jayanagar\nBengaluru 560041', schoolPhone: '080 2663 1234' });
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

/** The certificates' audit rows, oldest first (the trail lists newest first). */
const certificates = async () =>
  (await desk.ok('audit.list', { limit: 500 }))
    .filter((e) => e.action === 'students.noDuesCertificate')
    .map((e) => e.after)
    .reverse();

const pdfText = pdfTextIn(ARTIFACTS);

describe('students.leavePreview: what stays owed', () => {
  it('lists each year’s open dues and fines to date, and the credit held; the dues leaving waives are not owed', async () => {
    const { kavya, yearA, yearB } = await studentOverTwoYears(desk);
    const onTheDay = await desk.ok('students.leavePreview', { studentId: kavya.id, leftOn: '2026-04-15' });
    expect(onTheDay.dues).toEqual([]);
    expect(onTheDay.owed).toEqual({
      asOf: '2026-04-15',
      years: [
        { yearId: yearA.id, yearName: '2025-26', dues: 3_000_00, fines: 250_00, total: 3_250_00 },
        { yearId: yearB.id, yearName: '2026-27', dues: 1_500_00, fines: 0, total: 1_500_00 },
      ],
      total: 4_750_00,
      credit: 300_00,
    });

    // Leaving before 2026-27's installment falls due waives it: only 2025-26 stays owed.
    const earlier = await desk.ok('students.leavePreview', { studentId: kavya.id, leftOn: '2026-04-05' });
    expect(earlier.dues.map((d) => [d.dueOn, d.balance])).toEqual([['2026-04-10', 1_500_00]]);
    expect(earlier.owed.years.map((y) => [y.yearName, y.total])).toEqual([['2025-26', 3_250_00]]);
    expect(earlier.owed.total).toBe(3_250_00);
  });
});

describe('students.noDuesCertificate', () => {
  it('is refused with the amount owed year by year, then printed once all is paid; a second print says DUPLICATE', async () => {
    const { kavya } = await studentOverTwoYears(desk);
    const active = await desk.call('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' });
    expect(active).toMatchObject({ ok: false, error: { code: 'conflict', field: 'studentId' } });
    expect(active.ok ? '' : active.error.message).toBe(
      'Kavya Nair (A-104) is still studying here: mark them left before issuing a no-dues certificate',
    );

    await desk.ok('students.leave', { studentId: kavya.id, leftOn: '2026-04-15', reason: 'moved to Pune' });
    const owing = await desk.call('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' });
    expect(owing.ok ? '' : owing.error.message).toBe(
      'Kavya Nair (A-104) still owes ₹4,750.00 (2025-26: ₹3,250.00; 2026-27: ₹1,500.00): a no-dues certificate cannot be issued',
    );
    expect(await certificates()).toEqual([]);

    // Everything paid (the 2025-26 fine with it); the ₹300 credit stays the student's.
    await desk.ok('payments.record', { studentIds: [kavya.id], amount: 4_750_00, method: { mode: 'cash' } });
    expect((await desk.ok('students.leavePreview', { studentId: kavya.id, leftOn: '2026-04-15' })).owed).toMatchObject({
      years: [],
      total: 0,
      credit: 300_00,
    });

    await desk.ok('auth.login', ACCOUNTANT, 'accounts');
    const first = await desk.ok('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' }, 'accounts');
    expect([first.certificateNo, first.copyNo, first.fileName]).toEqual(['NDC/A-104', 1, 'no-dues-NDC-A-104.pdf']);
    const text = pdfText('original.pdf', first.base64);
    for (const line of [
      'Green Valley School',
      '14 Lake Road, Jayanagar Bengaluru 560041 Phone 080 2663 1234',
      'No-dues certificate',
      'Certificate no. NDC/A-104',
      'Date: 15 Apr 2026',
      'Kavya Nair (admission no. A-104), of Class 5-A, who left the school on 15 Apr 2026, has no dues outstanding with the school as of 15 Apr 2026.',
      'Status Left the school',
      '2025-26 ₹5,250.00',
      '2026-27 ₹1,500.00',
      'The school holds ₹300.00 of advance credit for the student, to be refunded.',
      'Issued by Meera Iyer on 15 Apr 2026',
    ])
      expect(text).toContain(line);
    expect(text).not.toContain('DUPLICATE');
    expect(text).not.toContain('Refundable deposit held');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    await desk.travelTo('2026-04-20T05:00:00Z');
    const second = await desk.ok('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' });
    expect([second.certificateNo, second.copyNo, second.fileName]).toEqual(['NDC/A-104', 2, 'no-dues-NDC-A-104-copy2.pdf']);
    const copy = pdfText('duplicate.pdf', second.base64);
    expect(copy).toContain('DUPLICATE · Reprint 1');
    expect(copy).toContain('Issued by Meera Iyer on 15 Apr 2026');
    expect(copy).toContain('Duplicate printed by Asha Rao on 20 Apr 2026');
    expect(await certificates()).toEqual([
      expect.objectContaining({ certificateNo: 'NDC/A-104', copyNo: 1, asOf: '2026-04-15' }),
      expect.objectContaining({ certificateNo: 'NDC/A-104', copyNo: 2, asOf: '2026-04-20' }),
    ]);
  });

  it('states a refundable deposit still held, which does not stop it, apart from the fees paid', async () => {
    const { kavya } = await studentOverTwoYears(desk);
    const caution = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
    await desk.ok('charges.oneOff', {
      studentIds: [kavya.id],
      headId: caution.id,
      label: 'Caution money',
      amount: 2_000_00,
      dueOn: '2026-04-15',
    });
    await desk.ok('payments.record', { studentIds: [kavya.id], amount: 6_750_00, method: { mode: 'cash' } });
    await desk.ok('students.leave', { studentId: kavya.id, leftOn: '2026-04-15', reason: 'moved to Pune' });

    const certificate = await desk.ok('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' });
    const text = pdfText('deposit-held.pdf', certificate.base64);
    expect(text).toContain('has no dues outstanding with the school as of 15 Apr 2026.');
    expect(text).toContain('Refundable deposit held: ₹2,000.00 (to be refunded on a voucher).');
    // The caution money is the student's, not a fee paid in 2026-27.
    expect(text).toContain('2026-27 ₹1,500.00');
    expect(await certificates()).toEqual([expect.objectContaining({ copyNo: 1, depositHeld: 2_000_00 })]);
  });

  it('waits for a cheque that paid the dues to clear', async () => {
    const { kavya } = await studentOverTwoYears(desk);
    await desk.ok('students.leave', { studentId: kavya.id, leftOn: '2026-04-15', reason: 'moved to Pune' });
    const cheque = await desk.ok('payments.record', {
      studentIds: [kavya.id],
      amount: 4_750_00,
      method: { mode: 'cheque', chequeNo: '004512', bank: 'Canara Bank', chequeDate: '2026-04-15' },
    });
    const waiting = await desk.call('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' });
    expect(waiting).toMatchObject({ ok: false, error: { code: 'conflict', field: 'studentId' } });
    expect(waiting.ok ? '' : waiting.error.message).toBe(
      `Kavya Nair (A-104) paid by a cheque or draft not yet cleared (receipt ${cheque.receiptNo}, ₹4,750.00): a no-dues certificate can be issued once it clears`,
    );
    expect(await certificates()).toEqual([]);
    await desk.ok('cheques.clear', { paymentId: cheque.paymentId, clearedOn: '2026-04-15' });
    expect((await desk.ok('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' })).copyNo).toBe(1);
  });

  it('is forbidden to a cashier, and an unknown student is refused by name of the field with nothing written', async () => {
    const { kavya } = await studentOverTwoYears(desk);
    await desk.ok('students.leave', { studentId: kavya.id, leftOn: '2026-04-15', reason: 'moved to Pune' });
    await desk.ok('payments.record', { studentIds: [kavya.id], amount: 4_750_00, method: { mode: 'cash' } });

    await desk.ok('auth.login', CASHIER, 'counter');
    const cashier = await desk.call('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' }, 'counter');
    expect(cashier).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const unknown = await desk.call('students.noDuesCertificate', { studentId: UNKNOWN, target: 'pdf' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', field: 'studentId', message: 'no student has this id' } });
    expect(await certificates()).toEqual([]);
    // Neither refusal took a copy: the first certificate is still the original.
    expect((await desk.ok('students.noDuesCertificate', { studentId: kavya.id, target: 'pdf' })).copyNo).toBe(1);
  });
});

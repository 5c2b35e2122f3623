// The audit trail in words (src/shared/domain/audit-text.ts): sentences name the record, details carry no
// JSON and no ids, money is in the school's currency, dates in words and times in the school's zone.
import { describe as group, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/shared/contract/audit';
import { describe, details, type Formatters, who } from '../../src/shared/domain/audit-text';
import { formatDate, formatDateTime } from '../../src/shared/domain/date-input';
import { formatMoney } from '../../src/shared/domain/money';

const f: Formatters = {
  locale: 'en-IN',
  money: (minor) => formatMoney(minor, 'INR', 'en-IN'),
  date: (iso) => formatDate(iso, 'en-IN'),
  dateTime: (instant) => formatDateTime(instant, 'en-IN', 'Asia/Kolkata'),
};

const STUDENT = '00000000-0000-4000-8000-0000000000aa';
const ACCOUNTANT = '00000000-0000-4000-8000-0000000000bb';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 7,
  at: '2026-12-20T05:00:00.000Z',
  userId: null,
  username: 'principal',
  userFullName: 'Asha Rao',
  subject: { name: null, student: null, receiptNo: null },
  names: {},
  deskCode: 'D01',
  action: 'auth.login',
  entity: 'user',
  entityId: null,
  before: null,
  after: null,
  ...over,
});

const meher = { name: 'Meher Kapoor', admissionNo: 'A-0001', className: 'Class 5 A' };

group('audit rows in words', () => {
  it('a payment: the amount in rupees with lakh grouping, the mode, the payer and the receipt', () => {
    const row = entry({
      action: 'payments.record',
      entity: 'payment',
      subject: { name: 'R/1', student: meher, receiptNo: 'R/1' },
      after: { receiptNo: 'R/1', amount: 1_25_000_00, mode: 'upi', allocated: 1_25_000_00, creditDelta: 0 },
    });
    expect(describe(row, f)).toBe('Recorded payment of ₹1,25,000.00 by UPI from Meher Kapoor (adm. no. A-0001, Class 5 A) — receipt R/1');
    expect(details(row, f)).toContainEqual({ label: 'Amount', value: '₹1,25,000.00' });
    expect(details(row, f)).toContainEqual({ label: 'Mode', value: 'UPI' });
  });

  it('a refund voucher: what was refunded, how, to whom, its set-off, the voucher and its approver; no rows as JSON', () => {
    const row = entry({
      action: 'refunds.record',
      entity: 'refund',
      subject: { name: 'RF/2026-27/D01/00001', student: meher, receiptNo: null },
      names: { [ACCOUNTANT]: 'Meera Iyer (meera)' },
      before: { depositHeld: 5_000_00 },
      after: {
        voucherNo: 'RF/2026-27/D01/00001',
        kind: 'deposit',
        studentId: STUDENT,
        amount: 3_000_00,
        setOff: 1_500_00,
        mode: 'cash',
        reason: 'Leaving after Class 5',
        approvedBy: ACCOUNTANT,
        row: { id: 'x', voucher_no: 'RF/2026-27/D01/00001', snapshot_json: '{"a":1}' },
        allocations: [['d1', -4_500_00]],
        written: { due_waiver: [{ id: 'w', due_id: 'd1', amount: 4_500_00 }], credit_entry: [], refund: [{ id: 'x' }] },
      },
    });
    expect(describe(row, f)).toBe(
      'Refunded ₹3,000.00 of a refundable deposit by cash to Meher Kapoor (adm. no. A-0001, Class 5 A) (₹1,500.00 set off against dues) — voucher RF/2026-27/D01/00001, approved by Meera Iyer (meera): “Leaving after Class 5”',
    );
    const lines = details(row, f);
    expect(lines).toContainEqual({ label: 'Amount', value: '₹3,000.00' });
    for (const line of lines) expect(line.value).not.toMatch(/[{}[\]]|snapshot/);
  });

  it('a refund voucher printed, then reprinted with its copy number', () => {
    const reprint = entry({ action: 'refunds.reprint', entity: 'refund', after: { voucherNo: 'RF/2026-27/D01/00001', copyNo: 2 } });
    expect(describe(reprint, f)).toBe('Reprinted refund voucher RF/2026-27/D01/00001 (copy 2)');
    expect(describe({ ...reprint, action: 'refunds.print', after: { voucherNo: 'RF/2026-27/D01/00001', copyNo: 1 } }, f)).toBe(
      'Printed refund voucher RF/2026-27/D01/00001',
    );
  });

  it('a cancellation names its approver and reason; the status change reads before → after', () => {
    const row = entry({
      action: 'payments.cancel',
      entity: 'payment',
      subject: { name: 'R/2', student: meher, receiptNo: 'R/2' },
      names: { [ACCOUNTANT]: 'Meera Iyer (meera)' },
      before: { status: 'valid' },
      after: { status: 'cancelled', reason: 'wrong amount', approvedBy: ACCOUNTANT, receiptNo: 'R/2' },
    });
    expect(describe(row, f)).toBe(
      'Cancelled receipt R/2 of Meher Kapoor (adm. no. A-0001, Class 5 A), approved by Meera Iyer (meera): “wrong amount”',
    );
    expect(details(row, f)).toEqual(
      expect.arrayContaining([
        { label: 'Status', value: 'Valid → Cancelled' },
        { label: 'Approved by', value: 'Meera Iyer (meera)' },
      ]),
    );
  });

  it('details: ids become names, dates words, instants the school’s time, codes words, nested records lines of their own', () => {
    const row = entry({
      action: 'concessions.request',
      entity: 'concession',
      subject: { name: 'Staff 50%', student: meher, receiptNo: null },
      names: { [STUDENT]: 'Meher Kapoor (A-0001)' },
      after: {
        id: 'x',
        kind: 'percent',
        value: 5_000,
        student_id: STUDENT,
        requested_at: '2026-12-20T05:00:00.000Z',
        fine_rule: { kind: 'per_day', perDay: 10_00 },
        joined_on: '2026-04-01',
      },
    });
    const lines = details(row, f);
    expect(lines).toEqual(
      expect.arrayContaining([
        { label: 'Kind', value: 'Percent' },
        { label: 'Value', value: '50%' },
        { label: 'Student', value: 'Meher Kapoor (A-0001)' },
        { label: 'Requested at', value: '20 Dec 2026, 10:30 am' },
        { label: 'Fine rule · Kind', value: 'Per day' },
        { label: 'Fine rule · Per day', value: '₹10.00' },
        { label: 'Joined on', value: '1 Apr 2026' },
      ]),
    );
    const text = JSON.stringify(lines.map((l) => l.value));
    expect(text).not.toContain(STUDENT);
    expect(lines.map((l) => l.label)).not.toContain('Id');
  });

  it('a settings change lists what changed; an unknown action still reads as words', () => {
    expect(
      describe(
        entry({ action: 'settings.update', before: { graceDays: 10, printOnSave: false }, after: { graceDays: 15, printOnSave: false } }),
        f,
      ),
    ).toBe('Changed the settings: grace days');
    expect(describe(entry({ action: 'fees.somethingNew' }), f)).toBe('Fees something new');
    expect(describe(entry({ action: 'settings.update', before: { upiId: '' }, after: { upiId: 'fees@sbi' } }), f)).toBe(
      'Changed the settings: UPI ID',
    );
  });

  it('fee slips issued with UPI references say how many and on which day', () => {
    const slips = [{ ref: 'FDD01000001', studentId: STUDENT, amount: 4_700_00 }];
    expect(describe(entry({ action: 'slips.issue', after: { issuedOn: '2026-05-10', slips } }), f)).toBe(
      'Issued a fee slip with UPI references on 10 May 2026',
    );
    expect(describe(entry({ action: 'slips.issue', after: { issuedOn: '2026-05-10', slips: [...slips, ...slips] } }), f)).toBe(
      'Issued 2 fee slips with UPI references on 10 May 2026',
    );
  });

  it('a no-dues certificate: issued, then reprinted with its copy number', () => {
    const row = (copyNo: number) =>
      entry({
        action: 'students.noDuesCertificate',
        entity: 'student',
        subject: { name: null, student: meher, receiptNo: null },
        after: { certificateNo: 'NDC/A-0001', copyNo, asOf: '2026-12-20', paidByYear: [], credit: 0 },
      });
    expect(describe(row(1), f)).toBe('Issued the no-dues certificate NDC/A-0001 of Meher Kapoor (adm. no. A-0001, Class 5 A)');
    expect(describe(row(2), f)).toBe('Reprinted the no-dues certificate NDC/A-0001 of Meher Kapoor (adm. no. A-0001, Class 5 A) (copy 2)');
  });

  it('the year-end rollover and charges by student read as what was done', () => {
    expect(
      describe(
        entry({
          action: 'years.rollover',
          entity: 'academic_year',
          after: { from: '2026-27', to: '2027-28', promoted: 420, detained: 3, left: 5, graduated: 38, duesCreated: 9000 },
        }),
        f,
      ),
    ).toBe('Rolled 2026-27 over into 2027-28 (420 promoted, 3 detained, 5 left, 38 graduated)');
    expect(
      describe(
        entry({ action: 'charges.assign', after: { plan: 'School bus', startsOn: '2026-10-15', assigned: 2, amount: 14_400_00 } }),
        f,
      ),
    ).toBe('Put 2 students on “School bus” from 15 Oct 2026 (₹14,400.00 in dues)');
    expect(
      describe(entry({ action: 'charges.stop', after: { stopsOn: '2027-01-20', amountWaived: 2_400_00, reason: 'Moved near school' } }), f),
    ).toBe('Stopped a charge on 20 Jan 2027 (₹2,400.00 waived): “Moved near school”');
    expect(describe(entry({ action: 'charges.oneOff', after: { label: 'Trip to Mysore', duesCreated: 3, amount: 7_500_00 } }), f)).toBe(
      'Charged “Trip to Mysore” to 3 students (₹7,500.00 in all)',
    );
  });

  it('who: the name and the username, or FeeDesk when no one was signed in', () => {
    expect(who(entry({}))).toEqual({ name: 'Asha Rao', username: 'principal' });
    expect(who(entry({ username: null, userFullName: null }))).toEqual({ name: 'FeeDesk (no one signed in)', username: null });
  });
});

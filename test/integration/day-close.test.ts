// Day close: the drawer counted against the ledger per mode; a closed desk-day takes no more money until reopened.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import { ACCOUNTS, writeStatement } from '../support/statements';

let desk: TestDesk;
let school: SmallSchool;
const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };
const TILL = 'till';
const DAY = '2026-04-02';

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(`${DAY}T05:00:00Z`);
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  await desk.ok('auth.login', CASHIER, TILL);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

/** A morning at the counter: cash 4,500 + 1,200, UPI 3,000, a cheque 2,000, then the 1,200 cash receipt cancelled. */
async function morning() {
  const a = await admit(desk, school);
  const b = await admit(desk, school);
  await desk.ok('payments.record', { studentIds: [a.id], amount: 4_500_00, method: { mode: 'cash', tendered: 5_000_00 } }, TILL);
  const wrong = await desk.ok('payments.record', { studentIds: [b.id], amount: 1_200_00, method: { mode: 'cash' } }, TILL);
  await desk.ok('payments.record', { studentIds: [b.id], amount: 3_000_00, method: { mode: 'upi', utr: 'UTR0000012345' } }, TILL);
  const cheque = await desk.ok(
    'payments.record',
    { studentIds: [a.id], amount: 2_000_00, method: { mode: 'cheque', chequeNo: '123456', bank: 'SBI', chequeDate: DAY } },
    TILL,
  );
  await desk.ok('payments.cancel', { paymentId: wrong.paymentId, reason: 'wrong student', approver: ACCOUNTANT }, TILL);
  return { a, b, wrong, cheque };
}

const exactCount = { cashCount: { '50000': 9 }, counted: { upi: 3_000_00, cheque: 2_000_00 }, note: null };

describe('day close', () => {
  it('expects each mode’s receipts less what was cancelled that day, and lists the INR notes and coins', async () => {
    await morning();
    const status = await desk.ok('dayClose.status', { date: DAY }, TILL);
    expect(status).toMatchObject({ desk: 'D01', state: 'open', receipts: 4, variance: null });
    expect(status.expected).toMatchObject({ cash: 4_500_00, upi: 3_000_00, cheque: 2_000_00, card: 0 });
    expect(status.denominations).toEqual([50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100]);
  });

  it('requires a note when the count differs, names the mode, and writes nothing without it', async () => {
    await morning();
    const short = await desk.call(
      'dayClose.close',
      { date: DAY, cashCount: { '50000': 8, '20000': 2 }, counted: { upi: 3_000_00, cheque: 2_000_00 } },
      TILL,
    );
    expect(short).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'note', message: expect.stringMatching(/cash counted ₹4,400\.00 against ₹4,500\.00/) },
    });
    expect((await desk.ok('dayClose.status', { date: DAY }, TILL)).state).toBe('open');

    const closed = await desk.ok(
      'dayClose.close',
      {
        date: DAY,
        cashCount: { '50000': 8, '20000': 2 },
        counted: { upi: 3_000_00, cheque: 2_000_00 },
        note: 'short by 100, told the accountant',
      },
      TILL,
    );
    expect(closed).toMatchObject({
      state: 'closed',
      closedBy: 'Ravi Kumar',
      variance: -100_00,
      note: 'short by 100, told the accountant',
      cashCount: { '50000': 8, '20000': 2 },
    });
    expect(closed.counted).toMatchObject({ cash: 4_400_00, upi: 3_000_00, cheque: 2_000_00 });
    const again = await desk.call('dayClose.close', { date: DAY, ...exactCount }, TILL);
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already closed/) } });
  });

  it('locks the desk-day: no payment, cancellation or refund on it; a cancellation the next day lands on that day', async () => {
    const { a, cheque } = await morning();
    await desk.ok('dayClose.close', { date: DAY, ...exactCount }, TILL);
    const before = await desk.ok('payments.list', { limit: 50 }, TILL);

    const late = await desk.call('payments.record', { studentIds: [a.id], amount: 100_00, method: { mode: 'cash' } }, TILL);
    expect(late).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/2026-04-02 is closed on desk D01/) },
    });
    const cancel = await desk.call('payments.cancel', { paymentId: cheque.paymentId, reason: 'returned', approver: ACCOUNTANT }, TILL);
    expect(cancel).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await desk.ok('payments.list', { limit: 50 }, TILL)).toEqual(before);

    desk.clock.current = new Date('2026-04-03T05:00:00Z');
    await desk.ok('auth.unlock', { password: CASHIER.password }, TILL);
    await desk.ok('payments.cancel', { paymentId: cheque.paymentId, reason: 'returned', approver: ACCOUNTANT }, TILL);
    expect((await desk.ok('dayClose.status', { date: DAY }, TILL)).expected['cheque']).toBe(2_000_00);
    const next = await desk.ok('dayClose.status', { date: '2026-04-03' }, TILL);
    expect(next.expected['cheque']).toBe(-2_000_00);
    const book = await desk.ok('reports.run', { report: 'daybook', date: '2026-04-03' }, TILL);
    expect(book.rows).toMatchObject([{ entry: 'Cancelled', amount: -2_000_00, receiptNo: '2026-27/D01/000004' }]);
    await desk.ok('payments.record', { studentIds: [a.id], amount: 100_00, method: { mode: 'cash' } }, TILL);
  });

  it('reopening takes an admin and a reason, is audited, and lets money in again', async () => {
    const { a } = await morning();
    await desk.ok('dayClose.close', { date: DAY, ...exactCount }, TILL);
    const byCashier = await desk.call(
      'dayClose.reopen',
      { date: DAY, reason: 'forgot a receipt', reauth: { password: CASHIER.password } },
      TILL,
    );
    expect(byCashier).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // The admin, logged in, confirms with their own password (and code) again.
    expect(
      await desk.call('dayClose.reopen', { date: DAY, reason: 'forgot a late receipt', reauth: { password: 'not the password' } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_credentials', field: 'reauth.password' } });
    const reopened = await desk.ok('dayClose.reopen', { date: DAY, reason: 'forgot a late receipt', reauth: { password: ADMIN.password } });
    expect(reopened.state).toBe('open');
    expect(reopened.history.map((h) => [h.kind, h.by])).toEqual([
      ['closed', 'Ravi Kumar'],
      ['reopened', ADMIN.fullName],
    ]);
    const audit = await desk.ok('audit.list', { limit: 5 });
    expect(audit.find((e) => e.action === 'dayClose.reopen')).toMatchObject({
      after: { reason: 'forgot a late receipt', state: 'open' },
      before: { state: 'closed' },
    });
    await desk.ok('payments.record', { studentIds: [a.id], amount: 100_00, method: { mode: 'cash' } }, TILL);
    const status = await desk.ok('dayClose.status', { date: DAY }, TILL);
    expect(status.expected['cash']).toBe(4_600_00);
    const nothingToReopen = await desk.call('dayClose.reopen', { date: DAY, reason: 'again please', reauth: { password: ADMIN.password } });
    expect(nothingToReopen).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('writes the day close report as a PDF with expected, counted and the drawer count', async () => {
    await morning();
    await desk.ok(
      'dayClose.close',
      { date: DAY, cashCount: { '50000': 8, '20000': 2 }, counted: { upi: 3_000_00, cheque: 2_000_00 }, note: 'one hundred short' },
      TILL,
    );
    const report = await desk.ok('reports.run', { report: 'day_close', date: DAY }, TILL);
    expect(report.rows.find((r) => r['mode'] === 'Cash')).toEqual({
      mode: 'Cash',
      expected: 4_500_00,
      counted: 4_400_00,
      variance: -100_00,
    });
    expect(report.totals['variance']).toBe(-100_00);
    expect(report.footnote).toMatch(/Closed by Ravi Kumar .* Cash counted: 500\.00 × 8, 200\.00 × 2\. Note: one hundred short/);
    const path = join(desk.dir, 'close.pdf');
    const job = await desk.ok('reports.export', { filters: { report: 'day_close', date: DAY }, format: 'pdf', path }, TILL);
    let state = job.state;
    while (state === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      state = (await desk.ok('reports.job', { jobId: job.id }, TILL)).state;
    }
    expect(state).toBe('done');
    if (spawnSync('pdftotext', ['-v']).error) return;
    const text = execFileSync('pdftotext', ['-layout', path, '-']).toString();
    expect(text).toContain('Day close · desk D01 · 2 Apr 2026');
    expect(text).toMatch(/Cash\s+4,500\.00\s+4,400\.00\s+-100\.00/);
  });

  it('shows the UPI the counter took and how much of it the bank has confirmed', async () => {
    const a = await admit(desk, school);
    const b = await admit(desk, school);
    await desk.ok('payments.record', { studentIds: [a.id], amount: 3_000_00, method: { mode: 'upi', utr: '512345678901' } }, TILL);
    await desk.ok('payments.record', { studentIds: [b.id], amount: 1_500_00, method: { mode: 'upi', utr: '512345678902' } }, TILL);
    await desk.ok('payments.record', { studentIds: [b.id], amount: 1_000_00, method: { mode: 'cash' } }, TILL);
    const taken = { taken: 4_500_00, receipts: 2 };
    expect((await desk.ok('dayClose.status', { date: DAY }, TILL)).upi).toEqual({ ...taken, confirmed: 0, confirmedReceipts: 0 });

    // The same day's statement: the bank shows the first UPI payment, and a ₹2,000 credit that becomes b's payment
    // (recorded from the statement, on this desk and day: the bank's money, not the counter's).
    await desk.ok('settings.update', { bankAccounts: [{ number: ACCOUNTS.sbi, label: 'Fees (SBI)', layout: 'sbi' }] });
    const path = join(desk.dir, 'sbi.csv');
    writeStatement(
      'sbi',
      [
        { kind: 'upi', date: DAY, utr: '512345678901', payer: 'A PARENT', vpa: 'a@oksbi', note: 'FEES', amount: 3_000_00 },
        { kind: 'upi', date: DAY, utr: '712345678901', payer: 'B PARENT', vpa: 'b@ybl', note: 'FEES', amount: 2_000_00 },
      ],
      path,
    );
    const p = await desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    const done = await desk.ok('reconcile.confirm', {
      statementId: p.statementId,
      lines: [{ row: p.lines[0]!.row }, { row: p.lines[1]!.row, studentId: b.id }],
    });
    expect(done).toMatchObject({ confirmed: 1, recorded: [{ amount: 2_000_00 }] });
    const recorded = (await desk.ok('payments.list', { studentId: b.id })).find((r) => r.receiptNo === done.recorded[0]!.receiptNo);
    expect(recorded).toMatchObject({ mode: 'upi', businessDate: DAY, receiptNo: expect.stringContaining('/D01/') });
    const status = await desk.ok('dayClose.status', { date: DAY }, TILL);
    expect(status.upi).toEqual({ ...taken, confirmed: 3_000_00, confirmedReceipts: 1 });
  });
});

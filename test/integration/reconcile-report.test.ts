// The bank reconciliation report (issue 19, item 8): a school with known counter payments and a bank statement
// confirmed through reconcile.confirm, read back per day and account as in both / in the books, not yet in the bank /
// in the bank, not in the books — on screen and in the XLSX, CSV and PDF exports.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf } from '../../src/shared/contract';
import type { ExportJob, ReportFilters, ReportRow, ReportTable } from '../../src/shared/contract/reports';
import { formatDate } from '../../src/shared/domain/date-input';
import { openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { ACCOUNTS, writeStatement } from '../support/statements';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };
const BOOKS = 'books';
const APRIL = { from: '2026-04-01', to: '2026-04-30' };

const files = tempDir();
let desk: TestDesk;
const receipt: Record<'asha' | 'bala' | 'chitra' | 'esha' | 'farid' | 'gita' | 'hari', string> = {
  asha: '',
  bala: '',
  chitra: '',
  esha: '',
  farid: '',
  gita: '',
  hari: '',
};

/**
 * On 2 April: Bala pays ₹4,500 by UPI at the counter (UTR typed), Gita ₹3,000 by UPI (a UTR the bank has not shown),
 * Esha, Farid and Hari by cheque, Dev in cash; Asha is shown the counter's UPI QR and pays from home. On 20 April the
 * SBI statement is confirmed: Asha's and Chitra's lines recorded, Bala's confirmed, Esha's cheque cleared; a stranger's
 * ₹4,500 is left waiting. Hari's cheque is cleared by hand; Chitra's receipt is cancelled.
 */
beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  await desk.ok('settings.update', {
    upiId: 'fees.sunrise@sbi',
    upiPayeeName: 'Sunrise Public School',
    bankAccounts: [
      { number: ACCOUNTS.sbi, label: 'Fees (SBI)', layout: 'sbi' },
      { number: ACCOUNTS.hdfc, label: 'Transport (HDFC)', layout: 'hdfc' },
    ],
  });
  const admitted = [];
  for (const fullName of ['Asha', 'Bala', 'Chitra', 'Dev', 'Esha', 'Farid', 'Gita', 'Hari'])
    admitted.push(await admit(desk, school, { fullName }));
  const [asha, bala, chitra, dev, esha, farid, gita, hari] = admitted;
  const qr = await desk.ok('payments.upiRequest', { studentIds: [asha!.id], amount: 4500_00 });
  const pay = (id: string, amount: number, method: InputOf<'payments.record'>['method']) =>
    desk.ok('payments.record', { studentIds: [id], amount, method });
  const cheque = (chequeNo: string) => ({ mode: 'cheque' as const, chequeNo, bank: 'Canara Bank', chequeDate: '2026-04-02' });
  receipt.bala = (await pay(bala!.id, 4500_00, { mode: 'upi', utr: '512345678901' })).receiptNo;
  receipt.gita = (await pay(gita!.id, 3000_00, { mode: 'upi', utr: '999988887777' })).receiptNo;
  await pay(dev!.id, 1234_00, { mode: 'cash' });
  receipt.esha = (await pay(esha!.id, 4500_00, cheque('123456'))).receiptNo;
  receipt.farid = (await pay(farid!.id, 4500_00, cheque('654321'))).receiptNo;
  const hariCheque = await pay(hari!.id, 2000_00, cheque('777888'));
  receipt.hari = hariCheque.receiptNo;

  await desk.travelTo('2026-04-20T05:00:00Z');
  const path = join(files.dir, 'sbi.csv');
  writeStatement(
    'sbi',
    [
      { kind: 'upi', date: '2026-04-03', utr: '612345678901', payer: 'ASHA', vpa: 'asha@oksbi', note: qr.reference, amount: 4500_00 },
      { kind: 'upi', date: '2026-04-03', utr: '512345678901', payer: 'BALA', vpa: 'bala@okaxis', note: 'FEES', amount: 4500_00 },
      { kind: 'neft', date: '2026-04-04', utr: 'N123260012340003', payer: 'CHITRA', note: chitra!.admissionNo, amount: 4500_00 },
      { kind: 'upi', date: '2026-04-06', utr: '812345678901', payer: 'SOMEONE', vpa: 'someone@ybl', note: 'FEE', amount: 4500_00 },
      { kind: 'cheque', date: '2026-04-08', chequeNo: '123456', payer: 'ESHA', amount: 4500_00 },
      { kind: 'cash', date: '2026-04-10', amount: 5000_00 },
    ],
    path,
  );
  const p = await desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
  expect(p.lines.map((l) => l.status)).toEqual(['matched', 'matched', 'matched', 'unmatched', 'matched', 'not_fee']);
  const done = await desk.ok('reconcile.confirm', {
    statementId: p.statementId,
    lines: [0, 1, 2, 4].map((i) => ({ row: p.lines[i]!.row })),
  });
  [receipt.asha, receipt.chitra] = done.recorded.map((r) => r.receiptNo) as [string, string];
  await desk.ok('cheques.clear', { paymentId: hariCheque.paymentId, clearedOn: '2026-04-05' });
  await desk.ok('payments.cancel', {
    paymentId: done.recorded[1]!.paymentId,
    reason: 'Paid for another school',
    approver: ACCOUNTANT,
  });
  await desk.ok('auth.login', ACCOUNTANT, BOOKS);
});
afterAll(async () => {
  await desk.close();
  files.cleanup();
});

const run = (filters: ReportFilters) => desk.ok('reports.run', filters, BOOKS) as Promise<ReportTable>;
const brief = (r: ReportRow) => [r['section'], r['date'], r['receiptNo'], r['status'], r['days'], r['both'], r['books'], r['bank']];

describe('the bank reconciliation report', () => {
  it('lists each item once, per day, in its section, with each section’s total', async () => {
    const t = await run({ report: 'reconciliation', ...APRIL });
    expect(t.title).toBe(`Bank reconciliation · ${formatDate(APRIL.from, 'en-IN')} to ${formatDate(APRIL.to, 'en-IN')}`);
    expect(t.subtitle).toBe(`All bank accounts · the books as they stand on ${formatDate('2026-04-20', 'en-IN')}`);
    const [both, books, bank] = ['In both', 'Not yet in the bank', 'Not in the books'];
    expect(t.rows.map(brief)).toEqual([
      [books, '2026-04-02', receipt.gita, 'Waiting', 18, null, 3000_00, null],
      [books, '2026-04-02', receipt.farid, 'Waiting', 18, null, 4500_00, null],
      [both, '2026-04-03', receipt.bala, 'Confirmed', null, 4500_00, null, null],
      [both, '2026-04-03', receipt.asha, 'Recorded', null, 4500_00, null, null],
      [bank, '2026-04-04', receipt.chitra, 'Cancelled', null, null, null, 4500_00],
      [both, '2026-04-05', receipt.hari, 'Cleared by hand', null, 2000_00, null, null],
      [bank, '2026-04-06', null, 'No receipt', null, null, null, 4500_00],
      [both, '2026-04-08', receipt.esha, 'Cleared', null, 4500_00, null, null],
    ]);
    expect(t.rows[0]).toMatchObject({ account: null, student: expect.stringMatching(/^Gita \(A-\d+\)$/), mode: 'UPI' });
    expect(t.rows[2]).toMatchObject({ account: 'Fees (SBI)', reference: expect.stringContaining('512345678901') });
    expect(t.rows[6]).toMatchObject({ student: null, mode: 'UPI', reference: '812345678901' });
    expect(t.totals).toMatchObject({ both: 15500_00, books: 7500_00, bank: 9000_00 });
    expect(t.summary).toEqual([
      { label: 'In both', amount: 15500_00 },
      { label: 'In the books, not yet in the bank', amount: 7500_00 },
      { label: 'In the bank, not in the books', amount: 9000_00 },
      { label: 'Fee credits in the bank (in both and not in the books)', amount: 24500_00 },
    ]);
    expect(t.footnote).toMatch(/^In both: a bank statement line the books hold/);
  });

  it('narrows the bank’s side to one account; receipts waiting for the bank belong to none and stay listed', async () => {
    const sbi = await run({ report: 'reconciliation', ...APRIL, account: ACCOUNTS.sbi });
    expect(sbi.subtitle).toMatch(new RegExp(`^Fees \\(SBI\\) \\(${ACCOUNTS.sbi}\\) · `));
    expect(sbi.columns.map((c) => c.key)).not.toContain('account');
    expect(sbi.totals).toMatchObject({ both: 13500_00, books: 7500_00, bank: 9000_00 });
    const hdfc = await run({ report: 'reconciliation', ...APRIL, account: ACCOUNTS.hdfc });
    expect(hdfc.rows.map((r) => r['receiptNo'])).toEqual([receipt.gita, receipt.farid]);
    expect(hdfc.totals).toMatchObject({ both: 0, books: 7500_00, bank: 0 });
  });

  it('is the accountant’s: a cashier is refused it', async () => {
    await desk.ok('auth.login', CASHIER, 'till');
    expect(await desk.call('reports.run', { report: 'reconciliation', ...APRIL }, 'till')).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/for accountants and admins/) },
    });
  });
});

async function exportTo(format: 'xlsx' | 'csv' | 'pdf'): Promise<ExportJob> {
  const path = join(files.dir, `reconciliation.${format}`);
  const job = await desk.ok('reports.export', { filters: { report: 'reconciliation', ...APRIL }, format, path }, BOOKS);
  for (;;) {
    const now = await desk.ok('reports.job', { jobId: job.id }, BOOKS);
    if (now.state !== 'running') return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the bank reconciliation report’s exports', () => {
  it('XLSX: every item with its section, and a totals row per section column', async () => {
    const job = await exportTo('xlsx');
    expect(job).toMatchObject({ state: 'done', done: 8, error: null });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(job.path);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(4).values).toEqual([
      undefined,
      'Section',
      'Date',
      'Account',
      'Receipt no.',
      'Student',
      'Mode',
      'Reference',
      'How',
      'Days',
      'In both',
      'Not yet in bank',
      'Not in books',
    ]);
    expect(sheet.getRow(5).getCell(1).value).toBe('Not yet in the bank');
    const totals = sheet.getRow(13);
    expect(totals.getCell(1).value).toBe('Total');
    const result = (c: number) => Math.round((totals.getCell(c).value as { result: number }).result * 100);
    expect([result(10), result(11), result(12)]).toEqual([15500_00, 7500_00, 9000_00]);
  });

  it('CSV: plain amounts, one line per item, and the totals', async () => {
    const job = await exportTo('csv');
    const lines = readFileSync(job.path, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('Section,Date,Account,Receipt no.,Student,Mode,Reference,How,Days,In both,Not yet in bank,Not in books');
    expect(lines[3]).toMatch(new RegExp(`^In both,2026-04-03,Fees \\(SBI\\),${receipt.bala},`));
    expect(lines.at(-1)).toMatch(/^Total,.*,15500\.00,7500\.00,9000\.00$/);
  });

  it('PDF: the title, each section and the totals', async () => {
    const job = await exportTo('pdf');
    expect(readFileSync(job.path).subarray(0, 5).toString()).toBe('%PDF-');
    if (spawnSync('pdftotext', ['-v']).error) return console.warn('pdftotext is not installed: PDF text not checked');
    const text = execFileSync('pdftotext', ['-layout', job.path, '-']).toString();
    expect(text).toContain(`Bank reconciliation · ${formatDate(APRIL.from, 'en-IN')}`);
    // Each section's name and each receipt number whole: the columns are sized for them.
    for (const words of ['Not yet in the bank', 'Not in the books', 'Cleared by hand', 'Total', '15,500.00', '7,500.00', '9,000.00'])
      expect(text).toContain(words);
    for (const receiptNo of Object.values(receipt)) expect(text).toContain(receiptNo);
    // Poppler draws the page (as a reviewer looks at it): one page, a PNG.
    const png = join(files.dir, 'reconciliation-page');
    execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', '-f', '1', '-l', '1', job.path, png]);
    expect(readFileSync(`${png}.png`).subarray(1, 4).toString()).toBe('PNG');
  });
});

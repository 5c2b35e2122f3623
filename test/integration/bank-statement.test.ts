// Reads the committed statements (test/fixtures/bank: CSVs as the banks write them, sbi.xlsx from make-fixtures.ts)
// end to end, and files made here on the spot that a statement reader must refuse or report on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatement, statementHeaders, type BankLayout, type StatementMapping } from '../../src/main/imports/bank-statement';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/bank', name);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feedesk-bank-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Every fixture holds the same month: these lines, in this order, in paise. */
const MONTH = [
  { date: '2026-04-02', kind: 'upi', debit: 0, credit: 1_250_000, balance: 11_250_000 },
  { date: '2026-04-03', kind: 'neft', debit: 0, credit: 2_500_000, balance: 13_750_000 },
  { date: '2026-04-04', kind: 'other', debit: 236_000, credit: 0, balance: 13_514_000 },
  { date: '2026-04-06', kind: 'imps', debit: 0, credit: 875_050, balance: 14_389_050 },
  { date: '2026-04-08', kind: 'cheque', debit: 0, credit: 1_500_000, balance: 15_889_050 },
  { date: '2026-04-10', kind: 'cash', debit: 0, credit: 500_000, balance: 16_389_050 },
];

const statements: [file: string, layout: BankLayout, firstRow: number, payerVpa: string | null][] = [
  ['sbi.csv', 'sbi', 12, 'ravi.kumar@oksbi'],
  ['sbi.xlsx', 'sbi', 7, 'ravi.kumar@oksbi'],
  ['hdfc.csv', 'hdfc', 8, 'ravi.kumar@okhdfcbank'],
  ['icici.csv', 'icici', 6, 'ravi.kumar@okicici'],
  ['axis.csv', 'axis', 7, 'ravi.kumar@okaxis'],
  ['kotak.csv', 'kotak', 6, null],
];

describe('readStatement', () => {
  it.each(statements)('reads %s as %s, below its account details and above its closing lines', async (file, layout, firstRow, payerVpa) => {
    const statement = await readStatement(fixture(file));
    expect(statement.layout).toBe(layout);
    expect(statement.problems).toEqual([]);
    expect(statement.lines).toEqual(MONTH.map((line, i) => expect.objectContaining({ ...line, row: firstRow + i })));
    expect(statement.lines.reduce((sum, l) => sum + l.credit, 0)).toBe(6_625_050);
    expect(statement.lines.reduce((sum, l) => sum + l.debit, 0)).toBe(236_000);
    const [upi, neft, , imps, cheque] = statement.lines;
    expect(upi!.upi).toEqual({ ref: '412345678901', payerVpa, note: 'A-0001 FDD01000042' });
    expect(upi!.reference).toBe('412345678901');
    expect(neft!.reference).toMatch(/^(?:N123260012345678|HDFCN52026040123)$/);
    expect(imps!.reference).toBe('412312345678');
    expect(cheque!.reference).toBe('123456');
    expect(statement.lines.filter((l) => l.upi !== null)).toHaveLength(1);
  });

  it('reads a statement as the layout it is told, and refuses one that is not that bank’s', async () => {
    expect((await readStatement(fixture('hdfc.csv'), { layout: 'hdfc' })).lines).toHaveLength(6);
    await expect(readStatement(fixture('hdfc.csv'), { layout: 'sbi' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: expect.stringMatching(
        /^hdfc\.csv is not a bank statement FeeDesk knows: no row of column names like State Bank of India: Txn Date, /,
      ),
    });
  });

  it('refuses a students list: it has no row of a bank statement’s column names', async () => {
    const path = await written('students.csv', 'Adm No,Student Name,Class,Date of Birth\nA-0001,Aarav Sharma,5,12/04/2016\n');
    await expect(readStatement(path)).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: expect.stringContaining('students.csv is not a bank statement FeeDesk knows: no row of column names like'),
    });
  });

  it('looks for the header in the first 30 rows only', async () => {
    const header =
      'Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n2 Apr 2026,2 Apr 2026,CASH DEPOSIT,,,500.00,500.00\n';
    const near = await written('near.csv', 'Account details\n'.repeat(29) + header);
    expect((await readStatement(near)).lines).toHaveLength(1);
    const far = await written('far.csv', 'Account details\n'.repeat(30) + header);
    await expect(readStatement(far)).rejects.toMatchObject({ field: 'file' });
  });

  it('reads a statement of withdrawals only, with no credits', async () => {
    const path = await written(
      'debits.csv',
      'Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n' +
        '01/04/26,ACH D- BESCOM ELECTRICITY-1234567,0000000000001234,01/04/26,2360.00,,97640.00\n' +
        '02/04/26,NEFT DR-SBIN0000001-ACME STATIONERS-HDFCN52026040999,HDFCN52026040999,02/04/26,"1,500.00",,96140.00\n',
    );
    const { lines, problems } = await readStatement(path);
    expect(problems).toEqual([]);
    expect(lines.map((l) => [l.debit, l.credit])).toEqual([
      [236_000, 0],
      [150_000, 0],
    ]);
  });

  it('leaves out a line with both columns, neither, or an unreadable date or amount, naming its row and column', async () => {
    const path = await written(
      'faults.csv',
      'Account No :50200012345678\n' +
        'Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n' +
        '01/04/26,TOTAL ENERGIES FUEL REFUND,,01/04/26,,500.00,500.00\n' +
        '02/04/26,REVERSAL,,02/04/26,100.00,100.00,500.00\n' +
        '03/04/26,CHARGES WAIVED,,03/04/26,,,500.00\n' +
        '31/04/26,CASH DEPOSIT,,31/04/26,,200.00,700.00\n' +
        '05/04/26,CASH DEPOSIT,,05/04/26,,12.345,712.35\n',
    );
    const { lines, problems } = await readStatement(path);
    expect(lines.map((l) => l.row)).toEqual([3]);
    expect(problems).toEqual([
      { row: 4, message: 'has both Withdrawal Amt. and Deposit Amt. filled' },
      { row: 5, message: 'has neither Withdrawal Amt. nor Deposit Amt.' },
      { row: 6, message: 'Date is not a real date (April 2026 has 30 days)' },
      { row: 7, message: 'Deposit Amt. has more than 2 decimals (INR amounts have 2)' },
    ]);
  });

  it('reads one amount column by its Dr/Cr column, or by its sign when there is none', async () => {
    const marked = await written(
      'marked.csv',
      'Date,Description,Chq / Ref No.,Amount,Dr / Cr,Balance,Dr / Cr\n' +
        '02-04-2026,CASH DEPOSIT,,"1,000.00",CR,"1,000.00",CR\n' +
        '03-04-2026,ATM WDL,,250.00,DR,750.00,CR\n' +
        '04-04-2026,CHARGES,,10.00,XX,740.00,CR\n',
    );
    const one = await readStatement(marked);
    expect(one.lines.map((l) => [l.debit, l.credit, l.balance])).toEqual([
      [0, 100_000, 100_000],
      [25_000, 0, 75_000],
    ]);
    expect(one.problems).toEqual([{ row: 4, message: 'Dr / Cr says “XX”, not Dr or Cr' }]);

    const signed = await written(
      'signed.csv',
      'Date,Description,Chq / Ref No.,Amount,Balance\n02-04-2026,CASH DEPOSIT,,"1,000.00",1000.00\n03-04-2026,ATM WDL,,-250.00,750.00\n04-04-2026,CHARGES,,10.00 Dr,740.00\n',
    );
    expect((await readStatement(signed, { layout: 'kotak' })).lines.map((l) => [l.debit, l.credit])).toEqual([
      [0, 100_000],
      [25_000, 0],
      [1_000, 0],
    ]);
  });
});

const CANARA: StatementMapping = {
  bank: 'Canara Bank',
  columns: {
    date: 'Txn Date',
    valueDate: 'Value Date',
    reference: 'Cheque No.',
    narration: 'Description',
    debit: 'Debit',
    credit: 'Credit',
    balance: 'Balance',
  },
};

describe('readStatement of a bank FeeDesk has no layout for', () => {
  it('reads it by the columns a mapping names, under the mapping’s bank name', async () => {
    const statement = await readStatement(fixture('canara.csv'), { mapping: CANARA });
    expect(statement).toMatchObject({ layout: null, bank: 'Canara Bank', account: '123101012345', problems: [] });
    expect(statement.lines).toEqual(MONTH.map((line, i) => expect.objectContaining({ ...line, row: 9 + i })));
    expect(statement.lines.map((l) => l.reference)).toEqual(['412345678901', 'N123260012345678', null, '412312345678', '123456', null]);
  });

  it('reads one amount column and its Dr/Cr column by a mapping', async () => {
    const path = await written(
      'union.csv',
      'Account Number : 520101234567890\nTran Dt,Remarks,Amt,Type,Bal\n02/04/2026,CASH DEPOSIT,"1,000.00",CR,1000.00\n03/04/2026,ATM WDL,250.00,DR,750.00\n',
    );
    const mapping: StatementMapping = {
      bank: 'Union Bank of India',
      columns: { date: 'Tran Dt', narration: 'Remarks', amount: 'Amt', drCr: 'Type', balance: 'Bal' },
    };
    const statement = await readStatement(path, { mapping });
    expect(statement).toMatchObject({ bank: 'Union Bank of India', account: '520101234567890', problems: [] });
    expect(statement.lines.map((l) => [l.debit, l.credit, l.balance])).toEqual([
      [0, 100_000, 100_000],
      [25_000, 0, 75_000],
    ]);
  });

  it('refuses a mapping with no column for the money before reading the file', async () => {
    const mapping: StatementMapping = { bank: 'Canara Bank', columns: { date: 'Txn Date', narration: 'Description' } };
    await expect(readStatement(fixture('canara.csv'), { mapping })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'mapping',
      message: "Canara Bank's mapping names no column for the money: withdrawal and deposit columns, or an amount column",
    });
  });

  it('refuses a file that lacks a column the mapping reads, naming it', async () => {
    const mapping: StatementMapping = { ...CANARA, columns: { ...CANARA.columns, date: 'Txn Dt' } };
    await expect(readStatement(fixture('canara.csv'), { mapping })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'file',
      message: "Canara Bank's mapping reads column “Txn Dt”, which this file does not have",
    });
    const none: StatementMapping = { bank: 'Canara Bank', columns: { date: 'Posting Date', narration: 'Remarks', amount: 'Value' } };
    await expect(readStatement(fixture('canara.csv'), { mapping: none })).rejects.toMatchObject({
      field: 'file',
      message: `canara.csv is not a statement Canara Bank's mapping can read: no row of its column names (“Posting Date”, “Remarks”, and “Value”) in its first 30 rows`,
    });
  });
});

describe('statementHeaders', () => {
  it('finds the header row of an unknown statement below its account details, with its column names', async () => {
    expect(await statementHeaders(fixture('canara.csv'))).toEqual({
      headerRow: 7,
      headers: ['Txn Date', 'Value Date', 'Cheque No.', 'Description', 'Branch Code', 'Debit', 'Credit', 'Balance'],
    });
    expect((await statementHeaders(fixture('kotak.csv')))?.headerRow).toBe(5);
  });

  it('finds none in a students list', async () => {
    const path = await written('pupils.csv', 'Adm No,Student Name,Class,Date of Birth\nA-0001,Aarav Sharma,5,12/04/2016\n');
    expect(await statementHeaders(path)).toBeNull();
  });
});

describe('what a statement says above its table', () => {
  const accounts: [file: string, bank: string, account: string][] = [
    ['sbi.csv', 'State Bank of India', '12345678901'],
    ['sbi.xlsx', 'State Bank of India', '12345678901'],
    ['hdfc.csv', 'HDFC Bank', '50200012345678'],
    ['icici.csv', 'ICICI Bank', '405012345'],
    ['axis.csv', 'Axis Bank', '921020012345678'],
    ['kotak.csv', 'Kotak Mahindra Bank', '8412345678'],
  ];
  it.each(accounts)('reads the bank and the account number of %s', async (file, bank, account) => {
    expect(await readStatement(fixture(file))).toMatchObject({ bank, account });
  });

  it('answers null for a statement that names no account', async () => {
    const path = await written('no-account.csv', 'Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n');
    expect(await readStatement(path)).toMatchObject({ bank: 'HDFC Bank', account: null, lines: [] });
  });
});

describe('lines a statement cannot hold', () => {
  const HDFC_HEADER = 'Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n';

  it('leaves out a line that repeats an earlier one, naming both rows', async () => {
    const path = await written(
      'repeats.csv',
      HDFC_HEADER +
        '02/04/26,UPI-RAVI KUMAR-ravi@okhdfcbank-HDFC0001234-412345678901-A-0001,0000412345678901,02/04/26,,12500.00,112500.00\n' +
        '02/04/26,UPI-ASHA RAO-asha@okhdfcbank-HDFC0001234-412345678902-A-0002,0000412345678902,02/04/26,,12500.00,125000.00\n' +
        '02/04/26,CASH DEPOSIT - MG ROAD,,02/04/26,,5000.00,130000.00\n' +
        '02/04/26,UPI-RAVI KUMAR-ravi@okhdfcbank-HDFC0001234-412345678901-A-0001,0000412345678901,02/04/26,,12500.00,112500.00\n' +
        '02/04/26,CASH DEPOSIT - MG ROAD,,02/04/26,,5000.00,135000.00\n' +
        '03/04/26,CASH DEPOSIT - MG ROAD,,03/04/26,,5000.00,140000.00\n',
    );
    const { lines, problems } = await readStatement(path);
    expect(lines.map((l) => l.row)).toEqual([2, 3, 4, 7]);
    expect(problems).toEqual([
      { row: 5, message: 'repeats row 2 (same date, amount and reference 412345678901)' },
      { row: 6, message: 'repeats row 4 (same date, amount and narration)' },
    ]);
  });

  it('leaves out a line dated after today or before 2000, naming its row, column and date', async () => {
    const path = await written(
      'dates.csv',
      'Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n' +
        '30 Apr 2026,30 Apr 2026,CASH DEPOSIT SELF,,,500.00,500.00\n' +
        '1 May 2026,1 May 2026,CASH DEPOSIT SELF,,,500.00,1000.00\n' +
        '12 Jan 2031,12 Jan 2031,CASH DEPOSIT SELF,,,500.00,1500.00\n' +
        '3 Mar 1999,3 Mar 1999,CASH DEPOSIT SELF,,,500.00,2000.00\n',
    );
    const { lines, problems } = await readStatement(path, {}, { today: '2026-04-30' });
    expect(lines.map((l) => l.date)).toEqual(['2026-04-30']);
    expect(problems).toEqual([
      { row: 3, message: 'Txn Date 1 May 2026 is after today' },
      { row: 4, message: 'Txn Date 12 Jan 2031 is after today' },
      { row: 5, message: 'Txn Date 3 Mar 1999 is before 2000' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  accountNumberIn,
  BANK_LAYOUTS,
  detectLayout,
  mappingProblem,
  parseNarration,
  type BankLayout,
  type StatementMapping,
} from '../../src/main/imports/bank-statement';

const NOTE = 'A-0001 FDD01000042';

describe('parseNarration', () => {
  const upi: [form: string, narration: string, ref: string, vpa: string | null][] = [
    [
      'ICICI: UPI/UTR/note/VPA/bank/id',
      `UPI/412345678901/${NOTE}/ravi.kumar@okicici/ICICI Bank/ICI7de43fa40188479e9baf883d6`,
      '412345678901',
      'ravi.kumar@okicici',
    ],
    [
      'HDFC: UPI-name-VPA-IFSC-UTR-note',
      `UPI-RAVI KUMAR-ravi.kumar@okhdfcbank-HDFC0001234-412345678901-${NOTE}`,
      '412345678901',
      'ravi.kumar@okhdfcbank',
    ],
    [
      'SBI: UPI/CR/UTR/name/bank/VPA/note',
      `BY TRANSFER-UPI/CR/412345678901/RAVI KUMAR/SBIN/ravi.kumar@oksbi/${NOTE}`,
      '412345678901',
      'ravi.kumar@oksbi',
    ],
    ['Axis: UPI/P2A/UTR/note/VPA/bank', `UPI/P2A/412345678901/${NOTE}/ravi.kumar@okaxis/HDFC BANK`, '412345678901', 'ravi.kumar@okaxis'],
    ['Kotak: UPI/name/UTR/note, no VPA', `UPI/RAVI KUMAR/412345678901/${NOTE}`, '412345678901', null],
  ];
  it.each(upi)('reads the UTR, the payer’s VPA and the whole note of a UPI credit (%s)', (_form, narration, ref, payerVpa) => {
    expect(parseNarration(narration)).toEqual({ kind: 'upi', ref, payerVpa, note: NOTE });
  });

  it('keeps a note with slashes whole when it comes last (SBI)', () => {
    expect(parseNarration('UPI/CR/412345678901/RAVI KUMAR/SBIN/ravi@oksbi/A-0001/FDD01000042').note).toBe('A-0001/FDD01000042');
  });

  it('answers null for the parts a UPI narration does not hold', () => {
    expect(parseNarration('UPI/P2A/412345678901/ravi@oksbi/SBIN')).toEqual({
      kind: 'upi',
      ref: '412345678901',
      payerVpa: 'ravi@oksbi',
      note: null,
    });
    expect(parseNarration('UPI/CR/RAVI KUMAR')).toEqual({ kind: 'upi', ref: null, payerVpa: null, note: null });
  });

  const transfers: [narration: string, kind: string, ref: string | null][] = [
    ['NEFT/N123260012345678/MEERA IYER/HDFC0000001', 'neft', 'N123260012345678'],
    ['NEFT-HDFCN52026040123-MEERA IYER-SUNRISE PUBLIC SCHOOL', 'neft', 'HDFCN52026040123'],
    ['NEFT CR-HDFC0000001-MEERA IYER-SUNRISE PUBLIC SCHOOL-HDFCN52026040123', 'neft', 'HDFCN52026040123'],
    ['BY TRANSFER-NEFT*HDFC0000001*N123260012345678*MEERA IYER', 'neft', 'N123260012345678'],
    ['IMPS/P2A/412312345678/KABIR SINGH/SBIN0001234', 'imps', '412312345678'],
    ['MMT/IMPS/412312345678/FEES/KABIR SING/SBIN0001234', 'imps', '412312345678'],
    ['IMPS-412312345678-KABIR SINGH-SBIN-XXXXXXXX1234-FEES', 'imps', '412312345678'],
    ['RTGS/HDFCR52026041212345678/ACME TRADERS', 'rtgs', 'HDFCR52026041212345678'],
    ['RTGS CR-HDFC0000001-ACME TRADERS', 'rtgs', null],
    ['BY CLG / CHQ NO 123456', 'cheque', '123456'],
    ['CHQ DEP - MICR CLG - BANGALORE - 123456', 'cheque', '123456'],
    ['CLG/KABIR SINGH/123456/CNRB/08.04.2026', 'cheque', '123456'],
    ['CASH DEPOSIT SELF', 'cash', null],
    ['BY CASH - MG ROAD', 'cash', null],
    ['ACH D- BESCOM ELECTRICITY-1234567', 'other', null],
  ];
  it.each(transfers)('%s → %s, reference %s', (narration, kind, ref) => {
    expect(parseNarration(narration)).toEqual({ kind, ref, payerVpa: null, note: null });
  });

  it('does not take UPI inside another word for a UPI payment', () => {
    expect(parseNarration('SUPIRI TRADERS').kind).toBe('other');
  });
});

describe('detectLayout', () => {
  it.each(Object.entries(BANK_LAYOUTS) as [BankLayout, (typeof BANK_LAYOUTS)[BankLayout]][])(
    'knows %s’s header row',
    (layout, { header }) => {
      expect(detectLayout(header)).toBe(layout);
    },
  );

  it('matches whatever the case, spacing and punctuation', () => {
    expect(detectLayout(['TXN DATE', 'VALUE DATE', 'DESCRIPTION', 'REF NO/CHEQUE NO', 'DEBIT', 'CREDIT', 'BALANCE'])).toBe('sbi');
    expect(
      detectLayout(['Date     ', 'Narration', 'Value Dat', 'Debit Amount', 'Credit Amount', 'Chq/Ref Number', 'Closing Balance']),
    ).toBe('hdfc');
  });

  it('finds no statement in a students sheet or an account-details row', () => {
    expect(detectLayout(['Adm No', 'Student Name', 'Class', 'Date of Birth'])).toBeNull();
    expect(detectLayout(['Account Name       :', 'SUNRISE PUBLIC SCHOOL'])).toBeNull();
    expect(detectLayout(['Date', 'Narration', 'Closing Balance'])).toBeNull();
  });
});

describe('accountNumberIn', () => {
  const details: [bank: string, cells: string[], account: string][] = [
    ['SBI', ['Account Number     :', '_00000012345678901'], '12345678901'],
    ['HDFC', ['Account No :50200012345678'], '50200012345678'],
    ['ICICI', ['', 'Account Number', '000405012345 ( INR ) - SUNRISE PUBLIC SCHOOL'], '405012345'],
    ['ICICI’s title', ['', 'Transactions List - SUNRISE PUBLIC SCHOOL (INR) - 000405012345'], '405012345'],
    ['Axis', ['Statement of Account No - 921020012345678 for the period (From : 01-04-2026 To : 30-04-2026)'], '921020012345678'],
    ['Kotak', ['Account No.', '8412345678'], '8412345678'],
    ['Canara', ['A/C No.', '0123101012345'], '123101012345'],
    ['Union', ['Acct No: 520101234567890'], '520101234567890'],
  ];
  it.each(details)('reads the digits of the account number as %s prints it', (_bank, cells, account) => {
    expect(accountNumberIn(cells)).toBe(account);
  });

  it('answers null for other details, and for a masked number, which could be any account', () => {
    expect(accountNumberIn(['Customer ID :880012345'])).toBeNull();
    expect(accountNumberIn(['Account Name       :', 'SUNRISE PUBLIC SCHOOL'])).toBeNull();
    expect(accountNumberIn(['Account Number', 'XXXXXXXX5678'])).toBeNull();
    expect(accountNumberIn(['Account Nominee', '1234567890'])).toBeNull();
  });
});

describe('mappingProblem', () => {
  const mapping = (columns: StatementMapping['columns'], bank = 'Canara Bank'): StatementMapping => ({ bank, columns });
  const base = { date: 'Txn Date', narration: 'Description' };

  it('accepts withdrawal and deposit columns, or an amount with or without a Dr/Cr column', () => {
    expect(mappingProblem(mapping({ ...base, debit: 'Debit', credit: 'Credit', reference: 'Cheque No.', balance: 'Balance' }))).toBeNull();
    expect(mappingProblem(mapping({ ...base, amount: 'Amount', drCr: 'Dr/Cr' }))).toBeNull();
    expect(mappingProblem(mapping({ ...base, amount: 'Amount', debit: ' ' }))).toBeNull();
  });

  const problems: [fault: string, mapping: StatementMapping, problem: string][] = [
    ['no bank name', mapping({ ...base, amount: 'Amount' }, '  '), 'A statement mapping needs the name of the bank'],
    ['no date', mapping({ narration: 'Description', amount: 'Amount' }), "Canara Bank's mapping names no column for the transaction date"],
    ['no narration', mapping({ date: 'Txn Date', amount: 'Amount' }), "Canara Bank's mapping names no column for the narration"],
    ['no money', mapping(base), "Canara Bank's mapping names no column for the money: withdrawal and deposit columns, or an amount column"],
    [
      'a withdrawal column alone',
      mapping({ ...base, debit: 'Debit' }),
      "Canara Bank's mapping names a withdrawal column (“Debit”) but no deposit column",
    ],
    [
      'a deposit column alone',
      mapping({ ...base, credit: 'Credit' }),
      "Canara Bank's mapping names a deposit column (“Credit”) but no withdrawal column",
    ],
    [
      'both kinds of money column',
      mapping({ ...base, amount: 'Amount', debit: 'Debit', credit: 'Credit' }),
      "Canara Bank's mapping names both an amount column and withdrawal/deposit columns; a statement has one or the other",
    ],
    [
      'a Dr/Cr column without an amount',
      mapping({ ...base, debit: 'Debit', credit: 'Credit', drCr: 'Dr/Cr' }),
      "Canara Bank's mapping names a Dr/Cr column (“Dr/Cr”) but no amount column for it to mark",
    ],
    [
      'one column for two fields',
      mapping({ ...base, amount: 'Amount', balance: 'AMOUNT' }),
      "Canara Bank's mapping gives the column “AMOUNT” to both the amount and the balance",
    ],
    [
      'a name with nothing to find',
      mapping({ ...base, amount: '--' }),
      "Canara Bank's mapping names the column “--”, which has no letters or digits to find it by",
    ],
    [
      'a field a statement line does not have',
      mapping({ ...base, amount: 'Amount', branch: 'Branch Code' } as StatementMapping['columns']),
      "Canara Bank's mapping has a column for “branch”, which is not a field of a statement line",
    ],
  ];
  it.each(problems)('refuses a mapping with %s', (_fault, given, problem) => {
    expect(mappingProblem(given)).toBe(problem);
  });
});

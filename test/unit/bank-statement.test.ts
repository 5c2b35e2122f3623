import { describe, expect, it } from 'vitest';
import { BANK_LAYOUTS, detectLayout, parseNarration, type BankLayout } from '../../src/main/imports/bank-statement';

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

// The pieces of matching a statement line that need no store: the UPI references a narration quotes wherever the
// bank put its separators, and the key a line is in the books under.
import { describe, expect, it } from 'vitest';
import type { StatementLine } from '../../src/main/imports/bank-statement';
import { lineKey, referencesIn } from '../../src/main/reconcile/match';

const line = (over: Partial<StatementLine>): StatementLine => ({
  row: 12,
  date: '2026-04-03',
  narration: 'CASH DEPOSIT SELF',
  reference: null,
  debit: 0,
  credit: 5000_00,
  balance: null,
  upi: null,
  kind: 'cash',
  ...over,
});

describe('referencesIn', () => {
  it('finds FD + a desk code + six digits through the spaces, slashes and dashes banks put in a note', () => {
    expect(referencesIn('UPI/CR/412345678901/RAVI/SBIN/ravi@oksbi/A-0001 FDD01000042', ['D01'])).toEqual(['FDD01000042']);
    expect(referencesIn('UPI-RAVI-ravi@okhdfc-HDFC0001234-412345678901-A-0001 FD D01 000-042', ['D01'])).toEqual(['FDD01000042']);
    expect(referencesIn('upi/412345678901/a-0001 fdd01000042/ravi@okicici', ['d01'])).toEqual(['FDD01000042']);
  });

  it('finds nothing for a desk that issued none, or too few digits', () => {
    expect(referencesIn('A-0001 FDD01000042', ['D02'])).toEqual([]);
    expect(referencesIn('A-0001 FDD0100004', ['D01'])).toEqual([]);
  });
});

describe('lineKey', () => {
  it('is the UTR, without separators, for UPI and transfers', () => {
    expect(lineKey('123', line({ kind: 'upi', reference: '4123 4567 8901' }))).toBe('412345678901');
    expect(lineKey('123', line({ kind: 'neft', reference: 'n1232600-12345678' }))).toBe('N123260012345678');
  });

  it('fingerprints a line without a reference: the same in an overlapping statement, another for another day or amount', () => {
    const key = lineKey('123', line({}));
    expect(key).toMatch(/^L[0-9A-F]{34}$/);
    expect(lineKey('123', line({ row: 40, narration: 'cash  deposit self' }))).toBe(key);
    expect(lineKey('123', line({ date: '2026-04-04' }))).not.toBe(key);
    expect(lineKey('123', line({ credit: 5001_00 }))).not.toBe(key);
    expect(lineKey('456', line({}))).not.toBe(key);
    // A cheque's number is the payer's, not the bank's reference: cheques are known by their line.
    expect(lineKey('123', line({ kind: 'cheque', reference: '123456' }))).toMatch(/^L/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../../src/shared/domain/money';
import { cellText, normalizePhone, parseAmount, parseDate } from '../../src/main/imports/values';

const utcDay = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Any real calendar day in the span dates are read in. */
const calendarDay = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 11, 31, 23)), noInvalidDate: true })
  .map((d) => ({
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
  }));

describe('parseDate', () => {
  it('reads Excel date cells by their UTC calendar day, whatever the time of day', () => {
    expect(parseDate(utcDay(2012, 4, 12))).toEqual({ ok: true, value: '2012-04-12' });
    expect(parseDate(new Date(Date.UTC(2024, 5, 3, 23, 59)))).toEqual({ ok: true, value: '2024-06-03' });
  });

  it('reads Excel serial day numbers from 1950 to 2100, counting from 1899-12-30 past Lotus’s 29 February 1900', () => {
    expect(parseDate(41011)).toEqual({ ok: true, value: '2012-04-12' });
    expect(parseDate(46124)).toEqual({ ok: true, value: '2026-04-12' });
    expect(parseDate(46124.75)).toEqual({ ok: true, value: '2026-04-12' });
    expect(parseDate(18264)).toEqual({ ok: true, value: '1950-01-01' });
    expect(parseDate(73415)).toEqual({ ok: true, value: '2100-12-31' });
  });

  it('takes a number outside that span for what it more likely is: not a date', () => {
    for (const n of [60, 18263, 73416, 20260412, -5, Number.NaN]) {
      expect(parseDate(n)).toEqual({ ok: false, reason: 'is a number, not a date (use YYYY-MM-DD or DD/MM/YYYY)' });
    }
  });

  it('reads text dates in the ways schools write them, slashed dates day first', () => {
    const cases: [string, string][] = [
      ['2026-04-12', '2026-04-12'],
      ['2026/4/12', '2026-04-12'],
      ['12/04/2026', '2026-04-12'],
      ['12-04-2026', '2026-04-12'],
      ['12.04.2026', '2026-04-12'],
      ['5/1/12', '2012-01-05'],
      ['1/2/50', '2050-02-01'],
      ['1/2/51', '1951-02-01'],
      ['12 Apr 2026', '2026-04-12'],
      ['12 April 2026', '2026-04-12'],
      ['12-Apr-2026', '2026-04-12'],
      ['12-Apr-26', '2026-04-12'],
      ['Apr 12, 2026', '2026-04-12'],
      ['Sept 3, 2026', '2026-09-03'],
      ['  12/04/2026 00:00:00 ', '2026-04-12'],
      ['2026-04-12T09:30:00Z', '2026-04-12'],
      ['29/02/2024', '2024-02-29'],
    ];
    for (const [text, iso] of cases) expect(parseDate(text), text).toEqual({ ok: true, value: iso });
  });

  it('refuses impossible dates and says why', () => {
    expect(parseDate('31/02/2026')).toEqual({ ok: false, reason: 'is not a real date (February 2026 has 28 days)' });
    expect(parseDate('29/02/2100')).toEqual({ ok: false, reason: 'is not a real date (February 2100 has 28 days)' });
    expect(parseDate('04/13/2026')).toEqual({ ok: false, reason: 'has no month 13 (dates are read day first: DD/MM/YYYY)' });
    expect(parseDate('12/04/1899')).toEqual({ ok: false, reason: 'is not a date between 1900 and 2100' });
  });

  it('refuses what is not a date', () => {
    for (const cell of ['tomorrow', '12 Smarch 2026', '12/04', '2026-04-12-01', '12/04-2026', true]) {
      expect(parseDate(cell), String(cell)).toEqual({ ok: false, reason: 'is not a date (use YYYY-MM-DD or DD/MM/YYYY)' });
    }
    expect(parseDate(null)).toEqual({ ok: false, reason: 'is empty' });
    expect(parseDate('  ')).toEqual({ ok: false, reason: 'is empty' });
  });

  it('reads back any day written as DD/MM/YYYY, D/M/YYYY, as a Date or (from 1950) as an Excel serial', () => {
    fc.assert(
      fc.property(calendarDay, ({ y, m, d }) => {
        const iso = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
        expect(parseDate(`${pad(d)}/${pad(m)}/${y}`)).toEqual({ ok: true, value: iso });
        expect(parseDate(`${d}/${m}/${y}`)).toEqual({ ok: true, value: iso });
        expect(parseDate(utcDay(y, m, d))).toEqual({ ok: true, value: iso });
        if (y >= 1950) expect(parseDate((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000)).toEqual({ ok: true, value: iso });
      }),
    );
  });
});

describe('parseAmount', () => {
  it('reads numbers in major units as integer minor units', () => {
    expect(parseAmount(1234.5, 'INR')).toEqual({ ok: true, value: 123450 });
    expect(parseAmount(45000, 'INR')).toEqual({ ok: true, value: 4500000 });
    expect(parseAmount(0, 'INR')).toEqual({ ok: true, value: 0 });
    expect(parseAmount(5000, 'JPY')).toEqual({ ok: true, value: 5000 });
    expect(parseAmount(1.234, 'KWD')).toEqual({ ok: true, value: 1234 });
  });

  it('reads a formula’s floating-point noise as the amount Excel shows (15 significant digits)', () => {
    expect(parseAmount(1000 * 1.18, 'INR')).toEqual({ ok: true, value: 118000 });
    expect(parseAmount(0.1 + 0.2, 'INR')).toEqual({ ok: true, value: 30 });
  });

  it('refuses more decimals than the currency has', () => {
    expect(parseAmount(12.345, 'INR')).toEqual({ ok: false, reason: 'has more than 2 decimals (INR amounts have 2)' });
    expect(parseAmount('12.345', 'INR')).toEqual({ ok: false, reason: 'has more than 2 decimals (INR amounts have 2)' });
    expect(parseAmount(500.5, 'JPY')).toEqual({ ok: false, reason: 'has decimals, and JPY amounts have none' });
    expect(parseAmount(1e-7, 'INR')).toEqual({ ok: false, reason: 'has more than 2 decimals (INR amounts have 2)' });
  });

  it('reads text with currency signs, codes and Indian or Western grouping', () => {
    const cases: [string, number][] = [
      ['1,00,000.50', 1_00_000_50],
      ['1,234.50', 1_234_50],
      ['12,34,567', 12_34_567_00],
      ['₹ 2,500', 2_500_00],
      ['₹2500.5', 2_500_50],
      ['Rs. 500/-', 500_00],
      ['Rs 1,200', 1_200_00],
      ['rs.750', 750_00],
      ['INR 1,00,000.00', 1_00_000_00],
      ['1500 INR', 1_500_00],
      ['1 00 000', 1_00_000_00],
      ['12\u00a0500.75', 12_500_75],
      ['.5', 50],
      ['500.', 500_00],
      [' 0 ', 0],
      ['-', 0],
    ];
    for (const [text, minor] of cases) expect(parseAmount(text, 'INR'), text).toEqual({ ok: true, value: minor });
    expect(parseAmount('$1,234.56', 'USD')).toEqual({ ok: true, value: 1_234_56 });
    expect(parseAmount('USD 99', 'USD')).toEqual({ ok: true, value: 99_00 });
  });

  it('refuses negative amounts however they are written', () => {
    for (const cell of [-5, '-500', '₹-500', '-₹500', '(500)', '500-', '−500']) {
      expect(parseAmount(cell, 'INR'), String(cell)).toEqual({ ok: false, reason: 'must not be negative' });
    }
  });

  it('refuses an amount in another currency', () => {
    expect(parseAmount('$ 500', 'INR')).toEqual({ ok: false, reason: 'is in $, not INR' });
    expect(parseAmount('USD 500', 'INR')).toEqual({ ok: false, reason: 'is in USD, not INR' });
    expect(parseAmount('€20', 'INR')).toEqual({ ok: false, reason: 'is in €, not INR' });
  });

  it('refuses junk, and a decimal comma rather than guess it is a thousands separator', () => {
    for (const cell of ['abc', '12,50', '1,2345', '1.000.000', '12 apples', 'one hundred', '1e5', '.', true, utcDay(2026, 4, 12)]) {
      expect(parseAmount(cell, 'INR'), String(cell)).toEqual({
        ok: false,
        reason: 'is not an amount (write it like 12500 or 1,00,000.50)',
      });
    }
    expect(parseAmount(null, 'INR')).toEqual({ ok: false, reason: 'is empty' });
    expect(parseAmount(1e20, 'INR')).toEqual({ ok: false, reason: 'is too large for an amount' });
    expect(parseAmount('99999999999999999', 'INR')).toEqual({ ok: false, reason: 'is too large for an amount' });
  });

  it('reads back any amount formatted the Indian or the Western way, with or without a currency mark', () => {
    const mark = fc.constantFrom(
      (s: string) => s,
      (s: string) => `₹${s}`,
      (s: string) => `Rs. ${s}/-`,
      (s: string) => `INR ${s}`,
      (s: string) => `${s} INR`,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_00 }), fc.constantFrom('en-IN', 'en-US'), mark, (minor, locale, decorate) => {
        expect(parseAmount(decorate(formatAmount(minor, 'INR', locale)), 'INR')).toEqual({ ok: true, value: minor });
      }),
    );
  });

  it('reads back any amount Excel holds as a number of rupees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_00 }), (minor) => {
        expect(parseAmount(minor / 100, 'INR')).toEqual({ ok: true, value: minor });
      }),
    );
  });
});

describe('normalizePhone', () => {
  const mobile = '+919845012345';

  it('brings the ways a mobile number is written to one E.164 number, keeping what was written', () => {
    for (const written of [
      '98450 12345',
      '9845012345',
      '+91 98450 12345',
      '+91-98450-12345',
      '0091 98450 12345',
      '09845012345',
      '919845012345',
      '(98450) 12345',
      '98450.12345',
      '9.845012345E9',
      '9.845012345E+09',
    ]) {
      expect(normalizePhone(written), written).toEqual({ ok: true, value: { normalized: mobile, original: written } });
    }
    expect(normalizePhone(9845012345)).toEqual({ ok: true, value: { normalized: mobile, original: '9845012345' } });
    expect(normalizePhone('  98450 12345 ')).toEqual({ ok: true, value: { normalized: mobile, original: '98450 12345' } });
  });

  it('reads landlines with their trunk 0, and other countries by their code', () => {
    expect(normalizePhone('080 2345 6789')).toMatchObject({ ok: true, value: { normalized: '+918023456789' } });
    expect(normalizePhone('+1 (212) 555-1234')).toMatchObject({ ok: true, value: { normalized: '+12125551234' } });
    expect(normalizePhone('2125551234', '1')).toMatchObject({ ok: true, value: { normalized: '+12125551234' } });
    expect(normalizePhone('12125551234', '1')).toMatchObject({ ok: true, value: { normalized: '+12125551234' } });
  });

  it('refuses a number with too few or too many digits', () => {
    expect(normalizePhone('98450')).toEqual({ ok: false, reason: 'has too few digits for a phone number' });
    expect(normalizePhone('+91 98450')).toEqual({ ok: false, reason: 'has too few digits for a phone number' });
    expect(normalizePhone('+91 98450 12345 12345')).toEqual({ ok: false, reason: 'has too many digits for a phone number' });
  });

  it('refuses a number Excel shortened, two numbers in one cell, and what is not a number', () => {
    expect(normalizePhone('9.84501E+09')).toEqual({
      ok: false,
      reason: 'was shortened by Excel to 9.84501E+09: format the column as Text and type the number again',
    });
    expect(normalizePhone('98450 12345 / 98450 54321')).toEqual({
      ok: false,
      reason: 'holds more than one number (put the second one in its own column)',
    });
    expect(normalizePhone('98450 12345 or 98450 54321')).toEqual({
      ok: false,
      reason: 'holds more than one number (put the second one in its own column)',
    });
    for (const cell of ['call office', '98450 12345 ext 12', '+91 +98450', 98450.5, true, utcDay(2026, 1, 1)]) {
      expect(normalizePhone(cell), String(cell)).toEqual({
        ok: false,
        reason: 'is not a phone number (digits, spaces, dashes and a leading + only)',
      });
    }
    expect(normalizePhone(null)).toEqual({ ok: false, reason: 'is empty' });
  });

  it('gives any ten-digit mobile number the same E.164 form however it is spaced or prefixed', () => {
    const write = fc.constantFrom(
      (n: string) => n,
      (n: string) => `${n.slice(0, 5)} ${n.slice(5)}`,
      (n: string) => `+91 ${n.slice(0, 5)}-${n.slice(5)}`,
      (n: string) => `0${n}`,
      (n: string) => `0091${n}`,
      (n: string) => `91${n}`,
    );
    fc.assert(
      fc.property(fc.integer({ min: 6_000_000_000, max: 9_999_999_999 }), write, (n, format) => {
        expect(normalizePhone(format(String(n)))).toMatchObject({ ok: true, value: { normalized: `+91${n}` } });
        expect(normalizePhone(n)).toMatchObject({ ok: true, value: { normalized: `+91${n}` } });
      }),
    );
  });
});

describe('cellText', () => {
  it('trims text and gives null for an empty cell', () => {
    expect(cellText('  Aarav  ')).toBe('Aarav');
    expect(cellText('   ')).toBeNull();
    expect(cellText(null)).toBeNull();
  });

  it('writes numbers as Excel shows them, without floating-point noise or exponents', () => {
    expect(cellText(12)).toBe('12');
    expect(cellText(9845012345)).toBe('9845012345');
    expect(cellText(0.1 + 0.2)).toBe('0.3');
    expect(cellText(1234.5)).toBe('1234.5');
    expect(cellText(1e21)).toBe('1000000000000000000000');
    expect(cellText(1e-7)).toBe('0.0000001');
    expect(cellText(-0)).toBe('0');
  });

  it('writes dates as ISO days (with the time when there is one) and booleans as Excel does', () => {
    expect(cellText(utcDay(2026, 4, 12))).toBe('2026-04-12');
    expect(cellText(new Date(Date.UTC(2026, 3, 12, 9, 5)))).toBe('2026-04-12 09:05');
    expect(cellText(true)).toBe('TRUE');
    expect(cellText(false)).toBe('FALSE');
  });

  it('writes any safe integer exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(cellText(n)).toBe(String(n));
      }),
    );
  });
});

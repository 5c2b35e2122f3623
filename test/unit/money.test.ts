import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concessionAmounts } from '../../src/shared/domain/concessions';
import { addMonths, dateIn, daysBetween } from '../../src/shared/domain/dates';
import { fineAsOf } from '../../src/shared/domain/fines';
import { planInstallments, splitEvenly, splitProblem } from '../../src/shared/domain/installments';
import { amountInWords } from '../../src/shared/domain/amount-in-words';
import { formatAmount, formatMoney, parseMoney } from '../../src/shared/domain/money';
import { formatReceiptNo, receiptFormatProblem } from '../../src/shared/domain/receipt-number';

describe('money', () => {
  it('formats en-IN with lakh grouping and the rupee sign, exactly', () => {
    expect(formatMoney(1_00_000_00, 'INR', 'en-IN')).toBe('₹1,00,000.00');
    expect(formatMoney(12_34_56_789_05, 'INR', 'en-IN')).toBe('₹12,34,56,789.05');
    expect(formatMoney(-50, 'INR', 'en-IN')).toBe('-₹0.50');
    expect(formatMoney(123_456_78, 'USD', 'en-US')).toBe('$123,456.78');
    expect(formatMoney(5000, 'JPY', 'ja-JP')).toBe('￥5,000');
    expect(formatAmount(1_00_000_00, 'INR', 'en-IN')).toBe('1,00,000.00');
  });

  it('reads typed amounts back to the same minor units', () => {
    expect(parseMoney('1,00,000', 'INR', 'en-IN')).toBe(1_00_000_00);
    expect(parseMoney('₹ 2500.5', 'INR', 'en-IN')).toBe(2_500_50);
    expect(parseMoney('2.500,75', 'EUR', 'de-DE')).toBe(2_500_75);
    expect(parseMoney('12.345', 'INR', 'en-IN')).toBeNull();
    expect(parseMoney('-5', 'INR', 'en-IN')).toBeNull();
    expect(parseMoney('abc', 'INR', 'en-IN')).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_00 }), (minor) => {
        expect(parseMoney(formatMoney(minor, 'INR', 'en-IN'), 'INR', 'en-IN')).toBe(minor);
        expect(parseMoney(formatAmount(minor, 'EUR', 'de-DE'), 'EUR', 'de-DE')).toBe(minor);
      }),
    );
  });
});

describe('installments', () => {
  it('split a head into integer shares that sum to it exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 24 }), (amount, parts) => {
        const shares = splitEvenly(amount, parts);
        expect(shares).toHaveLength(parts);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(amount);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        expect(splitProblem(amount, shares, parts)).toBeNull();
      }),
    );
    expect(splitProblem(1000, [500, 400], 2)).toBe('shares sum to 900 but the head amount is 1000');
    expect(splitProblem(1000, [1000], 2)).toBe('has 1 shares for 2 installments');
  });

  it('plans standard installments from the first due date', () => {
    expect(planInstallments('quarterly', '2026-04-10').map((i) => i.dueOn)).toEqual([
      '2026-04-10',
      '2026-07-10',
      '2026-10-10',
      '2027-01-10',
    ]);
    expect(planInstallments('monthly', '2026-01-31')[1]).toEqual({ label: 'Feb 2026', dueOn: '2026-02-28' });
    expect(planInstallments('termwise', '2026-04-10')).toHaveLength(3);
    expect(addMonths('2027-12-15', 2)).toBe('2028-02-15');
    expect(daysBetween('2026-04-10', '2026-05-10')).toBe(30);
  });
});

describe('late fines', () => {
  it('follow flat, per-day-with-cap and slab rules after the grace days', () => {
    expect(fineAsOf({ kind: 'flat', graceDays: 10, amount: 100_00 }, '2026-04-10', '2026-04-20')).toBe(0);
    expect(fineAsOf({ kind: 'flat', graceDays: 10, amount: 100_00 }, '2026-04-10', '2026-04-21')).toBe(100_00);
    expect(fineAsOf({ kind: 'per_day', graceDays: 0, perDay: 10_00, cap: 50_00 }, '2026-04-10', '2026-04-13')).toBe(30_00);
    expect(fineAsOf({ kind: 'per_day', graceDays: 0, perDay: 10_00, cap: 50_00 }, '2026-04-10', '2026-06-13')).toBe(50_00);
    const slabs = {
      kind: 'slabs' as const,
      graceDays: 5,
      slabs: [
        { fromDay: 1, amount: 50_00 },
        { fromDay: 30, amount: 200_00 },
      ],
    };
    expect(fineAsOf(slabs, '2026-04-10', '2026-04-16')).toBe(50_00);
    expect(fineAsOf(slabs, '2026-04-10', '2026-05-15')).toBe(200_00);
    expect(fineAsOf(null, '2026-04-10', '2027-04-10')).toBe(0);
    expect(fineAsOf(slabs, '2026-04-10', '2026-04-01')).toBe(0);
  });
});

describe('concessions', () => {
  it('take a percent per due, rounded down', () => {
    expect(concessionAmounts({ kind: 'percent', value: 1_000 }, [3_000_00, 1_555])).toEqual([300_00, 155]);
  });

  it('spread a fixed amount over dues in proportion, summing exactly and never above a balance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_00 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 50_000_00 }),
        (balances, value) => {
          const shares = concessionAmounts({ kind: 'fixed', value }, balances);
          const total = balances.reduce((a, b) => a + b, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(Math.min(value, total));
          shares.forEach((s, i) => expect(s).toBeLessThanOrEqual(balances[i]!));
        },
      ),
    );
  });
});

describe('receipt numbers', () => {
  it('format year, desk and a padded serial, and refuse formats that could collide', () => {
    expect(formatReceiptNo('{year}/{desk}/{seq:6}', { year: '2026-27', desk: 'D01', seq: 123 })).toBe('2026-27/D01/000123');
    expect(formatReceiptNo('R-{desk}-{year}-{seq}', { year: '2026-27', desk: 'D2', seq: 5 })).toBe('R-D2-2026-27-5');
    expect(receiptFormatProblem('{year}/{seq:6}')).toMatch(/{desk}/);
    expect(receiptFormatProblem('{year}/{desk}')).toMatch(/{seq}/);
    expect(receiptFormatProblem('{desk}/{seq}')).toMatch(/{year}/);
    expect(receiptFormatProblem('{year}/{desk}/{seq}/{cashier}')).toMatch(/unknown/);
    expect(receiptFormatProblem('{year}/{desk}/{seq:6}')).toBeNull();
  });
});

describe('the school day', () => {
  it('is the calendar date in the given zone, or the machine’s own', () => {
    const instant = new Date('2026-04-01T20:00:00Z');
    expect(dateIn(instant, 'Asia/Kolkata')).toBe('2026-04-02');
    expect(dateIn(instant, 'UTC')).toBe('2026-04-01');
    const local = new Date(2026, 3, 1, 23, 59);
    expect(dateIn(local)).toBe('2026-04-01');
  });
});

describe('amount in words', () => {
  it('uses lakh and crore for en-IN and million for other locales', () => {
    expect(amountInWords(1_23_45_678_50, 'INR', 'en-IN')).toBe(
      'Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Fifty Paise Only',
    );
    expect(amountInWords(1_00_000_00, 'INR', 'en-IN')).toBe('Rupees One Lakh Only');
    expect(amountInWords(12_345_678_90, 'USD', 'en-US')).toBe(
      'Dollars Twelve Million Three Hundred Forty-Five Thousand Six Hundred Seventy-Eight and Ninety Cents Only',
    );
    expect(amountInWords(0, 'INR', 'en-IN')).toBe('Rupees Zero Only');
    expect(amountInWords(5, 'INR', 'en-IN')).toBe('Rupees Zero and Five Paise Only');
    expect(amountInWords(1_000_00_00_000_00, 'INR', 'en-IN')).toBe('Rupees One Thousand Crore Only');
  });
});

// The round sums offered for cash tendered: above the amount, the next multiple of a few steps of the currency's notes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denominationsFor, quickTenders } from '../../src/shared/domain/denominations';

describe('quick tender', () => {
  it('offers the next ₹100, ₹500 and ₹1,000 above a rupee amount', () => {
    // Already a round hundred: the next round sum is ₹5,000 (the exact amount is offered apart).
    expect(quickTenders(4_700_00, denominationsFor('INR'))).toEqual([5_000_00]);
    expect(quickTenders(4_730_50, denominationsFor('INR'))).toEqual([4_800_00, 5_000_00]);
    expect(quickTenders(18_040_00, denominationsFor('INR'))).toEqual([18_100_00, 18_500_00, 19_000_00]);
  });

  it('follows the currency’s notes and the school’s own list', () => {
    expect(quickTenders(137_25, denominationsFor('USD'))).toEqual([140_00, 200_00]);
    expect(quickTenders(4_700_00, denominationsFor('INR', [2_000_00, 500_00, 100_00]))).toEqual([4_800_00, 6_000_00, 8_000_00]);
  });

  it('offers nothing for no amount, and never the amount itself or less', () => {
    expect(quickTenders(0, denominationsFor('INR'))).toEqual([]);
    expect(quickTenders(-5, denominationsFor('INR'))).toEqual([]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.constantFrom('INR', 'USD', 'EUR', 'GBP', 'KES', 'XYZ'),
        (amount, currency) => {
          const sums = quickTenders(amount, denominationsFor(currency));
          expect(sums.every((s) => s > amount && Number.isInteger(s))).toBe(true);
          expect([...sums].sort((a, b) => a - b)).toEqual(sums);
          expect(new Set(sums).size).toBe(sums.length);
        },
      ),
    );
  });
});

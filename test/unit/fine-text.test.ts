// A late-fine rule as one cell: what the structures list writes, the structures importer reads back as the same rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fineRule } from '../../src/shared/contract/structures';
import type { FineRule } from '../../src/shared/domain/fines';
import { fineRuleText, parseFineRuleText } from '../../src/main/imports/fine-text';

const amount = fc.integer({ min: 1, max: 10_000_000 });
const days = fc.integer({ min: 0, max: 365 });
const rules: fc.Arbitrary<FineRule> = fc.oneof(
  fc.record({ kind: fc.constant('flat' as const), graceDays: days, amount }),
  fc.record({ kind: fc.constant('per_day' as const), graceDays: days, perDay: amount, cap: amount }),
  fc.record({
    kind: fc.constant('slabs' as const),
    graceDays: days,
    slabs: fc
      .uniqueArray(days, { minLength: 1, maxLength: 5 })
      .chain((ds) => fc.tuple(...ds.sort((a, b) => a - b).map((fromDay) => amount.map((a) => ({ fromDay, amount: a }))))),
  }),
);

describe('late-fine rule text', () => {
  it('reads back every rule it writes, in rupees and in yen', () => {
    fc.assert(
      fc.property(rules, fc.constantFrom('INR', 'JPY'), (rule, currency) => {
        const text = fineRuleText(rule, currency)!;
        expect(parseFineRuleText(text, currency)).toEqual({ ok: true, value: rule });
        expect(fineRule.safeParse(rule).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the forms a person can type, and reads them in any case and spacing, with grouped amounts and symbols', () => {
    expect(fineRuleText({ kind: 'per_day', graceDays: 10, perDay: 10_00, cap: 500_00 }, 'INR')).toBe(
      'per day 10.00 after 10 days, at most 500.00',
    );
    expect(fineRuleText({ kind: 'flat', graceDays: 1, amount: 100_00 }, 'INR')).toBe('flat 100.00 after 1 day');
    expect(fineRuleText(null, 'INR')).toBeNull();
    expect(parseFineRuleText('  Flat  ₹1,000   after 7 days ', 'INR')).toEqual({
      ok: true,
      value: { kind: 'flat', graceDays: 7, amount: 1_000_00 },
    });
    expect(parseFineRuleText('SLABS after 0 days: day 1 50; day 30 Rs. 200/-;', 'INR')).toEqual({
      ok: true,
      value: {
        kind: 'slabs',
        graceDays: 0,
        slabs: [
          { fromDay: 1, amount: 50_00 },
          { fromDay: 30, amount: 200_00 },
        ],
      },
    });
  });

  it('says what is wrong with a cell it cannot read', () => {
    expect(parseFineRuleText('10% after a week', 'INR')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^is not a late-fine rule: write “flat 100 after 10 days”/),
    });
    expect(parseFineRuleText('flat -100 after 7 days', 'INR')).toEqual({
      ok: false,
      reason: 'has an amount “-100” that must not be negative',
    });
    expect(parseFineRuleText('flat 10.505 after 7 days', 'INR')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than 2 decimals/),
    });
    expect(parseFineRuleText('slabs after 5 days: from day 3 50', 'INR')).toEqual({
      ok: false,
      reason: 'has a slab “from day 3 50” that is not “day <number> <amount>”',
    });
    expect(parseFineRuleText('per day 5 after 10 days', 'INR')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^is not a late-fine rule/),
    });
  });
});

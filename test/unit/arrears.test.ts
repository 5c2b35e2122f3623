// A previous year's dues apart from this year's: every item lands in one part, in its order, and the subtotals add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrearsLabel, splitArrears } from '../../src/shared/domain/arrears';

const item = fc.record({
  key: fc.uuid(),
  year: fc.constantFrom('2024-25', '2025-26', '2026-27'),
  balance: fc.integer({ min: 1, max: 5_000_00 }),
});
// The current year is 2026-27: the two before it are arrears.
const items = fc
  .uniqueArray(item, { selector: (i) => i.key, maxLength: 30 })
  .map((list) => list.map((i) => ({ ...i, arrears: i.year !== '2026-27' })));

describe('arrears apart from this year', () => {
  it('puts each item in exactly one part, keeps their order, and the parts add up to the whole', () => {
    fc.assert(
      fc.property(items, (open) => {
        const { arrears, current, currentTotal } = splitArrears(open);
        const parts = [...arrears.flatMap((y) => y.items), ...current];
        expect(new Set(parts.map((i) => i.key))).toEqual(new Set(open.map((i) => i.key)));
        expect(parts).toHaveLength(open.length);
        for (const year of arrears) {
          expect(year.items.every((i) => i.arrears && i.year === year.year)).toBe(true);
          expect(year.total).toBe(year.items.reduce((a, i) => a + i.balance, 0));
          expect(year.items.map((i) => i.key)).toEqual(open.filter((i) => i.year === year.year).map((i) => i.key));
        }
        expect(current.map((i) => i.key)).toEqual(open.filter((i) => !i.arrears).map((i) => i.key));
        expect(arrears.reduce((a, y) => a + y.total, 0) + currentTotal).toBe(open.reduce((a, i) => a + i.balance, 0));
      }),
    );
  });

  it('lists the years of arrears in the order their first due comes', () => {
    const open = [
      { year: '2024-25', arrears: true, balance: 100 },
      { year: '2025-26', arrears: true, balance: 200 },
      { year: '2024-25', arrears: true, balance: 300 },
      { year: '2026-27', arrears: false, balance: 400 },
    ];
    const { arrears, currentTotal } = splitArrears(open);
    expect(arrears.map((y) => [arrearsLabel(y.year), y.total])).toEqual([
      ['Arrears 2024-25', 400],
      ['Arrears 2025-26', 200],
    ]);
    expect(currentTotal).toBe(400);
  });
});

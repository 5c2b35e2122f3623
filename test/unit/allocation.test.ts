import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocationOrder, allocationProblem, type OpenItem } from '../../src/shared/domain/allocation';

const item = fc.record({
  key: fc.uuid(),
  studentId: fc.constantFrom('s1', 's2'),
  kind: fc.constantFrom('fee' as const, 'fine' as const, 'bounce_charge' as const),
  dueOn: fc.constantFrom('2026-04-10', '2026-07-10', '2026-10-10'),
  order: fc.integer({ min: 0, max: 5 }),
  group: fc.constantFrom('g1', 'g2', 'g3'),
  balance: fc.integer({ min: 1, max: 5_000_00 }),
});
const items = fc.uniqueArray(item, { selector: (i) => i.key, maxLength: 30 });

describe('allocation', () => {
  it('spends exactly the amount: allocations plus credit equal it, and no due goes negative', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 200_000_00 }), fc.boolean(), (open, amount, finesFirst) => {
        const { allocations, credit } = allocate(open, amount, { finesFirst });
        const byKey = new Map(open.map((i) => [i.key, i]));
        expect(allocations.reduce((a, x) => a + x.amount, 0) + credit).toBe(amount);
        for (const a of allocations) {
          expect(a.amount).toBeGreaterThan(0);
          expect(a.amount).toBeLessThanOrEqual(byKey.get(a.key)!.balance);
        }
        expect(credit).toBeGreaterThanOrEqual(0);
        // Credit only when every due is paid in full.
        if (credit > 0) expect(allocations.length).toBe(open.length);
        expect(allocationProblem(open, allocations, amount)).toBeNull();
      }),
    );
  });

  it('pays older installments before newer ones', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 50_000_00 }), (open, amount) => {
        const { allocations } = allocate(open, amount);
        const byKey = new Map(open.map((i) => [i.key, i]));
        const paid = allocations.map((a) => byKey.get(a.key)!);
        // Every item left unpaid or partly paid is no older than the last one paid.
        const last = paid.at(-1);
        if (!last) return;
        const untouched = open.filter((i) => !allocations.some((a) => a.key === i.key));
        for (const u of untouched) expect(u.dueOn >= last.dueOn).toBe(true);
      }),
    );
  });

  it('puts an installment’s fine first or last as the rule says', () => {
    const group: OpenItem[] = [
      { key: 'fee', studentId: 's', kind: 'fee', dueOn: '2026-04-10', order: 1, group: 'q1', balance: 100 },
      { key: 'fine', studentId: 's', kind: 'fine', dueOn: '2026-04-10', order: 0, group: 'q1', balance: 50 },
    ];
    expect(allocationOrder(group, { finesFirst: true }).map((i) => i.key)).toEqual(['fine', 'fee']);
    expect(allocationOrder(group, { finesFirst: false }).map((i) => i.key)).toEqual(['fee', 'fine']);
    expect(allocate(group, 60, { finesFirst: true }).allocations).toEqual([
      { key: 'fine', amount: 50 },
      { key: 'fee', amount: 10 },
    ]);
  });

  it('refuses edited allocations that are unknown, repeated, above a balance or above the money', () => {
    const open: OpenItem[] = [{ key: 'a', studentId: 's', kind: 'fee', dueOn: '2026-04-10', order: 1, group: 'q1', balance: 100 }];
    expect(allocationProblem(open, [{ key: 'zz', amount: 1 }], 100)).toMatchObject({ index: 0, field: 'key' });
    expect(
      allocationProblem(
        open,
        [
          { key: 'a', amount: 1 },
          { key: 'a', amount: 1 },
        ],
        100,
      ),
    ).toMatchObject({ index: 1, message: 'appears twice' });
    expect(allocationProblem(open, [{ key: 'a', amount: 101 }], 500)).toMatchObject({ index: 0, field: 'amount' });
    expect(allocationProblem(open, [{ key: 'a', amount: 0 }], 500)).toMatchObject({ index: 0, field: 'amount' });
    expect(allocationProblem(open, [{ key: 'a', amount: 100 }], 99)).toMatchObject({ index: null, field: 'allocations' });
  });
});

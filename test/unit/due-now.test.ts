// What a collection and a fee slip ask for: what has fallen due by the day, else the next installment; never the year.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenDues, OpenItemView } from '../../src/shared/contract/payments';
import { defaultChoice, fallenDue, nextInstallment, sumBalances } from '../../src/shared/domain/due-now';
import { amountAsked } from '../../src/main/print/slip-pdf';

const item = (key: string, dueOn: string, balance: number, kind: OpenItemView['kind'] = 'fee'): OpenItemView => ({
  key,
  studentId: 's1',
  kind,
  dueOn,
  order: 0,
  group: dueOn,
  installment: `Due ${dueOn}`,
  head: key,
  gross: balance,
  concession: 0,
  waived: 0,
  paid: 0,
  balance,
  year: '2026-27',
  arrears: false,
});

const YEAR = [
  item('q1-tuition', '2026-04-10', 3_000_00),
  item('q1-transport', '2026-04-10', 1_500_00),
  item('q1-fine', '2026-04-20', 200_00, 'fine'),
  item('q2-tuition', '2026-07-10', 3_000_00),
  item('q2-exam', '2026-07-10', 1_000_00),
  item('q3-tuition', '2026-10-10', 3_000_00),
];

describe('what has fallen due', () => {
  it('takes what fell due by the day, fines to date included, and leaves later installments', () => {
    expect(defaultChoice(YEAR, '2026-05-10').map((i) => i.key)).toEqual(['q1-tuition', 'q1-transport', 'q1-fine']);
    expect(sumBalances(defaultChoice(YEAR, '2026-05-10'))).toBe(4_700_00);
    expect(defaultChoice(YEAR, '2026-07-10').map((i) => i.key)).toEqual(['q1-tuition', 'q1-transport', 'q1-fine', 'q2-tuition', 'q2-exam']);
  });

  it('takes the next installment when nothing has fallen due (a parent paying ahead)', () => {
    expect(defaultChoice(YEAR, '2026-04-02').map((i) => i.key)).toEqual(['q1-tuition', 'q1-transport']);
    expect(defaultChoice([], '2026-04-02')).toEqual([]);
  });

  it('adds the next installment not yet chosen, one at a time', () => {
    const chosen = new Set(defaultChoice(YEAR, '2026-05-10').map((i) => i.key));
    expect(nextInstallment(YEAR, chosen).map((i) => i.key)).toEqual(['q2-tuition', 'q2-exam']);
    for (const i of nextInstallment(YEAR, chosen)) chosen.add(i.key);
    expect(nextInstallment(YEAR, chosen).map((i) => i.key)).toEqual(['q3-tuition']);
    expect(nextInstallment(YEAR, new Set(YEAR.map((i) => i.key)))).toEqual([]);
  });

  it('never asks for more than the year, nor leaves out anything that has fallen due (any dues, any day)', () => {
    const dates = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(2026, 3, 1) + d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.tuple(dates, fc.integer({ min: 1, max: 5_000_000 })), { maxLength: 24 }), dates, (rows, asOf) => {
        const items = rows.map(([dueOn, balance], n) => item(`k${n}`, dueOn, balance));
        const chosen = defaultChoice(items, asOf);
        expect(sumBalances(chosen)).toBeLessThanOrEqual(sumBalances(items));
        for (const i of fallenDue(items, asOf)) expect(chosen).toContain(i);
        if (fallenDue(items, asOf).length === 0 && items.length > 0) expect(chosen.every((c) => c.dueOn === chosen[0]!.dueOn)).toBe(true);
      }),
    );
  });
});

describe('the amount a fee slip asks for', () => {
  const dues = (items: OpenItemView[], asOf: string, credit = 0): OpenDues => ({
    asOf,
    finesFirst: true,
    students: [],
    items,
    totals: { outstanding: 0, fines: 0, credit },
  });
  const rupees = (minor: number) => `₹${(minor / 100).toFixed(2)}`;

  it('asks for what has fallen due by its date, less advance credit', () => {
    expect(amountAsked(dues(YEAR, '2026-05-10'), rupees, 'en-IN')).toBe('Due now: ₹4700.00');
    expect(amountAsked(dues(YEAR, '2026-05-10', 700_00), rupees, 'en-IN')).toBe('Due now: ₹4000.00');
  });

  it('asks for the next installment by its date when nothing has fallen due, and for nothing when nothing is open', () => {
    expect(amountAsked(dues(YEAR, '2026-04-01'), rupees, 'en-IN')).toBe('Next installment, due 10 Apr 2026: ₹4500.00');
    expect(amountAsked(dues([], '2026-04-01'), rupees, 'en-IN')).toBe('Nothing due: ₹0.00');
  });
});

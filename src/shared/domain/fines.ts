// Late fines: what an installment left unpaid past its due date has earned by a given day.
import { daysBetween, type IsoDate } from './dates';

export type FineRule =
  | { kind: 'flat'; graceDays: number; amount: number }
  | { kind: 'per_day'; graceDays: number; perDay: number; cap: number }
  | { kind: 'slabs'; graceDays: number; slabs: { fromDay: number; amount: number }[] };

/** Days late after the grace period (0 when not late). */
export function daysLate(dueOn: IsoDate, asOf: IsoDate, graceDays: number): number {
  return Math.max(0, daysBetween(dueOn, asOf) - graceDays);
}

/** The fine earned by `asOf` for an installment due on `dueOn` (in minor units). */
export function fineAsOf(rule: FineRule | null, dueOn: IsoDate, asOf: IsoDate): number {
  if (!rule) return 0;
  const late = daysLate(dueOn, asOf, rule.graceDays);
  if (late === 0) return 0;
  switch (rule.kind) {
    case 'flat':
      return rule.amount;
    case 'per_day':
      return Math.min(rule.cap, late * rule.perDay);
    case 'slabs': {
      const reached = rule.slabs.filter((s) => late >= s.fromDay);
      return reached.length === 0 ? 0 : Math.max(...reached.map((s) => s.amount));
    }
  }
}

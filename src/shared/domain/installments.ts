// Installment plans: when each part of a year's fees falls due, and how a head's amount splits across them.
import { addMonths, type IsoDate } from './dates';

export const PLANS = ['monthly', 'quarterly', 'termwise', 'annual', 'custom'] as const;
export type Plan = (typeof PLANS)[number];

export interface PlannedInstallment {
  label: string;
  dueOn: IsoDate;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The installments of a standard plan starting at the year's first due date (custom plans list their own). */
export function planInstallments(plan: Exclude<Plan, 'custom'>, firstDueOn: IsoDate): PlannedInstallment[] {
  const shape = {
    monthly: { count: 12, step: 1 },
    quarterly: { count: 4, step: 3 },
    termwise: { count: 3, step: 4 },
    annual: { count: 1, step: 12 },
  }[plan];
  return Array.from({ length: shape.count }, (_, i) => {
    const dueOn = addMonths(firstDueOn, i * shape.step);
    const month = MONTHS[Number(dueOn.slice(5, 7)) - 1]!;
    const label =
      plan === 'monthly'
        ? `${month} ${dueOn.slice(0, 4)}`
        : plan === 'annual'
          ? 'Annual'
          : plan === 'quarterly'
            ? `Quarter ${i + 1}`
            : `Term ${i + 1}`;
    return { label, dueOn };
  });
}

/** Splits an amount into `parts` integers that sum to it exactly; the extra minor units go to the first parts. */
export function splitEvenly(amount: number, parts: number): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative integer');
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError('parts must be a positive integer');
  const base = Math.floor(amount / parts);
  const extra = amount - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Why a custom split is wrong for its head, or null. */
export function splitProblem(amount: number, shares: readonly number[], installments: number): string | null {
  if (shares.length !== installments) return `has ${shares.length} shares for ${installments} installments`;
  if (shares.some((s) => !Number.isSafeInteger(s) || s < 0)) return 'shares must be whole non-negative amounts';
  const total = shares.reduce((a, b) => a + b, 0);
  if (total !== amount) return `shares sum to ${total} but the head amount is ${amount}`;
  return null;
}

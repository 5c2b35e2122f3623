// How a payment is spread over open dues. Pure: the collect screen previews with it, main enforces it.

/** An open item a payment can pay: a due, or a fine not yet levied (it becomes a due when collected). */
export interface OpenItem {
  key: string;
  studentId: string;
  kind: 'fee' | 'fine' | 'bounce_charge';
  dueOn: string;
  /** Orders items of one installment (heads in structure order). */
  order: number;
  /** Groups fees and their fine: one installment of one student. */
  group: string;
  balance: number;
}

export interface AllocationRule {
  /** Within an installment, the fine is paid before the fees (true) or after them (false). */
  finesFirst: boolean;
}

export const DEFAULT_ALLOCATION_RULE: AllocationRule = { finesFirst: true };

export interface Allocated {
  key: string;
  amount: number;
}

/** Oldest installment first; inside it, fines first or last as the rule says, then heads in order. */
export function allocationOrder(items: readonly OpenItem[], rule: AllocationRule): OpenItem[] {
  const fineRank = (i: OpenItem) => (i.kind === 'fine' ? (rule.finesFirst ? 0 : 2) : 1);
  return [...items].sort(
    (a, b) =>
      a.dueOn.localeCompare(b.dueOn) ||
      a.group.localeCompare(b.group) ||
      fineRank(a) - fineRank(b) ||
      a.order - b.order ||
      a.key.localeCompare(b.key),
  );
}

/** The default allocation of `amount`: fills items in order; what is left is advance credit. */
export function allocate(items: readonly OpenItem[], amount: number, rule: AllocationRule = DEFAULT_ALLOCATION_RULE) {
  let left = amount;
  const allocations: Allocated[] = [];
  for (const item of allocationOrder(items, rule)) {
    if (left === 0) break;
    const take = Math.min(left, item.balance);
    if (take > 0) {
      allocations.push({ key: item.key, amount: take });
      left -= take;
    }
  }
  return { allocations, credit: left };
}

export type AllocationProblem =
  { index: number; field: 'key' | 'amount'; message: string } | { index: null; field: 'allocations'; message: string };

/** Checks an edited allocation against the open items and the money available; null when it is sound. */
export function allocationProblem(
  items: readonly OpenItem[],
  allocations: readonly Allocated[],
  available: number,
): AllocationProblem | null {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const seen = new Set<string>();
  let total = 0;
  for (const [index, a] of allocations.entries()) {
    const item = byKey.get(a.key);
    if (!item) return { index, field: 'key', message: 'is not an open due of this student' };
    if (seen.has(a.key)) return { index, field: 'key', message: 'appears twice' };
    seen.add(a.key);
    if (!Number.isSafeInteger(a.amount) || a.amount <= 0)
      return { index, field: 'amount', message: 'must be a positive whole amount in minor units' };
    if (a.amount > item.balance) return { index, field: 'amount', message: `is above the due's balance of ${item.balance}` };
    total += a.amount;
  }
  if (total > available) return { index: null, field: 'allocations', message: `allocate ${total} but only ${available} is available` };
  return null;
}

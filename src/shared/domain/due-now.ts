// What a collection asks for by default: what has fallen due by the day (fines and charges to date among it) — not
// every open due of the year. When nothing has fallen due yet (a parent paying ahead), the next installment.
export interface DatedItem {
  key: string;
  dueOn: string;
  balance: number;
}

/** The items that have fallen due on or before `asOf` (ISO dates compare as text). */
export function fallenDue<T extends DatedItem>(items: readonly T[], asOf: string): T[] {
  return items.filter((i) => i.dueOn <= asOf);
}

/** The items of the earliest due date among those not yet chosen: the next installment, one key away. */
export function nextInstallment<T extends DatedItem>(items: readonly T[], chosen: ReadonlySet<string> = new Set()): T[] {
  const open = items.filter((i) => !chosen.has(i.key));
  if (open.length === 0) return [];
  const earliest = open.reduce((min, i) => (i.dueOn < min ? i.dueOn : min), open[0]!.dueOn);
  return open.filter((i) => i.dueOn === earliest);
}

/** The default choice: what has fallen due by `asOf`, else the next installment. */
export function defaultChoice<T extends DatedItem>(items: readonly T[], asOf: string): T[] {
  const fallen = fallenDue(items, asOf);
  return fallen.length > 0 ? fallen : nextInstallment(items);
}

export const sumBalances = (items: readonly DatedItem[]): number => items.reduce((a, i) => a + i.balance, 0);

// Dues of an earlier academic year (arrears) apart from this year's: how they are named and what each year's come to.
// The collect screen, the fee slip and the statement show them the same way.

export interface YearItem {
  year: string;
  arrears: boolean;
  balance: number;
}

/** A previous year's dues as a person reads them: "Arrears 2025-26". */
export const arrearsLabel = (year: string): string => `Arrears ${year}`;

export interface ArrearsYear<T> {
  year: string;
  items: T[];
  total: number;
}

/**
 * Arrears per year, in the order the items come (oldest first, as the ledger lists them), and this year's dues.
 * Pure: the items keep their order inside each part.
 */
export function splitArrears<T extends YearItem>(items: readonly T[]): { arrears: ArrearsYear<T>[]; current: T[]; currentTotal: number } {
  const byYear = new Map<string, ArrearsYear<T>>();
  const current: T[] = [];
  for (const item of items) {
    if (!item.arrears) {
      current.push(item);
      continue;
    }
    const year = byYear.get(item.year) ?? { year: item.year, items: [], total: 0 };
    year.items.push(item);
    year.total += item.balance;
    byYear.set(item.year, year);
  }
  return { arrears: [...byYear.values()], current, currentTotal: current.reduce((a, i) => a + i.balance, 0) };
}

// The notes and coins a cashier counts in the drawer, per currency (minor units, largest first).

const STANDARD: Record<string, readonly number[]> = {
  INR: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100],
  USD: [10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1],
  EUR: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  GBP: [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  KES: [100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 100],
  UGX: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100],
  PHP: [100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 100, 25],
  NGN: [100000, 50000, 20000, 10000, 5000, 2000, 1000, 500],
};

/** The school's chosen denominations, else the currency's standard ones, else powers of ten a cashier can still count with. */
export function denominationsFor(currency: string, chosen: readonly number[] = []): number[] {
  if (chosen.length > 0) return [...chosen].sort((a, b) => b - a);
  return [...(STANDARD[currency] ?? [100000, 50000, 10000, 5000, 1000, 500, 100, 50, 10, 5, 1])];
}

/** What a drawer count adds up to (minor units). */
export function cashCountTotal(count: Readonly<Record<string, number>>): number {
  return Object.entries(count).reduce((sum, [denomination, pieces]) => sum + Number(denomination) * pieces, 0);
}

/**
 * The round sums a parent most often hands over for `amount` (minor units): the next multiple of a fifth of the largest
 * note, of the largest note, and of twice it (₹100, ₹500, ₹1,000 for rupees; $20, $100, $200 for dollars), above it.
 */
export function quickTenders(amount: number, denominations: readonly number[]): number[] {
  const largest = Math.max(...denominations);
  if (!(amount > 0) || !Number.isFinite(largest) || largest <= 0) return [];
  const steps = [largest / 5, largest, largest * 2].filter((s) => Number.isInteger(s) && s > 0);
  const sums = steps.map((step) => Math.ceil(amount / step) * step).filter((sum) => sum > amount);
  return [...new Set(sums)].sort((a, b) => a - b);
}

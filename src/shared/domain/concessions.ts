// What an approved concession takes off each due it covers.

export interface ConcessionTerms {
  kind: 'percent' | 'fixed';
  /** percent: basis points (1000 = 10%); fixed: minor units off the covered total. */
  value: number;
}

/**
 * Amount off each due, in the dues' order. Percent: per due, rounded down to the minor unit.
 * Fixed: spread over the dues in proportion to their open balance (largest remainder), never above a balance.
 * Integer arithmetic throughout (BigInt for the products).
 */
export function concessionAmounts(terms: ConcessionTerms, balances: readonly number[]): number[] {
  if (terms.kind === 'percent') return balances.map((b) => Number((BigInt(b) * BigInt(terms.value)) / 10_000n));
  const total = balances.reduce((a, b) => a + b, 0);
  if (total === 0) return balances.map(() => 0);
  const off = BigInt(Math.min(terms.value, total));
  const big = BigInt(total);
  const shares = balances.map((b) => Number((BigInt(b) * off) / big));
  const remainders = balances.map((b, i) => ({ i, r: (BigInt(b) * off) % big }));
  let rest = Number(off) - shares.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of remainders) {
    if (rest === 0) break;
    if (shares[i]! < balances[i]!) {
      shares[i]! += 1;
      rest -= 1;
    }
  }
  return shares;
}

// Pure rules of the year-end rollover: a fee raised by a percentage and rounded, dates a year on, the next year's name,
// and the promotion map a school usually wants (each class into the next, the last one graduating).
import { addMonths, type IsoDate } from './dates';

/**
 * An installment amount changed by `basisPoints` (hundredths of a percent), rounded half up to a multiple of
 * `roundTo` (minor units). Exact in integers, however large the amount.
 */
export function scaledAmount(amount: number, basisPoints: number, roundTo: number): number {
  if (amount === 0) return 0;
  const raw = BigInt(amount) * BigInt(10_000 + basisPoints);
  const unit = 10_000n * BigInt(roundTo);
  const units = (2n * raw + unit) / (2n * unit);
  return Number(units * BigInt(roundTo));
}

/** The same calendar day a year later (29 February becomes 28 February). */
export const aYearOn = (date: IsoDate): IsoDate => addMonths(date, 12);

/** '2025-26' → '2026-27'; a name in another form gets no suggestion. */
export function nextYearName(name: string): string | null {
  const m = /^(\d{4})-(\d{2})$/.exec(name);
  if (!m) return null;
  const start = Number(m[1]) + 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** A structure's name for the new year: the closing year's name in it becomes the new one's ("Class 3 2025-26"). */
export const renamedForYear = (structureName: string, fromYear: string, toYear: string): string =>
  structureName.split(fromYear).join(toYear);

/** Each class into the next one up (by the school's order), the last one graduating. */
export function suggestedClassMap(
  classes: readonly { id: string; sortOrder: number }[],
): { fromClassId: string; toClassId: string | null }[] {
  const ordered = [...classes].sort((a, b) => a.sortOrder - b.sortOrder);
  return ordered.map((c, i) => ({ fromClassId: c.id, toClassId: ordered[i + 1]?.id ?? null }));
}

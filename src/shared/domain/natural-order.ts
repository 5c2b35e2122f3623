// The order people expect names in: "Class 3" before "Class 10", "Nursery, LKG, UKG" before "Class 1", "Class IX"
// as 9. One key, used by the store's ORDER BY (as the SQL functions natural_key and class_key) and by the screens.

/** Number runs padded so that text order is number order ("class 0000000003" < "class 0000000010"). */
export function naturalKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\d+/g, (run) => run.replace(/^0+(?=\d)/, '').padStart(10, '0'));
}

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50 };

/** A Roman numeral up to 50 written the usual way (I, IV, IX, XII), or null. */
function romanValue(token: string): number | null {
  if (!/^(?:l|xl|x{0,3})(?:ix|iv|v?i{0,3})$/i.test(token) || token === '') return null;
  let total = 0;
  const t = token.toLowerCase();
  for (let i = 0; i < t.length; i += 1) {
    const value = ROMAN[t[i]!]!;
    const next = ROMAN[t[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}

/** Before the numbered classes, in this order; matched on the name's letters and digits alone ("L.K.G." is "lkg"). */
const PRE_PRIMARY: readonly RegExp[] = [
  /^(?:playgroup|playschool|prenursery|toddler)/,
  /^(?:nursery|prekg)/,
  /^(?:lkg|jrkg|juniorkg|lowerkg|kg1|kgi(?![iv]))/,
  /^(?:kg|kindergarten)$/,
  /^(?:ukg|srkg|seniorkg|upperkg|kg2|kgii(?![iv]))/,
];

/** "Class IX", "Std. XII-A", "IV" with its numeral as digits; any other name unchanged. */
function romanAsNumber(name: string): string {
  const m = /^((?:class|grade|std|standard)\.?\s*)?([ivxl]+)\b(.*)$/i.exec(name.trim());
  if (!m) return name;
  const value = romanValue(m[2]!);
  return value === null ? name : `${m[1] ?? ''}${value}${m[3]}`;
}

/**
 * A class's place: pre-primary classes first (play group, nursery, LKG, UKG), then those with a number (by the
 * number, Roman numerals included), then any other name; alike ones by their natural key.
 */
export function classKey(name: string): string {
  const compact = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
  const pre = PRE_PRIMARY.findIndex((re) => re.test(compact));
  const numbered = romanAsNumber(name);
  const rank = pre >= 0 ? String(pre) : /\d/.test(numbered) ? '5' : '9';
  return `${rank} ${naturalKey(numbered)}`;
}

const collators = new Map<string, Intl.Collator>();
const collatorFor = (locale: string) => {
  let c = collators.get(locale);
  if (!c) collators.set(locale, (c = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' })));
  return c;
};

/** Names in natural order, in the school's locale (sections, categories, anything with numbers in it). */
export const naturalCompare =
  (locale = 'en-IN') =>
  (a: string, b: string): number =>
    collatorFor(locale).compare(a, b);

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Class names in the order a school lists them (the same order the store's `class_key` gives). */
export const compareClassNames =
  (locale = 'en-IN') =>
  (a: string, b: string): number =>
    byCodeUnit(classKey(a), classKey(b)) || collatorFor(locale).compare(a, b);

/** Classes as the store lists them: by their explicit order, then by name as a school lists them. */
export function compareClasses(locale = 'en-IN') {
  const byName = compareClassNames(locale);
  return (a: { sortOrder: number; name: string }, b: { sortOrder: number; name: string }) =>
    a.sortOrder - b.sortOrder || byName(a.name, b.name);
}

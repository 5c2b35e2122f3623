// Money is an integer number of minor units (paise, cents). These turn it into text and back, never via floats.

const digitsOf = new Map<string, number>();

/** How many minor-unit digits a currency has (INR 2, JPY 0, KWD 3); asked once per currency (a formatter is costly). */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

function splitMinor(minor: number, digits: number): { negative: boolean; major: bigint; fraction: string } {
  const negative = minor < 0;
  const abs = BigInt(Math.abs(minor));
  const scale = 10n ** BigInt(digits);
  return { negative, major: abs / scale, fraction: (abs % scale).toString().padStart(digits, '0') };
}

/** ₹1,00,000.00 for en-IN; the grouping and symbol follow the locale. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount ${minor} is not an integer number of minor units`);
  const digits = minorDigits(currency);
  const { negative, major, fraction } = splitMinor(minor, digits);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits });
  // Format with a zero fraction, then put the exact fraction digits in place: no float ever holds the amount.
  // BigInt has no -0: a negative amount under one major unit is formatted from Number -0.
  const parts = format.formatToParts(negative ? (major === 0n ? -0 : -major) : major);
  return parts.map((p) => (p.type === 'fraction' ? fraction : p.value)).join('');
}

/** Amounts as plain decimals in major units ("1234.50"): what spreadsheets and accounting imports read. */
export function plainAmount(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0;
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

/** The same digits without a currency symbol (for tables and inputs). */
export function formatAmount(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const { negative, major, fraction } = splitMinor(minor, digits);
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(negative ? (major === 0n ? -0 : -major) : major);
  if (digits === 0) return whole;
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return `${whole}${decimal}${fraction}`;
}

/**
 * Reads what a cashier types ("1,00,000", "₹ 2500.50", "2 500,5" in a comma-decimal locale)
 * as minor units. Returns null for anything that is not a plain non-negative amount.
 */
export function parseMoney(text: string, currency: string, locale: string): number | null {
  const digits = minorDigits(currency);
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  const cleaned = text
    .trim()
    .replace(/[\p{Sc}\s\u00a0\u202f]/gu, '')
    .replace(/^[A-Z]{3}/, '');
  const group = decimal === ',' ? /[.'’]/g : /[,'’]/g;
  const normalised = cleaned.replace(group, '').replace(decimal, '.');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(normalised);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

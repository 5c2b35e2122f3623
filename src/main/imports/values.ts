// Reads one cell of a school's sheet as a date, an amount, a phone number or text. Each answer is a value or a short
// reason the row's error list shows after the column name ("Date of birth is not a date (…)").
import { minorDigits } from '../../shared/domain/money';
import type { Cell } from './sheet';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (reason: string): Parsed<never> => ({ ok: false, reason });

const isBlank = (cell: Cell): boolean => cell === null || (typeof cell === 'string' && cell.trim() === '');

// ---- text -------------------------------------------------------------------------------------------------------

/** A number as Excel shows it: integers exactly, other numbers to 15 significant digits (0.1 + 0.2 → "0.3"). */
function numberText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return String(n);
  return new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 }).format(n);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The trimmed text of any cell, or null for an empty one. */
export function cellText(cell: Cell): string | null {
  if (cell === null) return null;
  if (typeof cell === 'string') return cell.trim() || null;
  if (typeof cell === 'number') return numberText(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (Number.isNaN(cell.getTime())) return null;
  const time = cell.getUTCHours() * 60 + cell.getUTCMinutes();
  return time === 0 ? isoDate(cell) : `${isoDate(cell)} ${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}`;
}

// ---- dates ------------------------------------------------------------------------------------------------------

const DATE_HELP = 'is not a date (use YYYY-MM-DD or DD/MM/YYYY)';
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;
// A bare number is only taken for a date in this span: outside it, it is far likelier an amount or a roll number.
const FIRST_SERIAL = 18_264; // 1950-01-01
const LAST_SERIAL = 73_415; // 2100-12-31
const DAY_MS = 86_400_000;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function monthOf(name: string): number | null {
  const key = name.toLowerCase().replace(/\.$/, '');
  const index = MONTHS.indexOf(key.slice(0, 3));
  const full = MONTH_NAMES[index]?.toLowerCase() ?? '';
  // "Sept" is common enough to accept; anything else must be the short name or the whole name.
  return index >= 0 && (key.length === 3 || key === full || key === 'sept') ? index + 1 : null;
}

function fullYear(text: string): number {
  const year = Number(text);
  if (text.length !== 2) return year;
  return year <= 50 ? 2000 + year : 1900 + year;
}

function dateOf(year: number, month: number | null, day: number): Parsed<string> {
  if (month === null) return no(DATE_HELP);
  if (month < 1 || month > 12) return no(`has no month ${month} (dates are read day first: DD/MM/YYYY)`);
  if (year < FIRST_YEAR || year > LAST_YEAR) return no(`is not a date between ${FIRST_YEAR} and ${LAST_YEAR}`);
  const days = daysIn(year, month);
  if (day < 1 || day > days) return no(`is not a real date (${MONTH_NAMES[month - 1]} ${year} has ${days} days)`);
  return ok(`${pad(year, 4)}-${pad(month)}-${pad(day)}`);
}

// A time after the date ("12/04/2026 00:00:00", "2026-04-12T09:30") is what many school systems export: it is dropped.
const TIME = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?Z?)?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})${TIME}$`);
const DAY_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9}\.?),?[\s-]+(\d{4}|\d{2})$/;
const MONTH_NAME_DAY = /^([A-Za-z]{3,9}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;

function dateFromText(text: string): Parsed<string> {
  let m = YEAR_FIRST.exec(text);
  if (m) return dateOf(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_FIRST.exec(text);
  if (m) return dateOf(fullYear(m[4]!), Number(m[3]), Number(m[1]));
  m = DAY_MONTH_NAME.exec(text);
  if (m) return dateOf(fullYear(m[3]!), monthOf(m[2]!), Number(m[1]));
  m = MONTH_NAME_DAY.exec(text);
  if (m) return dateOf(Number(m[3]), monthOf(m[1]!), Number(m[2]));
  return no(DATE_HELP);
}

/**
 * An Excel serial day number in the 1900 date system. Serial 1 is 1900-01-01 and Excel counts a 29 February 1900
 * that never was (serial 60, kept from Lotus 1-2-3), so from serial 61 on, day 0 is 1899-12-30. Only serials from
 * 1950 on are accepted, all past that quirk.
 */
function dateFromSerial(serial: number): Parsed<string> {
  const day = Math.floor(serial);
  if (!Number.isFinite(serial) || day < FIRST_SERIAL || day > LAST_SERIAL)
    return no(`is a number, not a date (use YYYY-MM-DD or DD/MM/YYYY)`);
  return ok(isoDate(new Date(Date.UTC(1899, 11, 30) + day * DAY_MS)));
}

/** A date cell as ISO YYYY-MM-DD: Excel dates and serials, ISO text, day-first text (DD/MM/YYYY) and month names. */
export function parseDate(cell: Cell): Parsed<string> {
  if (cell === null || isBlank(cell)) return no('is empty');
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return no(DATE_HELP);
    return dateOf(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  }
  if (typeof cell === 'number') return dateFromSerial(cell);
  if (typeof cell === 'boolean') return no(DATE_HELP);
  return dateFromText(cell.trim());
}

// ---- amounts ----------------------------------------------------------------------------------------------------

const AMOUNT_HELP = 'is not an amount (write it like 12500 or 1,00,000.50)';
const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/** Which currencies a sign may stand for, to refuse "$ 500" in a rupee school. */
const SIGN_CURRENCIES: Record<string, string[]> = {
  '₹': ['INR'],
  rs: ['INR', 'PKR', 'LKR', 'NPR'],
  $: ['USD', 'AUD', 'CAD', 'NZD', 'SGD', 'HKD'],
  '€': ['EUR'],
  '£': ['GBP'],
  '¥': ['JPY', 'CNY'],
};

function tooManyDecimals(currency: string): Parsed<never> {
  const digits = minorDigits(currency);
  return no(
    digits === 0
      ? `has decimals, and ${currency} amounts have none`
      : `has more than ${digits} decimals (${currency} amounts have ${digits})`,
  );
}

/** Integer and fraction digits (as text) → minor units, without a float ever holding the amount. */
function minorUnits(whole: string, fraction: string, currency: string): Parsed<number> {
  const digits = minorDigits(currency);
  if (fraction.length > digits) return tooManyDecimals(currency);
  const minor = BigInt(whole || '0') * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return minor > MAX_MINOR ? no('is too large for an amount') : ok(Number(minor));
}

function amountFromNumber(n: number, currency: string): Parsed<number> {
  if (!Number.isFinite(n)) return no(AMOUNT_HELP);
  if (n < 0) return no('must not be negative');
  // Excel computes in binary floating point and shows 15 significant digits: 1180.0000000000002 is the 1180 the school saw.
  const text = String(Number(n.toPrecision(15)));
  if (text.includes('e')) return n < 1 ? tooManyDecimals(currency) : no('is too large for an amount');
  const [whole = '0', fraction = ''] = text.split('.');
  return minorUnits(whole, fraction, currency);
}

/** Strips currency signs and codes from both ends; answers the currency they name, if any. */
function withoutCurrency(text: string): { rest: string; signs: string[] } {
  const signs: string[] = [];
  let rest = text;
  const edge = /^(?:\p{Sc}|[Rr][Ss]\.?|[A-Z]{3}(?![A-Za-z]))\s*|\s*(?:\p{Sc}|(?<![A-Za-z])(?:[Rr][Ss]\.?|[A-Z]{3}))$/u;
  for (let m = edge.exec(rest); m && m[0].trim() !== ''; m = edge.exec(rest)) {
    signs.push(m[0].trim().replace(/\.$/, ''));
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length);
  }
  return { rest: rest.trim(), signs };
}

function foreignSign(signs: string[], currency: string): string | null {
  for (const sign of signs) {
    const known = SIGN_CURRENCIES[sign.toLowerCase()];
    if (known ? !known.includes(currency) : /^[A-Za-z]{3}$/.test(sign) && sign.toUpperCase() !== currency) return sign;
  }
  return null;
}

// Digits grouped by commas (or spaces, apostrophes): the last group has three digits and the ones before two or
// three, so both 1,00,000 (Indian) and 100,000 read, while "12,50" (a decimal comma) is refused rather than guessed.
const GROUPED = /^(\d{1,3}(?:,\d{2,3})*,\d{3}|\d*)(?:\.(\d*))?$/;

function amountFromText(raw: string, currency: string): Parsed<number> {
  let text = raw.trim().replace(/\/-$/, ''); // "Rs. 500/-" is how many Indian fee slips write an amount
  if (/^\(.*\)$/.test(text)) return no('must not be negative');
  const { rest, signs } = withoutCurrency(text);
  text = rest;
  if (/^[-–]$/.test(text)) return ok(0); // accounting formats show zero as a dash
  if (/^[-–−]|-$/.test(text)) return no('must not be negative');
  const m = GROUPED.exec(text.replace(/[\s\u00a0\u202f'’]/g, ','));
  if (!m || (m[1] === '' && !m[2])) return no(AMOUNT_HELP);
  const foreign = foreignSign(signs, currency);
  if (foreign) return no(`is in ${foreign}, not ${currency}`);
  return minorUnits(m[1]!.replace(/,/g, ''), m[2] ?? '', currency);
}

/** An amount cell in minor units of the school's currency (12500.50 → 1250050 for INR). */
export function parseAmount(cell: Cell, currency: string): Parsed<number> {
  if (isBlank(cell)) return no('is empty');
  if (typeof cell === 'number') return amountFromNumber(cell, currency);
  if (typeof cell !== 'string') return no(AMOUNT_HELP);
  return amountFromText(cell, currency);
}

// ---- phone numbers ----------------------------------------------------------------------------------------------

export interface Phone {
  /** E.164: +919845012345 */
  normalized: string;
  /** What the file said, for the preview and the error sheet. */
  original: string;
}

const PHONE_HELP = 'is not a phone number (digits, spaces, dashes and a leading + only)';

/** "9.845012345E9" (what Excel writes for a long number in a narrow column) → its digits, unless Excel cut them. */
function digitsFromScientific(text: string): Parsed<string> | null {
  const m = /^(\d)\.(\d+)E\+?(\d+)$/i.exec(text);
  if (!m) return null;
  const fraction = m[2]!;
  const exponent = Number(m[3]);
  if (exponent < fraction.length) return no(PHONE_HELP);
  if (exponent > fraction.length) return no(`was shortened by Excel to ${text}: format the column as Text and type the number again`);
  return ok(m[1]! + fraction);
}

function phoneText(cell: Cell): Parsed<string> {
  if (typeof cell === 'number') return Number.isSafeInteger(cell) && cell > 0 ? ok(String(cell)) : no(PHONE_HELP);
  if (typeof cell !== 'string') return no(PHONE_HELP);
  return ok(cell.trim());
}

/** The country code and national number, E.164 style, from whatever separators and prefixes the file used. */
function e164(digits: string, international: boolean, countryCode: string): { number: string; significant: string } {
  if (international) return { number: digits, significant: digits };
  if (digits.startsWith('00')) return { number: digits.slice(2), significant: digits.slice(2) };
  if (digits.startsWith('0')) return { number: countryCode + digits.slice(1), significant: digits.slice(1) };
  // A number already carrying the country code without a + (919845012345): national numbers here are ten digits.
  if (digits.startsWith(countryCode) && digits.length - countryCode.length === 10) return { number: digits, significant: digits };
  return { number: countryCode + digits, significant: digits };
}

/** A phone number as E.164 (+919845012345); a number without a country code gets `defaultCountryCode`. */
export function normalizePhone(cell: Cell, defaultCountryCode = '91'): Parsed<Phone> {
  if (isBlank(cell)) return no('is empty');
  const text = phoneText(cell);
  if (!text.ok) return text;
  const original = text.value;
  const scientific = digitsFromScientific(original);
  if (scientific && !scientific.ok) return scientific;
  const written = scientific ? scientific.value : original;
  if (/\d[\s-]*[/,;&]|\bor\b/i.test(written)) return no('holds more than one number (put the second one in its own column)');
  if (!/^\+?[\d\s\-().\u00a0]+$/.test(written)) return no(PHONE_HELP);
  const international = written.startsWith('+');
  const { number, significant } = e164(written.replace(/\D/g, ''), international, defaultCountryCode);
  if (significant.length < 8) return no('has too few digits for a phone number');
  if (number.length > 15) return no('has too many digits for a phone number');
  return ok({ normalized: `+${number}`, original });
}

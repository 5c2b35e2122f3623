// Dates as people type and read them: "24/07/2026", "24-7-26", "24 Jul", "today" in, in the school's locale's order
// (day first for en-IN, month first for en-US); "24 Jul 2026" out, with the month in words so it cannot be misread.
// Times are shown in the school's time zone, never UTC.
import { addDays, daysBetween, type IsoDate } from './dates';

const ENGLISH_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\.$/, '');

/** Whether the locale writes the day or the month first in a numeric date (the year first is taken as ISO). */
export function dayFirst(locale: string): boolean {
  const parts = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'UTC' }).formatToParts(
    new Date(Date.UTC(2026, 6, 24)),
  );
  const order = parts.filter((p) => p.type === 'day' || p.type === 'month').map((p) => p.type);
  return order[0] !== 'month';
}

const monthNames = new Map<string, Map<string, number>>();

/** Month names and abbreviations of the locale, and English ones, folded: "jul", "july", "जुलाई" → 7. */
function monthsOf(locale: string): Map<string, number> {
  let names = monthNames.get(locale);
  if (names) return names;
  names = new Map();
  for (let m = 0; m < 12; m++) {
    names.set(ENGLISH_MONTHS[m]!, m + 1);
    for (const month of ['long', 'short'] as const) {
      const text = new Intl.DateTimeFormat(locale, { month, timeZone: 'UTC' }).format(new Date(Date.UTC(2026, m, 15)));
      names.set(fold(text), m + 1);
    }
  }
  monthNames.set(locale, names);
  return names;
}

function monthFromWord(word: string, locale: string): number | null {
  const w = fold(word);
  if (w.length < 3) return null;
  for (const [name, month] of monthsOf(locale)) if (name === w || (name.startsWith(w) && /^[a-z]+$/.test(w))) return month;
  return null;
}

function isoOf(year: number, month: number, day: number): IsoDate | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * A date typed without a year is the nearest one to today: in October, "20 Jan" is next January (a school year runs
 * across the new year), in December "24 Jul" is this July.
 */
function nearest(today: IsoDate, month: number, day: number): IsoDate | null {
  const year = Number(today.slice(0, 4));
  const options = [year, year - 1, year + 1].map((y) => isoOf(y, month, day)).filter((d): d is IsoDate => d !== null);
  if (options.length === 0) return null;
  return options.reduce((best, d) => (Math.abs(daysBetween(today, d)) < Math.abs(daysBetween(today, best)) ? d : best));
}

/** A two-digit year is this century's. */
const fullYear = (text: string): number => (text.length <= 2 ? 2000 + Number(text) : Number(text));

/**
 * The date a person typed, or null when it is not one: ISO (2026-07-24), numbers in the locale's order with / - . or
 * spaces (24/07/2026, 24-7-26, 24.07), a month in words (24 Jul, July 24 2026, 24 जुलाई), or today / yesterday /
 * tomorrow. A date without a year is the nearest such day to `today` (`nearest`).
 */
export function parseDateInput(text: string, locale: string, today: IsoDate): IsoDate | null {
  const typed = text.trim();
  if (!typed) return null;
  const word = fold(typed);
  if (word === 'today') return today;
  if (word === 'yesterday') return addDays(today, -1);
  if (word === 'tomorrow') return addDays(today, 1);

  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(typed);
  if (iso) return isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));

  const numeric = /^(\d{1,2})[-/. ](\d{1,2})(?:[-/. ](\d{2}|\d{4}))?$/.exec(typed);
  if (numeric) {
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    const [month, day] = dayFirst(locale) ? [b, a] : [a, b];
    return numeric[3] ? isoOf(fullYear(numeric[3]), month, day) : nearest(today, month, day);
  }

  const tokens = typed.split(/[\s,/.-]+/).filter(Boolean);
  if (tokens.length < 2 || tokens.length > 3) return null;
  let month: number | null = null;
  const numbers: string[] = [];
  for (const token of tokens) {
    // "24th" is 24.
    const digits = /^(\d+)(?:st|nd|rd|th)?$/i.exec(token)?.[1];
    if (digits !== undefined) numbers.push(digits);
    else if (month === null) month = monthFromWord(token, locale);
    else return null;
  }
  if (month === null || numbers.length < 1 || numbers.length > 2) return null;
  const day = numbers.find((n) => n.length <= 2 && Number(n) <= 31) ?? null;
  const yearText = numbers.find((n) => n !== day) ?? null;
  if (day === null) return null;
  return yearText ? isoOf(fullYear(yearText), month, Number(day)) : nearest(today, month, Number(day));
}

/** A calendar date for a person: "24 Jul 2026" in en-IN (the month in words: never 07/24 against 24/07). */
export function formatDate(iso: IsoDate, locale: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${iso}T00:00:00Z`),
  );
}

/** An instant for a person, in the school's time zone: "24 Jul 2026, 10:00 am". */
export function formatDateTime(instant: string, locale: string, timeZone: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
  }).format(date);
}

/** Only the time of an instant, in the school's time zone: "10:00 am". */
export function formatTime(instant: string, locale: string, timeZone: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }).format(date);
}

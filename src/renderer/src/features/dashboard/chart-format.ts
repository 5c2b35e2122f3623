// Chart labels in the school's currency and locale: compact money on axes (₹32L, ₹3.2Cr in en-IN; $3.2M in en-US),
// days and months in words ("20 Nov", "Nov 2026"), ranges as people write them ("1–20 Nov").
import { formatDate } from '../../../../shared/domain/date-input';
import { minorDigits } from '../../../../shared/domain/money';

export interface ChartFormat {
  /** Major units → "₹32L". */
  axisMoney(major: number): string;
  /** 'YYYY-MM-DD' → "20 Nov". */
  day(iso: string): string;
  /** 'YYYY-MM-DD' → "20 Nov 2026" (as every screen writes a date). */
  longDay(iso: string): string;
  /** 'YYYY-MM' → "Nov 2026". */
  month(yearMonth: string): string;
  /** Two 'YYYY-MM-DD' → "1–20 Nov". */
  range(from: string, to: string): string;
  /** Minor units → major units for plotting. */
  major(minor: number): number;
  /** A plotted value back to minor units (for the exact sum in a tooltip). */
  minor(major: number): number;
}

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

export function chartFormat(currency: string, locale: string): ChartFormat {
  const compact = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const scale = 10 ** minorDigits(currency);
  return {
    axisMoney: (major) => compact.format(major),
    day: (iso) => day.format(utc(iso)),
    longDay: (iso) => formatDate(iso, locale),
    month: (yearMonth) => month.format(utc(`${yearMonth}-01`)),
    range: (from, to) => day.formatRange(utc(from), utc(to)),
    major: (minor) => minor / scale,
    minor: (major) => Math.round(major * scale),
  };
}

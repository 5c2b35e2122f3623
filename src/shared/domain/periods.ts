// Periods compared like for like: this month so far against the same days of the month before.
import { addMonths, type IsoDate } from './dates';

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

export interface MonthToDate {
  /** The 1st of this month to today. */
  current: Period;
  /** The 1st of last month to today's day of the month, clamped to last month's length (31 Mar → 28/29 Feb). */
  previous: Period;
}

/** The first day of `date`'s month. */
export function monthStart(date: IsoDate): IsoDate {
  return `${date.slice(0, 7)}-01`;
}

/** This month so far and the same days of last month, for a comparison that does not set a part month against a whole one. */
export function monthToDate(today: IsoDate): MonthToDate {
  const start = monthStart(today);
  return { current: { from: start, to: today }, previous: { from: addMonths(start, -1), to: addMonths(today, -1) } };
}

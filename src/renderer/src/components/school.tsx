// The school's locale and time zone for everything a screen shows or reads: dates in words, times in the desk's zone.
import { createContext, useContext, useMemo } from 'react';
import type { SessionInfo } from '../../../shared/contract/auth';
import { formatDate, formatDateTime, formatTime } from '../../../shared/domain/date-input';
import { dateIn } from '../../../shared/domain/dates';

type School = SessionInfo['school'];

const fallback: School = { name: '', currency: 'INR', locale: 'en-IN', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };

export const SchoolContext = createContext<School>(fallback);

export interface Dates {
  locale: string;
  timeZone: string;
  /** Today in the school's zone. */
  today(): string;
  /** 2026-07-24 → "24 Jul 2026". */
  date(iso: string): string;
  /** An instant → "24 Jul 2026, 10:00 am" in the school's zone. */
  dateTime(instant: string): string;
  time(instant: string): string;
}

export function datesFor(school: Pick<School, 'locale' | 'timeZone'>): Dates {
  return {
    locale: school.locale,
    timeZone: school.timeZone,
    today: () => dateIn(new Date(), school.timeZone),
    date: (iso) => formatDate(iso, school.locale),
    dateTime: (instant) => formatDateTime(instant, school.locale, school.timeZone),
    time: (instant) => formatTime(instant, school.locale, school.timeZone),
  };
}

export function useDates(): Dates {
  const school = useContext(SchoolContext);
  return useMemo(() => datesFor(school), [school]);
}

// Dates typed the ways people type them, in the school's order, and shown back with the month in words.
import { describe, expect, it } from 'vitest';
import { dayFirst, formatDate, formatDateTime, parseDateInput } from '../../src/shared/domain/date-input';

const TODAY = '2026-12-06';

describe('typed dates', () => {
  it.each([
    ['2026-07-24', '2026-07-24'],
    ['24/07/2026', '2026-07-24'],
    ['24-07-2026', '2026-07-24'],
    ['24.07.2026', '2026-07-24'],
    ['24/7/26', '2026-07-24'],
    ['24-7-26', '2026-07-24'],
    ['24/07', '2026-07-24'],
    ['24 Jul', '2026-07-24'],
    ['24 july 2026', '2026-07-24'],
    ['Jul 24, 2026', '2026-07-24'],
    ['24th Jul 2026', '2026-07-24'],
    ['1 Sept 2026', '2026-09-01'],
    ['today', TODAY],
    ['Yesterday', '2026-12-05'],
    ['tomorrow', '2026-12-07'],
  ])('reads %j in en-IN as %s', (typed, iso) => {
    expect(parseDateInput(typed, 'en-IN', TODAY)).toBe(iso);
  });

  it('reads a date without a year as the nearest such day: across the new year in a school year', () => {
    expect(parseDateInput('20 Jan', 'en-IN', '2026-10-20')).toBe('2027-01-20');
    expect(parseDateInput('20/01', 'en-IN', '2026-10-20')).toBe('2027-01-20');
    expect(parseDateInput('15 Oct', 'en-IN', '2027-02-10')).toBe('2026-10-15');
    expect(parseDateInput('24/07', 'en-IN', TODAY)).toBe('2026-07-24');
    expect(parseDateInput('29 Feb', 'en-IN', '2027-10-01')).toBe('2028-02-29');
  });

  it('reads numbers month first where the locale writes them so', () => {
    expect(dayFirst('en-US')).toBe(false);
    expect(dayFirst('en-IN')).toBe(true);
    expect(parseDateInput('07/24/2026', 'en-US', TODAY)).toBe('2026-07-24');
    expect(parseDateInput('24/07/2026', 'en-US', TODAY)).toBeNull();
    expect(parseDateInput('24 Jul 2026', 'en-US', TODAY)).toBe('2026-07-24');
  });

  it('reads month names of the school’s language', () => {
    const july = new Intl.DateTimeFormat('hi-IN', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 6, 15)));
    expect(parseDateInput(`24 ${july} 2026`, 'hi-IN', TODAY)).toBe('2026-07-24');
  });

  it.each(['31/02/2026', '00/01/2026', '24/13/2026', 'July', '24', 'next week', '2026-02-30', '24 Jul Aug', 'a/b/c', ''])(
    'refuses %j',
    (typed) => {
      expect(parseDateInput(typed, 'en-IN', TODAY)).toBeNull();
    },
  );
});

describe('dates and times shown', () => {
  it('writes the month in words', () => {
    expect(formatDate('2026-07-24', 'en-IN')).toBe('24 Jul 2026');
    expect(formatDate('2026-07-24', 'en-US')).toBe('Jul 24, 2026');
  });

  it('shows an instant in the school’s time zone, never UTC', () => {
    // 04:30 UTC is 10:00 in India.
    expect(formatDateTime('2026-12-06T04:30:00.000Z', 'en-IN', 'Asia/Kolkata')).toMatch(/^6 Dec 2026, 10:00\s?am$/);
    expect(formatDateTime('2026-12-06T20:00:00.000Z', 'en-IN', 'Asia/Kolkata')).toMatch(/^7 Dec 2026, 1:30\s?am$/);
  });
});

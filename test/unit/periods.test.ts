// Like-for-like periods (src/shared/domain/periods.ts): month ends, 31st against February, the year boundary.
import { describe, expect, it } from 'vitest';
import { monthStart, monthToDate } from '../../src/shared/domain/periods';

describe('monthToDate: this month so far against the same days of last month', () => {
  it('mid-month: the 1st to today, and the 1st to the same day last month', () => {
    expect(monthToDate('2026-12-20')).toEqual({
      current: { from: '2026-12-01', to: '2026-12-20' },
      previous: { from: '2026-11-01', to: '2026-11-20' },
    });
  });

  it('the 1st: one day against one day', () => {
    expect(monthToDate('2026-07-01')).toEqual({
      current: { from: '2026-07-01', to: '2026-07-01' },
      previous: { from: '2026-06-01', to: '2026-06-01' },
    });
  });

  it("a month's end past last month's length: last month whole, never into this month", () => {
    expect(monthToDate('2027-03-31').previous).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(monthToDate('2027-03-29').previous).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(monthToDate('2028-03-30').previous).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthToDate('2026-05-31').previous).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('February against January: the same days, not the whole of January', () => {
    expect(monthToDate('2027-02-28').previous).toEqual({ from: '2027-01-01', to: '2027-01-28' });
    expect(monthToDate('2028-02-29').previous).toEqual({ from: '2028-01-01', to: '2028-01-29' });
  });

  it('across the year boundary', () => {
    expect(monthToDate('2027-01-15')).toEqual({
      current: { from: '2027-01-01', to: '2027-01-15' },
      previous: { from: '2026-12-01', to: '2026-12-15' },
    });
    expect(monthToDate('2027-01-31').previous).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('monthStart', () => {
    expect(monthStart('2026-11-30')).toBe('2026-11-01');
  });
});

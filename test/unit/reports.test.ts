// The pure parts of reports: amounts as plain decimals, tax inside a fee, drawer counts, and CSV that cannot run formulas.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { taxOf } from '../../src/main/reports/journal';
import { plainAmount } from '../../src/shared/domain/money';
import { csvWriter } from '../../src/main/reports/writers';
import { cashCountTotal, denominationsFor } from '../../src/shared/domain/denominations';

const dir = mkdtempSync(join(tmpdir(), 'feedesk-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plainAmount', () => {
  it('writes minor units as major-unit decimals with the currency’s digits', () => {
    expect(plainAmount(123_450, 'INR')).toBe('1234.50');
    expect(plainAmount(5, 'INR')).toBe('0.05');
    expect(plainAmount(-250, 'USD')).toBe('-2.50');
    expect(plainAmount(1500, 'JPY')).toBe('1500');
    expect(plainAmount(1_234, 'KWD')).toBe('1.234');
  });

  it('round-trips every amount through a number exactly (what spreadsheets read)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (minor) => Math.round(Number(plainAmount(minor, 'INR')) * 100) === minor));
  });
});

describe('taxOf', () => {
  it('takes the tax out of a tax-inclusive fee', () => {
    expect(taxOf(118_00, 1800)).toBe(18_00);
    expect(taxOf(1_000_00, 0)).toBe(0);
  });

  it('never exceeds the amount and leaves a non-negative net for any rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 10_000 }), (amount, rate) => {
        const tax = taxOf(amount, rate);
        return Math.abs(tax) <= Math.abs(amount) && Math.sign(tax) * Math.sign(amount) >= 0;
      }),
    );
  });
});

describe('drawer counts', () => {
  it('offers the currency’s notes and coins, or the school’s own list, largest first', () => {
    expect(denominationsFor('INR')[0]).toBe(50000);
    expect(denominationsFor('USD')).toContain(25);
    expect(denominationsFor('INR', [100, 2000, 50000])).toEqual([50000, 2000, 100]);
    expect(denominationsFor('XYZ').length).toBeGreaterThan(5);
  });

  it('adds up notes by count', () => {
    expect(cashCountTotal({ '50000': 3, '100': 7 })).toBe(150_700);
    expect(cashCountTotal({})).toBe(0);
  });
});

describe('csvWriter', () => {
  it('quotes separators, defuses formulas in text cells and keeps negative amounts numeric', async () => {
    const path = join(dir, 'a.csv');
    const w = csvWriter(path, {
      title: 't',
      subtitle: '',
      currency: 'INR',
      locale: 'en-IN',
      columns: [
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'amount', label: 'Amount', type: 'money' },
      ],
    });
    await w.row({ name: '=HYPERLINK("x")', amount: -50_00 });
    await w.row({ name: 'Rao, "Asha"', amount: 1_00 });
    await w.finish({ totals: { amount: -49_00 }, summary: [], footnote: null });
    expect(readFileSync(path, 'utf8')).toBe(
      '\uFEFFName,Amount\r\n"\'=HYPERLINK(""x"")",-50.00\r\n"Rao, ""Asha""",1.00\r\nTotal,-49.00\r\n',
    );
  });

  it('refuses to overwrite its temporary file (another export is writing it)', async () => {
    const path = join(dir, 'b.csv');
    const first = csvWriter(path, { title: 't', subtitle: '', currency: 'INR', locale: 'en-IN', columns: [] });
    await first.finish({ totals: {}, summary: [], footnote: null });
    const second = csvWriter(path, { title: 't', subtitle: '', currency: 'INR', locale: 'en-IN', columns: [] });
    await expect(second.finish({ totals: {}, summary: [], footnote: null })).rejects.toThrow(/EEXIST/);
  });
});

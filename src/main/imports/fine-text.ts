// A late-fine rule as one spreadsheet cell, written and read the same way, so the structures list and its importer
// agree:  "flat 100.00 after 10 days" · "per day 5.00 after 10 days, at most 500.00" ·
//         "slabs after 10 days: day 1 50.00; day 30 200.00".
import type { FineRule } from '../../shared/domain/fines';
import { plainAmount } from '../../shared/domain/money';
import { parseAmount } from './values';

export const FINE_HELP =
  'is not a late-fine rule: write “flat 100 after 10 days”, “per day 5 after 10 days, at most 500” or “slabs after 10 days: day 1 50; day 30 200”, or leave it empty for none';

export function fineRuleText(rule: FineRule | null, currency: string): string | null {
  if (!rule) return null;
  const money = (minor: number) => plainAmount(minor, currency);
  const after = `after ${rule.graceDays} day${rule.graceDays === 1 ? '' : 's'}`;
  switch (rule.kind) {
    case 'flat':
      return `flat ${money(rule.amount)} ${after}`;
    case 'per_day':
      return `per day ${money(rule.perDay)} ${after}, at most ${money(rule.cap)}`;
    case 'slabs':
      return `slabs ${after}: ${rule.slabs.map((s) => `day ${s.fromDay} ${money(s.amount)}`).join('; ')}`;
  }
}

const AMOUNT = String.raw`(\S+(?:\s?\S+)*?)`;
const AFTER = String.raw`after\s+(\d{1,3})\s+days?`;

/** The rule a cell describes, or why it is not one (amounts read as any amount cell is). */
export function parseFineRuleText(text: string, currency: string): { ok: true; value: FineRule } | { ok: false; reason: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  const amount = (s: string): number | string => {
    const a = parseAmount(s, currency);
    return a.ok ? a.value : `has an amount “${s}” that ${a.reason}`;
  };
  let m = new RegExp(`^flat ${AMOUNT} ${AFTER}$`, 'i').exec(t);
  if (m) {
    const value = amount(m[1]!);
    return typeof value === 'string'
      ? { ok: false, reason: value }
      : { ok: true, value: { kind: 'flat', graceDays: Number(m[2]), amount: value } };
  }
  m = new RegExp(`^per day ${AMOUNT} ${AFTER}, at most ${AMOUNT}$`, 'i').exec(t);
  if (m) {
    const perDay = amount(m[1]!);
    const cap = amount(m[3]!);
    if (typeof perDay === 'string') return { ok: false, reason: perDay };
    if (typeof cap === 'string') return { ok: false, reason: cap };
    return { ok: true, value: { kind: 'per_day', graceDays: Number(m[2]), perDay, cap } };
  }
  m = new RegExp(`^slabs ${AFTER}: (.+)$`, 'i').exec(t);
  if (m) {
    const slabs: { fromDay: number; amount: number }[] = [];
    for (const part of m[2]!
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const slab = new RegExp(`^day (\\d{1,3}) ${AMOUNT}$`, 'i').exec(part);
      if (!slab) return { ok: false, reason: `has a slab “${part}” that is not “day <number> <amount>”` };
      const value = amount(slab[2]!);
      if (typeof value === 'string') return { ok: false, reason: value };
      slabs.push({ fromDay: Number(slab[1]), amount: value });
    }
    return { ok: true, value: { kind: 'slabs', graceDays: Number(m[1]), slabs } };
  }
  return { ok: false, reason: FINE_HELP };
}

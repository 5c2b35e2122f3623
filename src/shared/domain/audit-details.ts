// The details of an audit row as an auditor reads them: one line per field, money in the school's currency and locale,
// dates in words, times in the school's zone, ids as names, codes as words — never JSON.
import type { AuditEntry } from '../contract/audit';
import { isPaymentMode, PAYMENT_MODE_LABELS } from '../contract/payments';

/** The school's formats, as the screen has them (money from minor units, dates in words, instants in the school's zone). */
export interface Formatters {
  locale: string;
  money(minor: number): string;
  date(iso: string): string;
  dateTime(instant: string): string;
}

export interface DetailLine {
  label: string;
  value: string;
}

export type Details = Record<string, unknown>;
export const obj = (value: unknown): Details =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Details) : {};
export const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
export const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** "receiptNo" / "receipt_no" → "receipt no". */
export function words(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

export const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const LABELS: Record<string, string> = {
  receiptNo: 'Receipt no.',
  receipt_no: 'Receipt no.',
  admission_no: 'Admission no.',
  admissionNo: 'Admission no.',
  creditDelta: 'Change in credit',
  copyNo: 'Copy no.',
  full_name: 'Name',
  fullName: 'Name',
  class_id: 'Class',
  section_id: 'Section',
  category_id: 'Category',
  family_id: 'Family',
  head_id: 'Fee head',
  student_id: 'Student',
  academic_year_id: 'Academic year',
  requested_by: 'Requested by',
  requestedOnDeskBy: 'Requested on this desk by',
  approvedBy: 'Approved by',
  cashier_id: 'Cashier',
  by_user: 'By',
  tax_rate_bp: 'Tax rate',
  taxRateBp: 'Tax rate',
  written: 'Rows written',
  allocations: 'Allocations',
  row: 'As written',
  seq: 'Serial',
  utr: 'UTR',
  reference_json: 'Reference',
  snapshot_sha256: 'Receipt snapshot (SHA-256)',
  qr_sha256: 'Receipt QR (SHA-256)',
  desk_code: 'Desk',
  business_date: 'Business day',
  upiId: 'UPI ID',
  upiPayeeName: 'UPI payee name',
  upiMerchantCode: 'UPI merchant code',
};

export function labelOf(key: string): string {
  return LABELS[key] ?? sentenceCase(words(key.replace(/_id$/, '').replace(/Id$/, '')));
}

const MONEY_KEYS = new Set([
  'amount',
  'allocated',
  'creditDelta',
  'credit',
  'refunded',
  'charge',
  'balance',
  'variance',
  'expected',
  'counted',
  'tendered',
  'change_given',
  'changeGiven',
  'credit_used',
  'creditUsed',
  'credit_added',
  'creditAdded',
  'total',
  'gross',
  'paid',
  'outstanding',
  'applied',
  'perDay',
  'cap',
  'shares',
  'setOff',
  'set_off',
  'depositHeld',
]);
/** Fields whose values are codes: read as words ("per_day" → "Per day"). */
const CODE_KEYS = new Set(['status', 'kind', 'target', 'decision', 'role', 'plan', 'state']);
const SKIP = new Set(['id', 'version', 'updated_at']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One value for a person: money, a date, a time, a name for an id, yes/no — never JSON. */
function valueOf(key: string, value: unknown, entry: AuditEntry, f: Formatters, money: boolean, depth: number): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (money) return f.money(value);
    if (key === 'tax_rate_bp' || key === 'taxRateBp') return `${value / 100}%`;
    return value.toLocaleString(f.locale);
  }
  if (typeof value === 'string') {
    if (UUID.test(value)) return entry.names[value] ?? value;
    if (key.endsWith('_json') && value.startsWith('{')) {
      try {
        return valueOf(key.slice(0, -'_json'.length), JSON.parse(value) as unknown, entry, f, money, depth);
      } catch {
        return value;
      }
    }
    if (DATE.test(value)) return f.date(value);
    if (INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return f.dateTime(value);
    if (key === 'mode' && isPaymentMode(value)) return PAYMENT_MODE_LABELS[value];
    return CODE_KEYS.has(key) ? sentenceCase(words(value)) : value;
  }
  if (Array.isArray(value)) {
    if (key === 'allocations')
      return value
        .map((pair) =>
          Array.isArray(pair)
            ? `${valueOf('id', pair[0], entry, f, false, depth + 1)} ${valueOf('amount', pair[1], entry, f, true, depth + 1)}`
            : '',
        )
        .join('; ');
    if (value.length === 0) return 'none';
    if (depth >= 3) return `${value.length} ${value.length === 1 ? 'item' : 'items'}`;
    return value.map((v) => valueOf(key, v, entry, f, money, depth + 1)).join('; ');
  }
  const fields = Object.entries(value as Details).filter(([k]) => !SKIP.has(k));
  if (key === 'written')
    return fields.map(([table, rows]) => `${words(table)}: ${Array.isArray(rows) ? rows.length : 0}`).join(', ') || 'none';
  if (depth >= 3) return `${fields.length} fields`;
  // Amounts by mode (expected, counted) stay money; other nested objects read as "label value" pairs.
  return fields.map(([k, v]) => `${labelOf(k)} ${valueOf(k, v, entry, f, money || MONEY_KEYS.has(k), depth + 1)}`).join(' · ') || '—';
}

const plainObject = (value: unknown): value is Details => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The row's details, one line per field, formatted; a change shows what it was and what it became; a nested record's fields get lines of their own. */
export function details(entry: AuditEntry, f: Formatters): DetailLine[] {
  const top = obj(entry.after);
  const concessionFixed = top['kind'] === 'fixed';
  const show = (key: string, value: unknown) => {
    if (key === 'value' && top['kind'] === 'percent' && typeof value === 'number') return `${value / 100}%`;
    return valueOf(key, value, entry, f, MONEY_KEYS.has(key) || (key === 'value' && concessionFixed), 0);
  };
  const lines: DetailLine[] = [];
  const walk = (prefix: string, before: Details | null, after: Details | null, depth: number) => {
    const keys = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])].filter((k) => !SKIP.has(k));
    for (const key of keys) {
      const inBefore = before !== null && key in before;
      const inAfter = after !== null && key in after;
      const label = prefix + labelOf(key);
      const group = (v: unknown) => plainObject(v) && !MONEY_KEYS.has(key) && key !== 'written' && depth === 0;
      if ((group(after?.[key]) || group(before?.[key])) && (!inAfter || group(after?.[key])) && (!inBefore || group(before?.[key]))) {
        walk(`${label} · `, inBefore ? (before![key] as Details) : null, inAfter ? (after![key] as Details) : null, depth + 1);
      } else if (inBefore && inAfter) {
        const was = show(key, before![key]);
        const now = show(key, after![key]);
        lines.push({ label, value: was === now ? now : `${was} → ${now}` });
      } else if (inAfter) lines.push({ label, value: show(key, after![key]) });
      else lines.push({ label: `${label} (before)`, value: show(key, before![key]) });
    }
  };
  walk('', plainObject(entry.before) ? entry.before : null, plainObject(entry.after) ? entry.after : null, 0);
  if (entry.after !== null && typeof entry.after !== 'object') lines.push({ label: 'Value', value: String(entry.after) });
  lines.push({ label: 'Audit row', value: `#${entry.seq} on desk ${entry.deskCode}` });
  return lines;
}

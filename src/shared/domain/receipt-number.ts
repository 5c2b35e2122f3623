// Receipt numbers: one gapless series per desk per academic year, formatted by a school-chosen pattern.

export const DEFAULT_RECEIPT_FORMAT = '{year}/{desk}/{seq:6}';

/** Tokens: {year} academic year name, {desk} desk code, {seq} or {seq:N} zero-padded serial. */
export function formatReceiptNo(format: string, parts: { year: string; desk: string; seq: number }): string {
  return format
    .replaceAll('{year}', parts.year)
    .replaceAll('{desk}', parts.desk)
    .replace(/\{seq(?::(\d{1,2}))?\}/g, (_, width?: string) => String(parts.seq).padStart(Number(width ?? 0), '0'));
}

/** Why a format cannot number receipts, or null. */
export function receiptFormatProblem(format: string): string | null {
  if (!/\{seq(?::\d{1,2})?\}/.test(format)) return 'must contain {seq} (or {seq:6}) so numbers differ';
  if (!format.includes('{desk}')) return 'must contain {desk} so two desks never collide';
  if (!format.includes('{year}')) return 'must contain {year} since each year starts a new series';
  if (/\{(?!year\}|desk\}|seq(?::\d{1,2})?\})/.test(format)) return 'uses an unknown {token}: only {year}, {desk} and {seq} exist';
  return null;
}

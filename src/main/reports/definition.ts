// What a report is: a title, columns and a stream of rows read from the ledger on a read-only connection.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { ReportColumn, ReportFilters, ReportName, ReportRow } from '../../shared/contract/reports';
import { formatDate } from '../../shared/domain/date-input';
import { addDays } from '../../shared/domain/dates';
import type { Store } from '../db/schema';

export interface ReportContext {
  raw: Database.Database;
  /** The same connection through kysely, for the services' own readers (the student ledger). */
  db: Store;
  school: { name: string; currency: string; locale: string };
  deskCode: string;
  today: string;
}

/** A date in a report's title, as the school reads it ("30 Sept 2026"). */
export const day = (iso: string, ctx: Pick<ReportContext, 'school'>): string => formatDate(iso, ctx.school.locale);

export interface ReportDefinition<F extends ReportFilters = ReportFilters> {
  title(f: F, ctx: ReportContext): string;
  subtitle(f: F, ctx: ReportContext): string;
  columns(f: F, ctx: ReportContext): ReportColumn[];
  /** How many rows `rows` will yield (for the progress bar); cheap. */
  count(f: F, ctx: ReportContext): number;
  /** Rows one at a time, so an export of a million keeps memory flat. */
  rows(f: F, ctx: ReportContext): Iterable<ReportRow> | AsyncIterable<ReportRow>;
  /**
   * The screen's first `limit` rows with the totals and count of all, when the report can get them cheaper than by
   * reading every row (a busy day book joins names for the rows shown only).
   */
  screen?(f: F, ctx: ReportContext, limit: number): { rows: ReportRow[]; rowCount: number; totals: Record<string, number> };
  /** Figures under the table, from the same rows' totals. */
  summary?(f: F, ctx: ReportContext, totals: Record<string, number>): { label: string; amount: number }[];
  footnote?(f: F, ctx: ReportContext): string | null;
}

export type Definitions = { [K in ReportName]: ReportDefinition<Extract<ReportFilters, { report: K }>> };

/** Columns that add up into the totals row: money and counts, unless marked otherwise. */
export const summed = (columns: readonly ReportColumn[]) => columns.filter((c) => (c.type === 'money' || c.type === 'count') && !c.noTotal);

export const col = (key: string, label: string, type: ReportColumn['type'] = 'text', noTotal = false): ReportColumn =>
  noTotal ? { key, label, type, noTotal } : { key, label, type };

/** A text column wider or narrower than the others on paper and in the sheet. */
export const sized = (column: ReportColumn, width: number): ReportColumn => ({ ...column, width });

/** A payment's references as one line: "cheque 123456 · SBI · 2026-05-01". */
export function referenceText(referenceJson: string): string {
  const ref = JSON.parse(referenceJson) as Record<string, string>;
  return Object.values(ref)
    .filter((v) => v !== '')
    .join(' · ');
}

/** UTC bounds that hold every instant of local days `from`..`to` (zones run from -12 to +14 hours): lets an index narrow the scan. */
export const utcWindow = (from: string, to: string) => ({ utcFrom: `${addDays(from, -1)}T00:00`, utcTo: `${addDays(to, 2)}T00:00` });

// Runs a report for the screen (the first rows and the totals of all) or into a file, on the worker's read connection.
import type { ExportFormat, ReportFilters, ReportRow, ReportTable } from '../../shared/contract/reports';
import { AppError } from '../../shared/contract/errors';
import type { FontSet } from '../print/fonts';
import { collection, cheques, daybook, receipts, reversals } from './collections';
import { type Definitions, type ReportContext, type ReportDefinition, summed } from './definition';
import { concessions, defaulters, defaultingStudents, forecast } from './dues';
import { familyStatement, statement } from './statements';
import { dayClose, journal } from './journal';
import { concessionsList, duesList, familiesList, structuresList, studentChargesList, studentsList } from './lists';
import { reconciliation } from './reconciliation';
import { deposits, refunds } from './refunds';
import type { Writer } from './writers';

export const DEFINITIONS: Definitions = {
  daybook,
  receipts,
  collection,
  defaulters,
  statement,
  family_statement: familyStatement,
  concessions,
  reversals,
  cheques,
  forecast,
  journal,
  day_close: dayClose,
  students_list: studentsList,
  families_list: familiesList,
  structures_list: structuresList,
  dues_list: duesList,
  concessions_list: concessionsList,
  student_charges_list: studentChargesList,
  reconciliation,
  refunds,
  deposits,
};

const definitionOf = (f: ReportFilters) => DEFINITIONS[f.report] as ReportDefinition;

async function* rowsOf(def: ReportDefinition, f: ReportFilters, ctx: ReportContext): AsyncGenerator<ReportRow> {
  yield* def.rows(f, ctx);
}

/** Every row once: the first `limit` kept, the totals of all. */
async function readAll(def: ReportDefinition, f: ReportFilters, ctx: ReportContext, limit: number, sums: ReturnType<typeof summed>) {
  const totals: Record<string, number> = Object.fromEntries(sums.map((c) => [c.key, 0]));
  const rows: ReportRow[] = [];
  let rowCount = 0;
  for await (const row of rowsOf(def, f, ctx)) {
    rowCount += 1;
    for (const c of sums) totals[c.key]! += Number(row[c.key] ?? 0);
    if (rows.length < limit) rows.push(row);
  }
  return { rows, rowCount, totals };
}

export async function runReport(ctx: ReportContext, f: ReportFilters, limit: number): Promise<ReportTable> {
  const def = definitionOf(f);
  const columns = def.columns(f, ctx);
  const { rows, rowCount, totals } = def.screen?.(f, ctx, limit) ?? (await readAll(def, f, ctx, limit, summed(columns)));
  return {
    title: def.title(f, ctx),
    subtitle: def.subtitle(f, ctx),
    currency: ctx.school.currency,
    locale: ctx.school.locale,
    columns,
    rows,
    totals,
    rowCount,
    truncated: rowCount > rows.length,
    summary: def.summary?.(f, ctx, totals) ?? [],
    footnote: def.footnote?.(f, ctx) ?? null,
  };
}

/**
 * Writes the whole report to `path` (a temporary name the caller renames). Returns the rows written.
 * Cancelling ends the worker it runs on: nothing here needs to look for it.
 */
export async function exportReport(
  ctx: ReportContext,
  f: ReportFilters,
  format: ExportFormat,
  path: string,
  fonts: () => FontSet,
  progress: (done: number, total: number) => void,
): Promise<number> {
  const def = definitionOf(f);
  const total = format === 'letters' && f.report === 'defaulters' ? defaultingStudents(f, ctx) : def.count(f, ctx);
  progress(0, total);
  // The file writers (exceljs, pdfkit) load only when a file is written: the screens' worker never pays for them.
  if (format === 'letters') {
    if (f.report !== 'defaulters')
      throw new AppError('invalid_input', 'reminder letters are made from the defaulters report only', 'format');
    const { writeLetters } = await import('./letters');
    return writeLetters(path, f, ctx, fonts(), (done) => progress(done, total));
  }
  const columns = def.columns(f, ctx);
  const head = {
    title: def.title(f, ctx),
    subtitle: def.subtitle(f, ctx),
    currency: ctx.school.currency,
    locale: ctx.school.locale,
    columns,
  };
  const { csvWriter, pdfWriter, xlsxWriter } = await import('./writers');
  const writer: Writer =
    format === 'csv'
      ? csvWriter(path, head, f.report !== 'journal')
      : format === 'xlsx'
        ? xlsxWriter(path, head)
        : pdfWriter(path, head, fonts());
  const sums = summed(columns);
  const totals: Record<string, number> = Object.fromEntries(sums.map((c) => [c.key, 0]));
  let done = 0;
  for await (const row of rowsOf(def, f, ctx)) {
    await writer.row(row);
    for (const c of sums) totals[c.key]! += Number(row[c.key] ?? 0);
    done += 1;
    // From the first row on (the worker throttles what reaches the screen).
    if (done === 1 || done % 100 === 0) progress(done, total);
  }
  await writer.finish({ totals, summary: def.summary?.(f, ctx, totals) ?? [], footnote: def.footnote?.(f, ctx) ?? null });
  progress(done, Math.max(done, total));
  return done;
}

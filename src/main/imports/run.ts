// Running an import on the background worker: read the header, dry-run every row, commit all or nothing,
// write the template and the error sheet. The file is hashed so a commit refuses a file changed since its dry run.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/contract/errors';
import type { HeaderMatchView, ImporterName, ImportSummary, RowError } from '../../shared/contract/imports';
import type { Store } from '../db/schema';
import { recordAudit } from '../services/audit';
import type { ImportContext, Importer, ImportingUser, Outcome, Planned, Unparsed, WriteEnv } from './importer';
import { withCheckerErrors } from './importer';
import { applyMapping, findHeader } from './headers';
import { IMPORTER_DEFS } from './registry';
import type { Cell, SheetRow } from './sheet';
import { readSheet } from './source';
import { cellText } from './values';

type Mapping = Record<string, string | null>;
type Progress = (done: number, total: number) => void;

const PREVIEW_ROWS = 50;
const SHOWN_ERRORS = 200;
const HEADER_SCAN_ROWS = 10;

/** FeeDesk's own exports put an apostrophe before text a spreadsheet would run as a formula: take it off again. */
const undefused = (cell: Cell): Cell => (typeof cell === 'string' && /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell);

export const importerOf = (name: ImporterName): Importer<unknown> => IMPORTER_DEFS[name];

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function firstRows(path: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path)) {
    rows.push(row);
    if (rows.length >= HEADER_SCAN_ROWS) break;
  }
  return rows;
}

interface Columns {
  headerRow: number;
  headers: string[];
  /** field key → column index */
  columns: Record<string, number | null>;
  missing: string[];
}

async function columnsOf(importer: Importer<unknown>, path: string, mapping: Mapping | undefined): Promise<Columns> {
  const rows = await firstRows(path);
  if (rows.length === 0) throw new AppError('invalid_input', 'has no rows: is it the right file?', 'path');
  const match = findHeader(rows, importer.fields);
  const headerRow = rows.find((r) => r.row === match.headerRow);
  const headers = (headerRow?.values ?? []).map((v) => cellText(v) ?? '');
  const applied = mapping ? applyMapping(match, headers, mapping) : match;
  const missing = importer.fields.filter((f) => f.required && (applied.columns[f.key] ?? null) === null).map((f) => f.key);
  return { headerRow: match.headerRow, headers, columns: applied.columns, missing };
}

export async function inspect(name: ImporterName, path: string, mapping?: Mapping): Promise<HeaderMatchView> {
  const importer = importerOf(name);
  const c = await columnsOf(importer, path, mapping);
  return {
    importer: name,
    headerRow: c.headerRow,
    headers: c.headers,
    fields: importer.fields,
    mapping: Object.fromEntries(
      importer.fields.map((f) => [
        f.key,
        c.columns[f.key] === null || c.columns[f.key] === undefined ? null : (c.headers[c.columns[f.key]!] ?? null),
      ]),
    ),
    missing: c.missing,
  };
}

interface DryRun {
  sha256: string;
  headerRow: number;
  rowCount: number;
  counts: ImportSummary['counts'];
  preview: ImportSummary['preview'];
  errors: RowError[];
  /** The rows a commit writes (kept only when asked: a dry run holds no more than counts, a preview and errors). */
  planned: Planned<unknown>[];
  warnings: string[];
}

/**
 * Watches an admission no. column for 1, 2, 3 … in file order: a serial-number column ("Sr. No.") taken for the
 * admission number would admit students as 1, 2, 3 (three rows or more before it says so).
 */
function serialWatch() {
  let next = 1;
  let counting = true;
  return {
    see(value: string | undefined) {
      if (!counting || value === undefined) return;
      if (value.trim() === String(next)) next += 1;
      else counting = false;
    },
    counts: () => counting && next > 3,
  };
}

type Parsed = { record: unknown; text: Record<string, string> } | Unparsed<unknown>;

/**
 * A dry run's parsed rows, kept on its worker for the commit that usually follows (the runner hands that worker to the
 * commit): the commit then skips reading and parsing the file again, but checks every row against the store afresh.
 * Only files of up to KEEP_ROWS rows are kept, so a big file's dry run still holds no more than its errors.
 */
interface KeptRun {
  importer: ImporterName;
  path: string;
  mapping: string;
  sha256: string;
  headerRow: number;
  rows: { row: number; parsed: Parsed }[];
  tooMany: boolean;
}

const KEEP_ROWS = 25_000;
let kept: KeptRun | null = null;

export const holdsKeptRows = () => kept !== null;

/** The rows of the file under its header, each parsed: from the file, or from the dry run kept for this very file. */
async function* parsedRows(
  importer: Importer<unknown>,
  path: string,
  c: Columns,
  ctx: ImportContext,
  keep: KeptRun | null,
): AsyncGenerator<{ row: number; parsed: Parsed }> {
  const column = (key: string) => c.columns[key] ?? null;
  for await (const sheetRow of readSheet(path)) {
    if (sheetRow.row <= c.headerRow) continue;
    const cells = Object.fromEntries(
      importer.fields.map((f) => [f.key, column(f.key) === null ? null : undefused(sheetRow.values[column(f.key)!] ?? null)]),
    );
    const parsed = importer.parse(cells, ctx);
    if (keep && !keep.tooMany) {
      keep.rows.push({ row: sheetRow.row, parsed });
      // Too big to keep: let go of it all, and read the file again for the commit.
      if (keep.rows.length > KEEP_ROWS) Object.assign(keep, { rows: [], tooMany: true });
    }
    yield { row: sheetRow.row, parsed };
  }
}

/** One pass over the file: every row parsed and checked as it is read, so memory follows the errors, not the file. */
async function pass(
  name: ImporterName,
  path: string,
  mapping: Mapping | undefined,
  ctx: ImportContext,
  progress: Progress,
  keep: boolean,
): Promise<DryRun> {
  const importer = importerOf(name);
  const sha256 = await sha256Of(path);
  const mappingKey = JSON.stringify(mapping ?? null);
  const reuse =
    kept && kept.importer === name && kept.path === path && kept.mapping === mappingKey && kept.sha256 === sha256 && kept.rows.length > 0
      ? kept
      : null;
  kept = null;
  let source: AsyncIterable<{ row: number; parsed: Parsed }> | Iterable<{ row: number; parsed: Parsed }>;
  let headerRow: number;
  let keeping: KeptRun | null = null;
  if (reuse) {
    source = reuse.rows;
    headerRow = reuse.headerRow;
  } else {
    const c = await columnsOf(importer, path, mapping);
    if (c.missing.length > 0) {
      const labels = c.missing.map((k) => importer.fields.find((f) => f.key === k)!.label);
      throw new AppError(
        'invalid_input',
        `has no column for ${labels.join(', ')}: add ${labels.length > 1 ? 'them' : 'it'} to the file or map ${labels.length > 1 ? 'them' : 'it'} to a column`,
        'mapping',
      );
    }
    headerRow = c.headerRow;
    // A dry run keeps what it parsed for its commit; a commit keeps nothing.
    keeping = keep ? null : { importer: name, path, mapping: mappingKey, sha256, headerRow, rows: [], tooMany: false };
    source = parsedRows(importer, path, c, ctx, keeping);
  }
  const checker = importer.checker(ctx);
  const run: DryRun = {
    sha256,
    headerRow,
    rowCount: 0,
    counts: { new: 0, updated: 0, unchanged: 0, errors: 0 },
    preview: [],
    errors: [],
    planned: [],
    warnings: [],
  };
  const serial = serialWatch();
  const settle = (row: number, parsed: Parsed, checked: Outcome) => {
    if ('errors' in checked) {
      run.counts.errors += 1;
      run.errors.push(...checked.errors.map((e) => ({ ...e, row })));
    } else if (!('errors' in parsed)) {
      run.counts[checked.action] += 1;
      if (run.preview.length < PREVIEW_ROWS) run.preview.push({ row, action: checked.action, values: parsed.text });
      if (keep && checked.action !== 'unchanged') run.planned.push({ row, record: parsed.record, action: checked.action });
    }
  };
  // A row that could not be read whole is still checked as far as it was read (never deferred: it is in error anyway).
  const unreadRow = (row: number, parsed: Unparsed<unknown>): Outcome =>
    parsed.partial === undefined
      ? { errors: parsed.errors }
      : { errors: withCheckerErrors(importer.fields, parsed.errors, checker.check(row, parsed.partial)) };
  // Rows the checker decides only once it has seen the whole file (a structure's rows), held until then.
  const deferred = new Map<number, { record: unknown; text: Record<string, string> }>();
  for await (const { row, parsed } of source) {
    run.rowCount += 1;
    if (!('errors' in parsed)) serial.see(parsed.text['admissionNo']);
    const checked = 'errors' in parsed ? unreadRow(row, parsed) : checker.check(row, parsed.record);
    if ('deferred' in checked) deferred.set(row, parsed as { record: unknown; text: Record<string, string> });
    else settle(row, parsed, checked);
    if (run.rowCount % 1000 === 0) progress(run.rowCount, 0);
  }
  if (run.rowCount === 0) throw new AppError('invalid_input', 'has a header but no rows under it', 'path');
  if (checker.finish) {
    const outcomes = checker.finish();
    for (const [row, parsed] of deferred)
      settle(row, parsed, outcomes.get(row) ?? { errors: [{ column: '', value: '', reason: 'was not checked (report this as a bug)' }] });
    run.errors.sort((a, b) => a.row - b.row);
    run.preview.sort((a, b) => a.row - b.row);
    run.planned.sort((a, b) => a.row - b.row);
  }
  if (keeping && keeping.rows.length > 0) kept = keeping;
  if (serial.counts()) {
    run.warnings.push(
      `The admission no. column holds 1, 2, 3 … in order, like a serial number (“Sr. No.”) column: check that it is the admission number before importing, or map Admission no. to another column`,
    );
  }
  progress(run.rowCount, run.rowCount);
  return run;
}

const summaryOf = (name: ImporterName, run: DryRun, committed: boolean): ImportSummary => ({
  importer: name,
  sha256: run.sha256,
  rows: run.rowCount,
  counts: run.counts,
  preview: run.preview,
  errors: run.errors.slice(0, SHOWN_ERRORS),
  errorCount: run.errors.length,
  warnings: run.warnings,
  committed,
});

export async function dryRun(
  name: ImporterName,
  path: string,
  mapping: Mapping | undefined,
  ctx: ImportContext,
  progress: Progress,
): Promise<ImportSummary> {
  return summaryOf(name, await pass(name, path, mapping, ctx, progress, false), false);
}

/**
 * The dry run again, keeping the rows to write, then every write in one transaction on the worker's own write
 * connection: a file with errors, or one changed since its dry run, writes nothing; neither does a cancelled or killed
 * import (the transaction dies with it). The file is hashed again inside the transaction, before it commits.
 */
export async function commitImport(
  name: ImporterName,
  path: string,
  mapping: Mapping | undefined,
  sha256: string,
  ctx: ImportContext,
  write: { db: Store; env: WriteEnv; actor: ImportingUser },
  progress: Progress,
): Promise<ImportSummary> {
  const run = await pass(name, path, mapping, ctx, progress, true);
  if (run.sha256 !== sha256) throw new AppError('conflict', 'the file has changed since its dry run: run the dry run again', 'path');
  if (run.errors.length > 0)
    throw new AppError(
      'invalid_input',
      `has ${run.errors.length} errors: fix them (download the error sheet) and try again; nothing was imported`,
      'path',
    );
  const summary = summaryOf(name, run, true);
  await write.db.transaction().execute(async (tx) => {
    const written = await importerOf(name).commit(tx, write.env, write.actor, run.planned);
    if ((await sha256Of(path)) !== sha256)
      throw new AppError('conflict', 'the file changed while it was being imported: nothing was imported', 'path');
    await recordAudit(tx, write.env, {
      actorId: write.actor.userId,
      action: `imports.${name}`,
      entity: 'import',
      entityId: run.sha256,
      after: {
        file: path,
        sha256: run.sha256,
        rows: run.rowCount,
        counts: summary.counts,
        ...(write.actor.approverId ? { approvedBy: write.actor.approverId } : {}),
        ...written,
      },
    });
  });
  return summary;
}

/** The importer's columns, an example row, a Lists sheet for the columns that must name something, and notes. */
export async function writeTemplate(name: ImporterName, ctx: ImportContext, out: string): Promise<number> {
  const importer = importerOf(name);
  const book = new ExcelJS.Workbook();
  book.creator = 'FeeDesk';
  const sheet = book.addWorksheet(importer.title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = importer.fields.map((f) => ({ header: f.label, key: f.key, width: Math.max(14, f.label.length + 4) }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow(importer.example(ctx));
  const listsSheet = book.addWorksheet('Lists');
  const lists = Object.entries(importer.lists(ctx));
  lists.forEach(([key, values], i) => {
    const col = listsSheet.getColumn(i + 1);
    col.header = importer.fields.find((f) => f.key === key)!.label;
    values.forEach((v, r) => (listsSheet.getCell(r + 2, i + 1).value = v));
    const fieldIndex = importer.fields.findIndex((f) => f.key === key);
    const letter = sheet.getColumn(fieldIndex + 1).letter;
    const listLetter = listsSheet.getColumn(i + 1).letter;
    if (values.length > 0) {
      for (let r = 2; r <= 2000; r++) {
        sheet.getCell(`${letter}${r}`).dataValidation = {
          type: 'list',
          allowBlank: !importer.fields[fieldIndex]!.required,
          formulae: [`Lists!$${listLetter}$2:$${listLetter}$${values.length + 1}`],
          showErrorMessage: true,
          errorTitle: importer.fields[fieldIndex]!.label,
          error: `Choose one of the school's ${importer.fields[fieldIndex]!.label.toLowerCase()} names (sheet Lists)`,
        };
      }
    }
  });
  const notes = book.addWorksheet('Notes');
  notes.columns = [
    { header: 'Column', key: 'label', width: 18 },
    { header: 'Required', key: 'required', width: 10 },
    { header: 'Also read from headers named', key: 'aliases', width: 40 },
    { header: 'What to put there', key: 'description', width: 80 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const f of importer.fields)
    notes.addRow({ label: f.label, required: f.required ? 'yes' : '', aliases: f.aliases.join(', '), description: f.description });
  await book.xlsx.writeFile(out);
  return importer.fields.length;
}

/** The dry run's file as it was, with an "Errors" column saying what to fix on each row. */
export async function writeErrorSheet(
  name: ImporterName,
  path: string,
  mapping: Mapping | undefined,
  ctx: ImportContext,
  out: string,
  progress: Progress,
): Promise<number> {
  const run = await pass(name, path, mapping, ctx, progress, false);
  const byRow = new Map<number, string[]>();
  for (const e of run.errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), `${e.column}: ${e.value ? `“${e.value}” ` : ''}${e.reason}`]);
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet('Errors');
  let width = 0;
  for await (const r of readSheet(path)) width = Math.max(width, r.values.length);
  let next = 1;
  for await (const r of readSheet(path)) {
    // Keep the file's own row numbers: blank rows where the reader skipped empty ones.
    for (; next < r.row; next += 1) sheet.addRow([]).commit();
    const values = [...r.values, ...Array.from({ length: width - r.values.length }, () => null)];
    const note = r.row === run.headerRow ? 'Errors' : r.row > run.headerRow ? (byRow.get(r.row) ?? []).join('; ') || null : null;
    sheet.addRow([...values, note]).commit();
    next = r.row + 1;
  }
  sheet.commit();
  await book.commit();
  return run.errors.length;
}

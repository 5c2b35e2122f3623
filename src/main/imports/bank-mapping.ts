// Reads the statement of a bank FeeDesk has no layout for, by the column names the user picked from its header row:
// which names feed which field, whether that choice can read a statement at all, and which row of a file is the header
// a screen offers those names from.
import { basename } from 'node:path';
import type { AppError } from '../../shared/contract/errors';
import { HEADER_SCAN_ROWS, type ColumnIndex, type StatementColumns } from './bank-layouts';
import { fileProblem } from './file-problems';
import { normalizeHeader } from './headers';
import type { SheetRow } from './sheet';
import { readSheet } from './source';
import { cellText } from './values';

type Field = keyof StatementColumns;

export interface StatementMapping {
  /** The user's name for the bank ("Canara Bank"), which the statement and its messages go by. */
  bank: string;
  /** The header text of the column feeding each field, as the file writes it; a field left out has no column. */
  columns: Partial<Record<Field, string>>;
}

/** What each field is, in the words a message about a mapping uses. */
const FIELD_NAMES: Record<Field, string> = {
  date: 'the transaction date',
  narration: 'the narration',
  reference: 'the reference',
  valueDate: 'the value date',
  debit: 'withdrawals',
  credit: 'deposits',
  amount: 'the amount',
  drCr: 'Dr/Cr',
  balance: 'the balance',
};
const FIELDS = Object.keys(FIELD_NAMES) as Field[];

const list = new Intl.ListFormat('en', { type: 'conjunction' });
const quoted = (names: string[]) => list.format(names.map((name) => `“${name}”`));

/** The fields the mapping gives a column, by their trimmed names; a blank name gives none. */
function mappedNames(mapping: StatementMapping): Partial<Record<Field, string>> {
  const names: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const name = mapping.columns[field]?.trim() ?? '';
    if (name !== '') names[field] = name;
  }
  return names;
}

function moneyProblem(names: Partial<Record<Field, string>>): string | null {
  const { debit, credit, amount, drCr } = names;
  if (amount !== undefined && (debit !== undefined || credit !== undefined))
    return 'names both an amount column and withdrawal/deposit columns; a statement has one or the other';
  if (amount === undefined && debit === undefined && credit === undefined)
    return 'names no column for the money: withdrawal and deposit columns, or an amount column';
  if (amount === undefined && debit === undefined) return `names a deposit column (“${credit}”) but no withdrawal column`;
  if (amount === undefined && credit === undefined) return `names a withdrawal column (“${debit}”) but no deposit column`;
  if (drCr !== undefined && amount === undefined) return `names a Dr/Cr column (“${drCr}”) but no amount column for it to mark`;
  return null;
}

function sharedColumnProblem(names: Partial<Record<Field, string>>): string | null {
  const fieldOf = new Map<string, Field>();
  for (const [field, name] of Object.entries(names) as [Field, string][]) {
    const key = normalizeHeader(name);
    if (key === '') return `names the column “${name}”, which has no letters or digits to find it by`;
    const other = fieldOf.get(key);
    if (other) return `gives the column “${name}” to both ${FIELD_NAMES[other]} and ${FIELD_NAMES[field]}`;
    fieldOf.set(key, field);
  }
  return null;
}

/**
 * Why a mapping cannot read a statement, or null when it can: it needs the bank's name and columns for the date, the
 * narration and the money (withdrawal and deposit, or an amount with an optional Dr/Cr), each column for one field.
 */
export function mappingProblem(mapping: StatementMapping): string | null {
  const bank = mapping.bank.trim();
  if (bank === '') return 'A statement mapping needs the name of the bank';
  const unknown = Object.keys(mapping.columns).find((key) => !FIELDS.includes(key as Field));
  if (unknown !== undefined) return `${bank}'s mapping has a column for “${unknown}”, which is not a field of a statement line`;
  const names = mappedNames(mapping);
  const problem =
    (names.date === undefined ? `names no column for ${FIELD_NAMES.date}` : null) ??
    (names.narration === undefined ? `names no column for ${FIELD_NAMES.narration}` : null) ??
    moneyProblem(names) ??
    sharedColumnProblem(names);
  return problem === null ? null : `${bank}'s mapping ${problem}`;
}

/** Where the mapped columns are in one row, and the mapped names the row does not have. */
function mappedColumns(names: Partial<Record<Field, string>>, header: string[]): { columns: ColumnIndex; missing: string[] } {
  const cells = header.map(normalizeHeader);
  const taken = new Set<number>();
  const columns = {} as ColumnIndex;
  const missing: string[] = [];
  for (const field of FIELDS) {
    const name = names[field];
    const wanted = name === undefined ? '' : normalizeHeader(name);
    // Where a name repeats (Kotak's two Dr / Cr columns) the first one not yet taken is this field's.
    const at = wanted === '' ? -1 : cells.findIndex((cell, i) => !taken.has(i) && cell === wanted);
    columns[field] = at >= 0 ? at : null;
    if (at >= 0) taken.add(at);
    else if (name !== undefined) missing.push(name);
  }
  return { columns, missing };
}

/**
 * Finds the header row a (valid) mapping reads, one row at a time. When no row has every mapped name, the refusal names
 * the columns the likeliest row (the one with the most of them) lacks.
 */
export function mappedHeader(mapping: StatementMapping): {
  columnsIn(header: string[]): ColumnIndex | null;
  refusal(path: string): AppError;
} {
  const names = mappedNames(mapping);
  const bank = mapping.bank.trim();
  let likeliest: { found: number; missing: string[] } | null = null;
  return {
    columnsIn(header) {
      const { columns, missing } = mappedColumns(names, header);
      if (missing.length === 0) return columns;
      const found = Object.keys(names).length - missing.length;
      if (found > 0 && (!likeliest || found > likeliest.found)) likeliest = { found, missing };
      return null;
    },
    refusal(path) {
      if (!likeliest) {
        return fileProblem(
          `${basename(path)} is not a statement ${bank}'s mapping can read: no row of its column names (${quoted(Object.values(names))}) in its first ${HEADER_SCAN_ROWS} rows`,
        );
      }
      const columns = likeliest.missing.length === 1 ? 'column' : 'columns';
      return fileProblem(`${bank}'s mapping reads ${columns} ${quoted(likeliest.missing)}, which this file does not have`);
    },
  };
}

const DATE_NAME = /date|\bdt\b/i;
const MONEY_NAME = /amount|\bamt\b|credit|deposit|\bcr\b/i;

/** A row of column names: three or more texts, one naming a date and another naming money. */
function looksLikeHeader(row: SheetRow): boolean {
  const names = row.values.filter((cell): cell is string => typeof cell === 'string' && cell.trim() !== '');
  if (names.length < 3) return false;
  const dateAt = names.findIndex((name) => DATE_NAME.test(name));
  return dateAt >= 0 && names.some((name, i) => i !== dateAt && MONEY_NAME.test(name));
}

/**
 * The likely header row of a statement FeeDesk has no layout for, in its first rows, and its column names in order
 * (empty cells left out): the names a mapping screen offers. Null when no row looks like one.
 */
export async function statementHeaders(path: string): Promise<{ headerRow: number; headers: string[] } | null> {
  let scanned = 0;
  for await (const row of readSheet(path)) {
    if (looksLikeHeader(row)) {
      return { headerRow: row.row, headers: row.values.map(cellText).filter((name): name is string => name !== null) };
    }
    scanned += 1;
    if (scanned >= HEADER_SCAN_ROWS) break;
  }
  return null;
}

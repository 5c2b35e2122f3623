// Finds the header row of a school's sheet and which column feeds each field, by name; a mapping the user picked
// overrides the guess.
import { AppError } from '../../shared/contract/errors';
import type { SheetRow } from './sheet';
import { cellText } from './values';

export interface FieldSpec {
  key: string;
  label: string;
  required: boolean;
  aliases: string[];
}

export interface HeaderMatch {
  /** The header's row number in the file (the rows under it are the data). */
  headerRow: number;
  /** Field key → 0-based column index, or null when no column feeds it. */
  columns: Record<string, number | null>;
  /** Header texts no field reads. */
  unknown: string[];
  /** Required fields without a column. */
  missing: string[];
  /** The required fields' keys, so a mapping applied later can tell what it leaves missing. */
  required: string[];
}

/** Titles and notes sometimes sit above the header: it is looked for in this many rows. */
const HEADER_SCAN_ROWS = 10;

/** "Adm. No" → "admno", "Élève" → "eleve": case, accents, spaces and punctuation never decide a match (other scripts keep their vowel signs). */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]/gu, '');
}

/** A header cell's names: "Mobile (Father)" is also tried as "Mobile", "DOB (DD/MM/YYYY)" as "DOB". */
function namesOf(text: string): string[] {
  const names = [normalizeHeader(text), normalizeHeader(text.replace(/\([^)]*\)|\[[^\]]*\]/g, ''))];
  return [...new Set(names.filter((n) => n !== ''))];
}

function fieldNames(field: FieldSpec): Set<string> {
  return new Set([field.label, field.key, ...field.aliases].map(normalizeHeader).filter((n) => n !== ''));
}

const headerTexts = (row: SheetRow | undefined): string[] => (row?.values ?? []).map((v) => cellText(v) ?? '');

/** Each field's column in one candidate header row: a column feeds one field at most, the first field that names it. */
function columnsIn(texts: string[], fields: FieldSpec[]): Record<string, number | null> {
  const cellNames = texts.map(namesOf);
  const taken = new Set<number>();
  const columns: Record<string, number | null> = {};
  for (const field of fields) {
    const names = fieldNames(field);
    const index = cellNames.findIndex((candidates, i) => !taken.has(i) && candidates.some((n) => names.has(n)));
    columns[field.key] = index >= 0 ? index : null;
    if (index >= 0) taken.add(index);
  }
  return columns;
}

function summarize(texts: string[], columns: Record<string, number | null>, required: string[]): Omit<HeaderMatch, 'headerRow'> {
  const used = new Set(Object.values(columns).filter((c): c is number => c !== null));
  return {
    columns,
    unknown: texts.filter((t, i) => t !== '' && !used.has(i)),
    missing: required.filter((key) => columns[key] === null || columns[key] === undefined),
    required,
  };
}

/** The row among the first ten that names the most fields (a title row above the header loses), and its columns. */
export function findHeader(rows: SheetRow[], fields: FieldSpec[]): HeaderMatch {
  const required = fields.filter((f) => f.required).map((f) => f.key);
  let best: { row: SheetRow | undefined; columns: Record<string, number | null>; score: number } = {
    row: undefined,
    columns: columnsIn([], fields),
    score: -1,
  };
  for (const row of rows.slice(0, HEADER_SCAN_ROWS)) {
    const columns = columnsIn(headerTexts(row), fields);
    const score = Object.values(columns).filter((c) => c !== null).length;
    if (score > best.score) best = { row, columns, score };
  }
  return { headerRow: best.row?.row ?? 0, ...summarize(headerTexts(best.row), best.columns, required) };
}

function columnOf(headers: string[], text: string): number {
  const exact = headers.findIndex((h) => h === text.trim());
  if (exact >= 0) return exact;
  const wanted = normalizeHeader(text);
  return wanted === '' ? -1 : headers.findIndex((h) => normalizeHeader(h) === wanted);
}

/**
 * Applies the user's choice of column (by header text; null: no column) for some fields over the guess. A column the
 * user gives to one field is taken from any field that had guessed it; two fields may not be given the same column.
 */
export function applyMapping(match: HeaderMatch, headers: string[], mapping: Record<string, string | null>): HeaderMatch {
  const columns = { ...match.columns };
  const chosen = new Map<number, string>();
  for (const [key, text] of Object.entries(mapping)) {
    if (!(key in columns)) throw new AppError('invalid_input', `${key} is not a field of this import`, `mapping.${key}`);
    if (text === null) {
      columns[key] = null;
      continue;
    }
    const index = columnOf(headers, text);
    if (index < 0) {
      const list = headers.filter((h) => h !== '').join(', ');
      throw new AppError('invalid_input', `“${text}” is not a column of the file (its columns: ${list})`, `mapping.${key}`);
    }
    const other = chosen.get(index);
    if (other !== undefined) throw new AppError('invalid_input', `“${text}” is already chosen for ${other}`, `mapping.${key}`);
    chosen.set(index, key);
    columns[key] = index;
  }
  for (const [key, index] of Object.entries(columns)) {
    if (index !== null && chosen.has(index) && chosen.get(index) !== key) columns[key] = null;
  }
  return { headerRow: match.headerRow, ...summarize(headers, columns, match.required) };
}

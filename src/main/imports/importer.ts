// What an importer is: its columns, how one row becomes a record, how the whole file is checked against the store,
// and how it is written in one transaction.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { ImportField, ImporterName, RowError } from '../../shared/contract/imports';
import type { Store, Tx } from '../db/schema';
import type { Clock, IdSource } from '../services/context';
import type { Cell } from './sheet';
import { cellText } from './values';

export interface ImportContext {
  raw: Database.Database;
  db: Store;
  school: { currency: string; locale: string };
  today: string;
}

export type Action = 'new' | 'updated' | 'unchanged';

/** A checked row the commit writes. */
export interface Planned<R> {
  row: number;
  record: R;
  action: Action;
}

export type CellError = Omit<RowError, 'row'>;

export type Outcome = { action: Action } | { errors: CellError[] };

/**
 * A row that could not be read whole: what is wrong, and — for an importer that can — the row as far as it could be
 * read (a column in error left empty), so the checker still reports what else is wrong with it (an unknown class next
 * to a bad phone number): the row's every error in one dry run, not one per try.
 */
export interface Unparsed<R> {
  errors: CellError[];
  partial?: R;
}

/**
 * Checks rows one at a time against each other (duplicates) and the store, so a big file is never held whole.
 * An importer whose rows only make sense together (a fee structure is many rows) answers `deferred` and decides every
 * such row in `finish`, once the whole file is read.
 */
export interface Checker<R> {
  check(row: number, record: R): Outcome | { deferred: true };
  finish?(): Map<number, Outcome>;
}

/** Who imports: the user, and for an importer whose rows need a second person's approval, the approver. */
export interface ImportingUser {
  userId: string;
  approverId: string | null;
}

export interface WriteEnv {
  clock: Clock;
  ids: IdSource;
  /** The import's write connection, the one the transaction is open on: for bulk inserts by prepared statement. */
  raw: Database.Database;
}

export interface Importer<R> {
  name: ImporterName;
  title: string;
  fields: ImportField[];
  /** One row's cells (by field key) → a record, or what is wrong with which column. */
  parse(cells: Record<string, Cell>, ctx: ImportContext): { record: R; text: Record<string, string> } | Unparsed<R>;
  /** A checker for one pass over the file: what each row would do, or why it cannot. */
  checker(ctx: ImportContext): Checker<R>;
  /** Writes the new and changed rows; the caller holds the transaction. Returns what to audit. */
  commit(tx: Tx, env: WriteEnv, actor: ImportingUser, rows: Planned<R>[]): Promise<Record<string, unknown>>;
  /** Template: an example row, and lists for columns that must name something the school has. */
  example(ctx: ImportContext): Record<string, string>;
  lists(ctx: ImportContext): Record<string, string[]>;
}

export const field = (key: string, label: string, required: boolean, aliases: string[], description: string): ImportField => ({
  key,
  label,
  required,
  aliases,
  description,
});

/** The column naming a student already in FeeDesk, as every importer but the students' own reads it. */
export const existingStudentField = (required = true): ImportField =>
  field(
    'admissionNo',
    'Admission no.',
    required,
    ['adm no', 'admission number', 'admission_no', 'admno', 'scholar no'],
    'A student already in FeeDesk.',
  );

/** One row's cells as text, and the same for a required one (an empty required cell adds its error to `errors`). */
export function cellsOf(cells: Record<string, unknown>, fields: readonly ImportField[], errors: CellError[]) {
  const text = (key: string) => cellText(cells[key] as Cell);
  const required = (key: string) => {
    const v = text(key);
    if (v === null) errors.push({ column: fields.find((f) => f.key === key)?.label ?? key, value: '', reason: 'is required' });
    return v ?? '';
  };
  return { text, required };
}

/** The school's names a column chooses from (the template's Lists sheet), in the order the school keeps them. */
const NAME_LISTS = {
  year: 'select name from academic_year order by starts_on',
  className: 'select name from class order by sort_order',
  category: 'select name from category order by name',
  head: 'select name from fee_head where system_code is null order by sort_order',
} as const;

export const schoolNames = (ctx: ImportContext, list: keyof typeof NAME_LISTS): string[] =>
  (ctx.raw.prepare(NAME_LISTS[list]).all() as { name: string }[]).map((r) => r.name);

/**
 * A row's parse errors with what the checker finds in the rest of it: the checker's errors on columns already in
 * error are left out (a phone that could not be read is not also "not a valid phone"), and the row's errors read left
 * to right in the importer's column order.
 */
export function withCheckerErrors(fields: readonly ImportField[], parsed: CellError[], checked: Outcome | { deferred: true }): CellError[] {
  if (!('errors' in checked)) return parsed;
  const inError = new Set(parsed.map((e) => e.column));
  const order = (column: string) => {
    const i = fields.findIndex((f) => f.label === column);
    return i < 0 ? fields.length : i;
  };
  const all = [...parsed, ...checked.errors.filter((e) => !inError.has(e.column))];
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => order(a.e.column) - order(b.e.column) || a.i - b.i)
    .map(({ e }) => e);
}

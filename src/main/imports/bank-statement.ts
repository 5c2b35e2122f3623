// Reads a bank's account statement (CSV or XLSX, as the bank lets a school download it) into lines a payment can be
// matched against: date, narration, references, and money in paise. A line that cannot be read is a problem naming its
// row and column, never a guess.
import { basename } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { dateIn, type IsoDate } from '../../shared/domain/dates';
import { accountNumberIn } from './bank-account';
import { BANK_LAYOUTS, columnsFor, detectLayout, HEADER_SCAN_ROWS, LAYOUTS, type BankLayout, type ColumnIndex } from './bank-layouts';
import { mappedHeader, mappingProblem, type StatementMapping } from './bank-mapping';
import { parseNarration, type PaymentKind, type UpiDetails } from './bank-narration';
import { fileProblem } from './file-problems';
import type { Cell, SheetRow } from './sheet';
import { readSheet } from './source';
import { cellText, parseAmount, parseDate } from './values';

export { accountNumberIn } from './bank-account';
export { BANK_LAYOUTS, detectLayout, type BankLayout } from './bank-layouts';
export { mappingProblem, statementHeaders, type StatementMapping } from './bank-mapping';
export { parseNarration } from './bank-narration';

export interface StatementLine {
  row: number;
  /** ISO YYYY-MM-DD: the transaction date, not the value date. */
  date: string;
  narration: string;
  /**
   * The UTR, RRN or cheque number the narration holds, else the reference column's text: the narration's is the one a
   * payer can quote (SBI's column says "TRANSFER FROM <account>", HDFC's pads the UTR with zeros).
   */
  reference: string | null;
  /** Paise. */
  debit: number;
  credit: number;
  balance: number | null;
  upi: UpiDetails | null;
  kind: PaymentKind;
}

export interface StatementProblem {
  row: number;
  message: string;
}

export interface Statement {
  /** The layout it was read by; null when it was read by a mapping. */
  layout: BankLayout | null;
  /** The layout's bank, or the name the mapping gives it. */
  bank: string;
  /** The account number printed above the table, digits only, without the zeros it is padded with; null when none is. */
  account: string | null;
  lines: StatementLine[];
  problems: StatementProblem[];
}

const CURRENCY = 'INR';
/** What the banks write under the table: the end of it, after which nothing is a transaction. */
const END_OF_TABLE =
  /end of statement|statement summary|^\s*(?:grand\s+)?totals?\b|transaction total|^\s*closing balance\b|closing balance\s*:|opening balance\s*:/i;
/** Lines that carry a balance forward rather than money in or out. */
const CARRIED = /^(?:b\/f|c\/f|opening balance|balance b\/f|balance brought forward|brought forward)\b/i;

const texts = (row: SheetRow): string[] => row.values.map((v) => cellText(v) ?? '');
const cellAt = (row: SheetRow, at: number | null): Cell => (at === null ? null : (row.values[at] ?? null));

interface Table {
  bank: string;
  layout: BankLayout | null;
  header: string[];
  columns: ColumnIndex;
}

/** How the table's header row is told: by the banks' layouts (the one given, or any), or by the user's mapping. */
interface HeaderFinder {
  tableIn(row: SheetRow): Table | null;
  /** Why the file is refused when none of its first rows is the header. */
  refusal(path: string): AppError;
}

function notAStatement(path: string, layout: BankLayout | undefined): AppError {
  const wanted = layout ? [layout] : LAYOUTS;
  const examples = wanted.map((l) => `${BANK_LAYOUTS[l].bank}: ${BANK_LAYOUTS[l].header.join(', ')}`).join('; ');
  return fileProblem(
    `${basename(path)} is not a bank statement FeeDesk knows: no row of column names like ${examples} in its first ${HEADER_SCAN_ROWS} rows`,
  );
}

function layoutHeader(layout: BankLayout | undefined): HeaderFinder {
  return {
    tableIn(row) {
      const header = texts(row);
      const found = layout ?? detectLayout(header);
      const columns = found ? columnsFor(found, header) : null;
      return found && columns ? { bank: BANK_LAYOUTS[found].bank, layout: found, header, columns } : null;
    },
    refusal: (path) => notAStatement(path, layout),
  };
}

/** A mapping that cannot read any statement is refused before the file is opened. */
function mappingHeader(mapping: StatementMapping): HeaderFinder {
  const problem = mappingProblem(mapping);
  if (problem !== null) throw new AppError('invalid_input', problem, 'mapping');
  const mapped = mappedHeader(mapping);
  return {
    tableIn(row) {
      const header = texts(row);
      const columns = mapped.columnsIn(header);
      return columns ? { bank: mapping.bank.trim(), layout: null, header, columns } : null;
    },
    refusal: (path) => mapped.refusal(path),
  };
}

type Money = { ok: true; debit: number; credit: number } | { ok: false; message: string };

/** "1,250.00 Cr", "-500", "(500.00)": the amount in paise and which way it went, by its marker or its sign. */
function signedAmount(cell: Cell): { ok: true; paise: number; way: 'dr' | 'cr' | null } | { ok: false; reason: string } {
  if (typeof cell === 'number') {
    const parsed = parseAmount(Math.abs(cell), CURRENCY);
    return parsed.ok ? { ok: true, paise: parsed.value, way: cell < 0 ? 'dr' : null } : parsed;
  }
  let text = cellText(cell) ?? '';
  let way: 'dr' | 'cr' | null = null;
  const marker = /\s*\(?\b(dr|cr)\b\.?\)?$/i.exec(text);
  if (marker) {
    way = marker[1]!.toLowerCase() as 'dr' | 'cr';
    text = text.slice(0, marker.index);
  }
  const negative = /^[-–−]|^\(.*\)$/.test(text.trim());
  if (negative) text = text.trim().replace(/^[-–−]|^\(|\)$/g, '');
  const parsed = parseAmount(text, CURRENCY);
  return parsed.ok ? { ok: true, paise: parsed.value, way: way ?? (negative ? 'dr' : null) } : parsed;
}

function amountIn(row: SheetRow, at: number | null, name: string): { ok: true; paise: number } | { ok: false; message: string } {
  const cell = cellAt(row, at);
  if (cellText(cell) === null) return { ok: true, paise: 0 };
  const parsed = parseAmount(cell, CURRENCY);
  return parsed.ok ? { ok: true, paise: parsed.value } : { ok: false, message: `${name} ${parsed.reason}` };
}

function separateColumns(row: SheetRow, { header, columns }: Table): Money {
  const debitName = header[columns.debit!]!;
  const creditName = header[columns.credit!]!;
  const debit = amountIn(row, columns.debit, debitName);
  if (!debit.ok) return debit;
  const credit = amountIn(row, columns.credit, creditName);
  if (!credit.ok) return credit;
  if (debit.paise > 0 && credit.paise > 0) return { ok: false, message: `has both ${debitName} and ${creditName} filled` };
  if (debit.paise === 0 && credit.paise === 0) return { ok: false, message: `has neither ${debitName} nor ${creditName}` };
  return { ok: true, debit: debit.paise, credit: credit.paise };
}

function markedAmount(row: SheetRow, { header, columns }: Table): Money {
  const amountName = header[columns.amount!]!;
  const amount = signedAmount(cellAt(row, columns.amount));
  if (!amount.ok) return { ok: false, message: `${amountName} ${amount.reason}` };
  if (amount.paise === 0) return { ok: false, message: `has no ${amountName}` };
  const marker = cellText(cellAt(row, columns.drCr));
  const way = marker === null ? null : marker.toLowerCase().replace(/[^a-z]/g, '');
  if (way !== null && way !== 'dr' && way !== 'cr')
    return { ok: false, message: `${header[columns.drCr!]} says “${marker}”, not Dr or Cr` };
  const debit = (way ?? amount.way) === 'dr';
  return { ok: true, debit: debit ? amount.paise : 0, credit: debit ? 0 : amount.paise };
}

/** A balance in paise, negative when overdrawn ("500.00 Dr"); null when the column is missing, empty or unreadable. */
function balanceOf(row: SheetRow, columns: ColumnIndex): number | null {
  const cell = cellAt(row, columns.balance);
  if (cellText(cell) === null) return null;
  const balance = signedAmount(cell);
  if (!balance.ok) return null;
  return balance.way === 'dr' ? -balance.paise : balance.paise;
}

/** The reference column's text; the dash or run of zeros banks write where there is none is none. */
function referenceIn(cell: Cell): string | null {
  const text = cellText(cell);
  return text === null || /^[-0\s]+$/.test(text) ? null : text;
}

/** No statement FeeDesk reads goes back further: an earlier date is a misread or mistyped year. */
const FIRST_DATE = '2000-01-01';

/** Why a transaction date cannot be a line's, or null: a day still to come, or one before any statement FeeDesk reads. */
function dateOutOfRange(date: IsoDate, today: IsoDate): string | null {
  if (date > today) return 'is after today';
  if (date < FIRST_DATE) return 'is before 2000';
  return null;
}

type RowReading = { line: StatementLine } | { problem: StatementProblem } | 'skip' | 'end';

function readLine(row: SheetRow, table: Table, today: IsoDate): RowReading {
  const { columns, header } = table;
  const narration = cellText(cellAt(row, columns.narration)) ?? '';
  const dateCell = cellAt(row, columns.date);
  const date = parseDate(dateCell);
  // Only a row without a date ends the table: a payee may well be called "TOTAL …".
  const first = row.values.map(cellText).find((t) => t !== null) ?? '';
  if (!date.ok && (END_OF_TABLE.test(first) || END_OF_TABLE.test(narration))) return 'end';
  if (CARRIED.test(narration)) return 'skip';
  const money = columns.debit !== null && columns.credit !== null ? separateColumns(row, table) : markedAmount(row, table);
  // Separator rows (HDFC's row of asterisks) and narrations wrapped onto a row of their own carry no date and no money.
  if (!date.ok && !money.ok && !/\d/.test(cellText(dateCell) ?? '')) return 'skip';
  if (!date.ok) return { problem: { row: row.row, message: `${header[columns.date!]} ${date.reason}` } };
  const outOfRange = dateOutOfRange(date.value, today);
  if (outOfRange) return { problem: { row: row.row, message: `${header[columns.date!]} ${cellText(dateCell)} ${outOfRange}` } };
  if (!money.ok) return { problem: { row: row.row, message: money.message } };
  const { kind, ref, payerVpa, note } = parseNarration(narration);
  return {
    line: {
      row: row.row,
      date: date.value,
      narration,
      reference: ref ?? referenceIn(cellAt(row, columns.reference)),
      debit: money.debit,
      credit: money.credit,
      balance: balanceOf(row, columns),
      upi: kind === 'upi' ? { ref, payerVpa, note } : null,
      kind,
    },
  };
}

/**
 * The problem of a line the file already holds: the same day, the same money and the same reference (the same
 * narration where there is none). Two real payments of one amount on one day differ in their UTRs; a line a bank's
 * export repeats does not. `seen` keeps the first row of each line read so far.
 */
function repeatOf(line: StatementLine, seen: Map<string, number>): StatementProblem | null {
  const key = JSON.stringify([line.date, line.debit, line.credit, line.reference, line.reference === null ? line.narration : null]);
  const earlier = seen.get(key);
  if (earlier === undefined) {
    seen.set(key, line.row);
    return null;
  }
  const same = line.reference === null ? 'narration' : `reference ${line.reference}`;
  return { row: line.row, message: `repeats row ${earlier} (same date, amount and ${same})` };
}

export type StatementReading = { layout?: BankLayout } | { mapping: StatementMapping };

export interface StatementOptions {
  /** Lines dated after this day are problems; the machine's own date unless given. */
  today?: IsoDate;
}

/**
 * The lines of a bank statement, in the file's order, and the rows that could not be read. The bank is told from the
 * header row unless `how` gives its layout or a mapping of its columns; a file with no such header in its first rows is
 * refused, and so is a mapping that cannot read a statement.
 */
export async function readStatement(path: string, how: StatementReading = {}, options: StatementOptions = {}): Promise<Statement> {
  const finder = 'mapping' in how ? mappingHeader(how.mapping) : layoutHeader(how.layout);
  const today = options.today ?? dateIn(new Date());
  let table: Table | null = null;
  let account: string | null = null;
  let scanned = 0;
  const lines: StatementLine[] = [];
  const problems: StatementProblem[] = [];
  const seen = new Map<string, number>();
  for await (const row of readSheet(path)) {
    if (!table) {
      table = finder.tableIn(row);
      if (!table) account ??= accountNumberIn(texts(row));
      scanned += 1;
      if (!table && scanned >= HEADER_SCAN_ROWS) break;
      continue;
    }
    const reading = readLine(row, table, today);
    if (reading === 'end') break;
    if (reading === 'skip') continue;
    if ('problem' in reading) {
      problems.push(reading.problem);
      continue;
    }
    const repeat = repeatOf(reading.line, seen);
    if (repeat) problems.push(repeat);
    else lines.push(reading.line);
  }
  if (!table) throw finder.refusal(path);
  return { layout: table.layout, bank: table.bank, account, lines, problems };
}

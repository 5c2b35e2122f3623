// Reads the rows of a school's XLSX or CSV file one at a time, whatever its extension, encoding or delimiter, within
// limits that keep a huge or hostile file from eating the desk's memory or disk.
import { open, stat } from 'node:fs/promises';
import type { AppError } from '../../shared/contract/errors';
import { readCsvRows } from './csv';
import { columnLetters, count, fileProblem, sizeText } from './file-problems';
import type { Cell, ReadLimits, SheetRow } from './sheet';
import { readXlsxRows } from './xlsx';

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: ReadLimits = {
  maxBytes: 100 * MB,
  maxRows: 200_000,
  maxCellChars: 10_000,
  maxUnzippedBytes: 500 * MB,
};

/** The bytes the format and the text encoding are told from. */
const SNIFF_BYTES = 64 * 1024;

function openProblem(error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return fileProblem('the file is not there any more: was it moved or renamed?');
  if (code === 'EACCES' || code === 'EPERM') return fileProblem('FeeDesk may not read the file: check its permissions');
  if (code === 'EISDIR') return fileProblem('the path is a folder, not a file');
  return fileProblem(`the file cannot be read (${code ?? String(error)})`);
}

async function head(path: string): Promise<{ size: number; bytes: Buffer }> {
  try {
    const { size } = await stat(path);
    const file = await open(path);
    try {
      const bytes = Buffer.alloc(Math.min(size, SNIFF_BYTES));
      const { bytesRead } = await file.read(bytes, 0, bytes.length, 0);
      return { size, bytes: bytes.subarray(0, bytesRead) };
    } finally {
      await file.close();
    }
  } catch (error) {
    throw openProblem(error);
  }
}

const startsWith = (bytes: Buffer, signature: number[]) => signature.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const isBlank = (cell: Cell) => cell === null || (typeof cell === 'string' && cell.trim() === '');

function withoutTrailingBlanks(values: Cell[]): Cell[] {
  let end = values.length;
  while (end > 0 && isBlank(values[end - 1]!)) end -= 1;
  return end === values.length ? values : values.slice(0, end);
}

/** Drops empty rows and holds the rows and their cells to the limits, whichever format they came from. */
async function* withinLimits(rows: AsyncIterable<SheetRow>, limits: ReadLimits): AsyncGenerator<SheetRow> {
  let kept = 0;
  for await (const { row, values: all } of rows) {
    const values = withoutTrailingBlanks(all);
    if (values.length === 0) continue;
    const long = values.findIndex((v) => typeof v === 'string' && v.length > limits.maxCellChars);
    if (long >= 0) {
      const length = (values[long] as string).length;
      throw fileProblem(
        `row ${row}, column ${columnLetters(long + 1)} holds ${count(length)} characters; FeeDesk reads cells of up to ${count(limits.maxCellChars)}`,
      );
    }
    kept += 1;
    if (kept > limits.maxRows)
      throw fileProblem(
        `the file has more than ${count(limits.maxRows)} rows; FeeDesk imports up to ${count(limits.maxRows)} at a time: split it`,
      );
    yield { row, values };
  }
}

/**
 * The rows of the first sheet of an XLSX workbook or of a CSV file (told apart by their first bytes, not by the
 * name), with their row numbers in the file. Empty rows are skipped; empty cells are null. Stops with an
 * `invalid_input` error on the field `file` when the file is unreadable or beyond `limits`.
 */
export async function* readSheet(path: string, limits: Partial<ReadLimits> = {}): AsyncGenerator<SheetRow> {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  const { size, bytes } = await head(path);
  if (size > bounds.maxBytes) {
    throw fileProblem(`the file is ${sizeText(size, 'up')}; FeeDesk imports files up to ${sizeText(bounds.maxBytes, 'down')}: split it`);
  }
  if (startsWith(bytes, OLE)) {
    throw fileProblem(
      'the file is an Excel 97–2003 workbook (.xls) or a password-protected one: save it as an Excel Workbook (.xlsx) or CSV, without a password',
    );
  }
  const rows = startsWith(bytes, ZIP) ? readXlsxRows(path, bounds) : readCsvRows(path, bytes, size, bounds);
  yield* withinLimits(rows, bounds);
}

// Reads the first worksheet of an XLSX workbook with exceljs's streaming reader, after making sure the zip is sound
// and does not unzip past a bound.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/contract/errors';
import { count, fileProblem, sizeText } from './file-problems';
import type { Cell, ReadLimits, SheetRow } from './source';

/** Cells a sheet may hold per row allowed, on average: far past any school list, short of a sheet made to choke us. */
const CELLS_PER_ROW = 200;
const MAX_COLUMNS = 16_384; // XFD, Excel's last column
const MAX_PARTS = 10_000;

const READER_OPTIONS = { entries: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' } as const;

const unreadable = (why: string) => fileProblem(`the file is not a readable XLSX workbook (${why})`);

// ---- the zip, before exceljs opens it ---------------------------------------------------------------------------
//
// exceljs unzips every worksheet that comes before the shared strings (as in files Excel and exceljs write) into a temp
// file before it parses a row, so counting rows could only notice a zip bomb once it had filled the disk. The zip's
// directory is read here instead, and each part is unzipped once into nothing, counting, before exceljs starts.

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MARKER_32 = 0xffffffff;

interface Part {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await file.read(bytes, 0, length, position);
  if (bytesRead < length) throw unreadable('it is cut short');
  return bytes;
}

const u64 = (bytes: Buffer, at: number) => Number(bytes.readBigUInt64LE(at));

/** Where the directory is and how many parts it lists (ZIP64 records for very large zips included). */
async function directoryOf(file: FileHandle, size: number): Promise<{ entries: number; offset: number; length: number }> {
  const tailStart = Math.max(0, size - 22 - 0xffff);
  const tail = await readAt(file, tailStart, size - tailStart);
  // The record ends the file but for its own comment, which may hold anything: look from the end for one that fits.
  let at = tail.length - 22;
  while (at >= 0 && !(tail.readUInt32LE(at) === END_OF_DIRECTORY && at + 22 + tail.readUInt16LE(at + 20) === tail.length)) at -= 1;
  if (at < 0) throw unreadable('it is damaged or cut short: its zip directory is missing');
  const entries = tail.readUInt16LE(at + 10);
  const length = tail.readUInt32LE(at + 12);
  const offset = tail.readUInt32LE(at + 16);
  if (entries !== 0xffff && length !== MARKER_32 && offset !== MARKER_32) return { entries, offset, length };
  const locator = at >= 20 ? tail.subarray(at - 20, at) : Buffer.alloc(0);
  if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw unreadable('it is damaged: its zip directory is incomplete');
  const end = await readAt(file, u64(locator, 8), 56);
  if (end.readUInt32LE(0) !== ZIP64_END_OF_DIRECTORY) throw unreadable('it is damaged: its zip directory is incomplete');
  return { entries: u64(end, 32), offset: u64(end, 48), length: u64(end, 40) };
}

/** Sizes too large for 32 bits sit in the entry's ZIP64 extra field, in this order, only for those marked. */
function zip64Sizes(extra: Buffer, part: Part): Part {
  for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2)) {
    if (extra.readUInt16LE(at) !== 1) continue;
    let field = at + 4;
    const next = () => {
      const value = field + 8 <= extra.length ? u64(extra, field) : Number.POSITIVE_INFINITY;
      field += 8;
      return value;
    };
    const size = part.size === MARKER_32 ? next() : part.size;
    const compressedSize = part.compressedSize === MARKER_32 ? next() : part.compressedSize;
    const offset = part.offset === MARKER_32 ? next() : part.offset;
    return { ...part, size, compressedSize, offset };
  }
  return part;
}

function partsIn(directory: Buffer, entries: number): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (let i = 0; i < entries; i += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY) throw unreadable('it is damaged: its zip directory is broken');
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const part: Part = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    };
    parts.push(zip64Sizes(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), part));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return parts;
}

class TooBig extends Error {}

/** How far one part really unzips (its directory may say less), up to `budget`, past which it throws TooBig. */
async function unzippedSize(path: string, file: FileHandle, part: Part, budget: number): Promise<number> {
  const local = await readAt(file, part.offset, 30);
  if (local.readUInt32LE(0) !== LOCAL_HEADER) throw unreadable(`it is damaged: ${part.name} is not where its directory says`);
  const start = part.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (part.method === 0 || part.compressedSize === 0) {
    if (part.compressedSize > budget) throw new TooBig();
    return part.compressedSize;
  }
  let total = 0;
  try {
    await pipeline(createReadStream(path, { start, end: start + part.compressedSize - 1 }), createInflateRaw(), async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        total += chunk.length;
        if (total > budget) throw new TooBig();
      }
    });
  } catch (error) {
    // Stopping the pipeline aborts the inflater, and that abort may be the error it reports.
    throw total > budget ? new TooBig() : error;
  }
  return total;
}

async function checkParts(path: string, file: FileHandle, parts: Part[], maxUnzipped: number): Promise<void> {
  const tooBig = fileProblem(`the workbook unzips to more than ${sizeText(maxUnzipped, 'down')}, more than FeeDesk reads: split it (a small file that unzips this far may be a zip bomb)`);
  if (parts.reduce((sum, p) => sum + p.size, 0) > maxUnzipped) throw tooBig;
  let used = 0;
  for (const part of parts) {
    if (part.flags & 1) throw fileProblem('the workbook is password-protected: save it again without a password');
    if (part.method !== 0 && part.method !== 8) throw unreadable(`${part.name} is compressed in a way FeeDesk cannot read (method ${part.method})`);
    try {
      used += await unzippedSize(path, file, part, maxUnzipped - used);
    } catch (error) {
      if (error instanceof TooBig) throw tooBig;
      if (error instanceof AppError) throw error;
      throw unreadable(`${part.name} is damaged: ${(error as Error).message}`);
    }
  }
}

/** Refuses a damaged zip, a zip without a workbook, and one that unzips past `maxUnzipped` bytes. */
async function checkPackage(path: string, maxUnzipped: number): Promise<void> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const directory = await directoryOf(file, size);
    if (directory.entries > MAX_PARTS) throw unreadable(`it lists ${count(directory.entries)} parts, where a workbook has a few dozen`);
    if (directory.offset + directory.length > size) throw unreadable('it is damaged or cut short: its zip directory points past its end');
    const parts = partsIn(await readAt(file, directory.offset, directory.length), directory.entries);
    if (!parts.some((p) => p.name === 'xl/workbook.xml')) throw unreadable('it is a zip file with no workbook inside');
    if (!parts.some((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p.name))) throw fileProblem('the workbook has no worksheet FeeDesk can read');
    await checkParts(path, file, parts, maxUnzipped);
  } finally {
    await file.close();
  }
}

// ---- the rows ---------------------------------------------------------------------------------------------------

/** A cell as the user sees it: rich text and hyperlinks as their text, formulas as their result, errors as #N/A etc. */
function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if ('richText' in value) return cellOf(value.richText.map((run) => run.text ?? '').join(''));
  if ('formula' in value || 'sharedFormula' in value) return cellOf(value.result ?? null);
  if ('error' in value) return value.error;
  return cellOf(value.text);
}

function valuesOf(row: ExcelJS.Row): Cell[] {
  if (row.cellCount > MAX_COLUMNS) throw unreadable(`row ${row.number} has cells past column XFD, Excel's last`);
  const values = new Array<Cell>(row.cellCount).fill(null);
  row.eachCell((cell, column) => {
    values[column - 1] = cellOf(cell.value);
  });
  return values;
}

/**
 * The rows of the workbook's first worksheet. Dates in date-formatted cells come as Date (midnight UTC); a merged
 * area's value is in its top-left cell, the rest of it is empty.
 */
export async function* readXlsxRows(path: string, limits: ReadLimits): AsyncGenerator<SheetRow> {
  await checkPackage(path, limits.maxUnzippedBytes);
  const maxCells = limits.maxRows * CELLS_PER_ROW;
  const input = createReadStream(path);
  let cells = 0;
  let last = 0;
  try {
    for await (const worksheet of new ExcelJS.stream.xlsx.WorkbookReader(input, READER_OPTIONS)) {
      for await (const row of worksheet) {
        cells += Math.max(1, row.cellCount);
        if (cells > maxCells) {
          throw fileProblem(`the sheet has more than ${count(maxCells)} cells; FeeDesk imports up to ${count(limits.maxRows)} rows of ${CELLS_PER_ROW} at a time: split it`);
        }
        // Some writers leave out row numbers: such a row follows the one before.
        last = Number.isInteger(row.number) && row.number > 0 ? row.number : last + 1;
        yield { row: last, values: valuesOf(row) };
      }
      return;
    }
  } catch (error) {
    throw error instanceof AppError ? error : unreadable((error as Error).message);
  } finally {
    input.destroy();
  }
  throw fileProblem('the workbook has no worksheet FeeDesk can read');
}

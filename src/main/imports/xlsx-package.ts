// Opens an XLSX file's zip for exceljs's streaming reader: refuses a damaged one or one that unzips past a bound, and
// hands exceljs only the parts it needs to read the first sheet, shared strings first.
//
// Why not give exceljs the file itself: exceljs unzips every worksheet that comes before the shared strings (as they
// do in files Excel and exceljs write) into a temp file before it parses a row, and only removes a temp file once the
// caller has asked for the next sheet. Counting rows could then only notice a zip bomb after it had filled the disk,
// and every read left copies of the student list in the temp folder. So the zip's directory is read here, the parts
// exceljs will read are unzipped once into nothing, counting, and exceljs gets a stream of just those parts.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { count, fileProblem, sizeText } from './file-problems';

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MARKER_32 = 0xffffffff;
const MAX_PARTS = 10_000;
const STORED = 0;
const DEFLATED = 8;

export const unreadable = (why: string) => fileProblem(`the file is not a readable XLSX workbook (${why})`);

interface Part {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the part's local header starts. */
  offset: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await file.read(bytes, 0, length, position);
  if (bytesRead < length) throw unreadable('it is cut short');
  return bytes;
}

const u64 = (bytes: Buffer, at: number) => Number(bytes.readBigUInt64LE(at));

/** Where the directory is and how many parts it lists (ZIP64 records included). */
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
function withZip64Sizes(extra: Buffer, part: Part): Part {
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
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY)
      throw unreadable('it is damaged: its zip directory is broken');
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const part: Part = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    };
    parts.push(withZip64Sizes(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), part));
    at += 46 + nameLength + extraLength + directory.readUInt16LE(at + 32);
  }
  return parts;
}

/**
 * The parts exceljs needs for the first sheet, in the order that lets it stream the sheet: the workbook's part list
 * and sheet names, the styles (which say which numbers are dates), the shared strings, then the sheet. Excel numbers
 * the sheet files in tab order, so the first sheet is the one with the lowest number.
 */
function partsToRead(parts: Part[]): { parts: Part[]; hasSharedStrings: boolean } {
  const named = (name: string) => parts.find((p) => p.name === name);
  const workbook = named('xl/workbook.xml');
  if (!workbook) throw unreadable('it is a zip file with no workbook inside');
  const rels = named('xl/_rels/workbook.xml.rels');
  if (!rels) throw unreadable('it is damaged: the list of its parts is missing');
  const sheetNumber = (p: Part) => Number(/^xl\/worksheets\/sheet(\d+)\.xml$/.exec(p.name)?.[1] ?? Number.NaN);
  const [sheet] = parts.filter((p) => !Number.isNaN(sheetNumber(p))).sort((a, b) => sheetNumber(a) - sheetNumber(b));
  if (!sheet) throw fileProblem('the workbook has no worksheet FeeDesk can read');
  const sharedStrings = named('xl/sharedStrings.xml');
  const chosen = [rels, workbook, named('xl/styles.xml'), sharedStrings, sheet].filter((p): p is Part => p !== undefined);
  return { parts: chosen, hasSharedStrings: sharedStrings !== undefined };
}

class TooBig extends Error {}

/** Where a part's compressed bytes start (its local header's name and extra field may differ from the directory's). */
async function dataStart(file: FileHandle, part: Part): Promise<number> {
  const local = await readAt(file, part.offset, 30);
  if (local.readUInt32LE(0) !== LOCAL_HEADER) throw unreadable(`it is damaged: ${part.name} is not where its directory says`);
  return part.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/** How far one part really unzips (its directory may say less), up to `budget`, past which it throws TooBig. */
async function unzippedSize(path: string, part: Part, start: number, budget: number): Promise<number> {
  if (part.method === STORED || part.compressedSize === 0) {
    if (part.compressedSize > budget) throw new TooBig();
    return part.compressedSize;
  }
  let total = 0;
  try {
    await pipeline(
      createReadStream(path, { start, end: start + part.compressedSize - 1 }),
      createInflateRaw(),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          total += chunk.length;
          if (total > budget) throw new TooBig();
        }
      },
    );
  } catch (error) {
    // Stopping the pipeline aborts the inflater, and that abort may be the error it reports.
    throw total > budget ? new TooBig() : error;
  }
  return total;
}

/** Each part's data offset, once all of them have been found to unzip within `maxUnzipped` bytes together. */
async function checkParts(path: string, file: FileHandle, parts: Part[], maxUnzipped: number): Promise<number[]> {
  const tooBig = fileProblem(
    `the workbook unzips to more than ${sizeText(maxUnzipped, 'down')}, more than FeeDesk reads: split it (a small file that unzips this far may be a zip bomb)`,
  );
  if (parts.reduce((sum, p) => sum + p.size, 0) > maxUnzipped) throw tooBig;
  const starts: number[] = [];
  let used = 0;
  for (const part of parts) {
    if (part.flags & 1) throw fileProblem('the workbook is password-protected: save it again without a password');
    if (part.method !== STORED && part.method !== DEFLATED)
      throw unreadable(`${part.name} is compressed in a way FeeDesk cannot read (method ${part.method})`);
    const start = await dataStart(file, part);
    try {
      used += await unzippedSize(path, part, start, maxUnzipped - used);
    } catch (error) {
      if (error instanceof TooBig) throw tooBig;
      throw unreadable(`${part.name} is damaged: ${(error as Error).message}`);
    }
    starts.push(start);
  }
  return starts;
}

/** A local header exceljs's unzipper reads without surprises: sizes given up front, no extra fields. */
function localHeader(part: Pick<Part, 'name' | 'method' | 'crc' | 'compressedSize' | 'size'>): Buffer {
  const name = Buffer.from(part.name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x0800, 6); // the name is UTF-8
  header.writeUInt16LE(part.method, 8);
  header.writeUInt32LE(part.crc, 14);
  header.writeUInt32LE(part.compressedSize, 18);
  header.writeUInt32LE(part.size, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

// A workbook without shared strings (every text inline) gets an empty table, or exceljs would set its sheet aside.
const NO_SHARED_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
);

async function* partsStream(path: string, parts: Part[], starts: number[], hasSharedStrings: boolean): AsyncGenerator<Buffer> {
  for (const [i, part] of parts.entries()) {
    if (!hasSharedStrings && part.name.startsWith('xl/worksheets/')) {
      const size = NO_SHARED_STRINGS.length;
      yield localHeader({ name: 'xl/sharedStrings.xml', method: STORED, crc: crc32(NO_SHARED_STRINGS), compressedSize: size, size });
      yield NO_SHARED_STRINGS;
    }
    yield localHeader(part);
    if (part.compressedSize > 0) yield* createReadStream(path, { start: starts[i]!, end: starts[i]! + part.compressedSize - 1 });
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  yield end;
}

/**
 * The zip exceljs should read for the file's first sheet, after refusing a damaged zip, a zip that is no workbook and
 * one whose parts unzip past `maxUnzipped` bytes. Nothing is read from the file until the stream is.
 */
export async function firstSheetPackage(path: string, maxUnzipped: number): Promise<Readable> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const directory = await directoryOf(file, size);
    if (directory.entries > MAX_PARTS) throw unreadable(`it lists ${count(directory.entries)} parts, where a workbook has a few dozen`);
    if (directory.offset + directory.length > size) throw unreadable('it is damaged or cut short: its zip directory points past its end');
    const { parts, hasSharedStrings } = partsToRead(partsIn(await readAt(file, directory.offset, directory.length), directory.entries));
    const starts = await checkParts(path, file, parts, maxUnzipped);
    return Readable.from(partsStream(path, parts, starts, hasSharedStrings));
  } finally {
    await file.close();
  }
}

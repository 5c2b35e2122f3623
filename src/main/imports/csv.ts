// Reads a CSV file as Excel would open it: the encoding told from the bytes (UTF-8, UTF-16, or the Windows-1252 that
// older Excel saves), the delimiter from the first line, quoted cells with line breaks inside. Streams throughout.
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../../shared/contract/errors';
import { count, fileProblem } from './file-problems';
import type { ReadLimits, SheetRow } from './sheet';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const DELIMITERS = [',', ';', '\t'] as const;
/** Enough text to hold any header line; a file whose first line is longer is read as one column. */
const FIRST_LINE_CHARS = 1024 * 1024;
const hasNonAscii = (text: string) => /[^\x00-\x7f]/.test(text);

/**
 * UTF-16 without a byte-order mark shows as zero bytes on one side of every ASCII character (letters of other scripts
 * have none); a stray zero is left to the text, and zeros on both sides mean a binary file.
 */
function zeroBytePattern(head: Buffer): Encoding | 'binary' | null {
  const sample = head.subarray(0, 4096);
  let even = 0;
  let odd = 0;
  sample.forEach((b, i) => {
    if (b === 0 && i % 2 === 0) even += 1;
    else if (b === 0) odd += 1;
  });
  const zeros = even + odd;
  if (zeros <= sample.length / 100) return null;
  if (zeros >= sample.length / 20 && odd >= even * 4) return 'utf-16le';
  if (zeros >= sample.length / 20 && even >= odd * 4) return 'utf-16be';
  return 'binary';
}

/** Whether bytes after a pure-ASCII start are UTF-8: the first non-ASCII text decides, so the scan usually stops early. */
async function restIsUtf8(path: string, from: number): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(path, { start: from })) {
    try {
      if (hasNonAscii(decoder.decode(chunk as Buffer, { stream: true }))) return true;
    } catch {
      return false;
    }
  }
  return true;
}

async function encodingOf(path: string, head: Buffer, size: number): Promise<Encoding> {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const zeros = zeroBytePattern(head);
  if (zeros === 'binary') throw fileProblem('the file is neither a CSV file nor an XLSX workbook: it holds binary data');
  if (zeros) return zeros;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'windows-1252';
  }
  if (hasNonAscii(text) || head.length === size) return 'utf-8';
  // So far only ASCII, which reads the same in both: a name with an accent further down decides.
  return (await restIsUtf8(path, head.length)) ? 'utf-8' : 'windows-1252';
}

/** The file as text, a chunk at a time (the decoders keep a character split across chunks whole). */
async function* textOf(path: string, encoding: Encoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  let offset = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      yield decoder.decode(chunk as Buffer, { stream: true });
      offset += (chunk as Buffer).length;
    }
    yield decoder.decode();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
    throw fileProblem(`the file mixes text encodings (the bytes near byte ${count(offset)} are not UTF-8): save it again as “CSV UTF-8”`);
  }
}

/** The first line with something on it (a line break inside quotes does not end a line), once it has all come. */
function firstLine(text: string, complete: boolean): string | null {
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      const line = text.slice(start, i);
      if (line.trim() !== '') return line;
      start = i + 1;
    }
  }
  return complete || text.length >= FIRST_LINE_CHARS ? text.slice(start) : null;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let n = 0;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === delimiter) n += 1;
  }
  return n;
}

interface Layout {
  delimiter: string;
  /** Excel's own hint line ("sep=;"), which Excel hides and so is not a row. */
  hintLine: boolean;
}

function layoutOf(line: string): Layout {
  const hint = /^sep=(.)$/i.exec(line.trim());
  if (hint) return { delimiter: hint[1]!, hintLine: true };
  const counts = DELIMITERS.map((d) => countOutsideQuotes(line, d));
  const best = counts.indexOf(Math.max(...counts));
  return { delimiter: DELIMITERS[best] ?? ',', hintLine: false };
}

/** Reads text until the first line is known: its layout, and the text read so far followed by the rest. */
async function layoutAndText(text: AsyncGenerator<string>): Promise<{ layout: Layout; all: AsyncGenerator<string> }> {
  let start = '';
  let line: string | null = null;
  while (line === null) {
    const next = await text.next();
    if (!next.done) start += next.value;
    line = firstLine(start, next.done === true);
  }
  async function* all() {
    yield start;
    yield* text;
  }
  return { layout: layoutOf(line), all: all() };
}

/** How long one row may grow while it is read: room for many full cells, short of an unclosed quote eating the file. */
const recordChars = (limits: ReadLimits) => Math.max(1_000_000, limits.maxCellChars * 20);

function csvProblem(error: unknown, rowOffset: number, limits: ReadLimits): unknown {
  if (!(error instanceof CsvError)) return error;
  const row = Number(error['records'] ?? 0) + 1 - rowOffset;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return fileProblem(`row ${row} opens a quote (") that is never closed`);
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return fileProblem(`row ${row} runs past ${count(recordChars(limits))} characters: is a quote (") never closed?`);
  }
  return fileProblem(`the file is not a readable CSV file (row ${row}: ${error.message})`);
}

/** The rows of a CSV file (`head` is its first bytes), numbered as Excel shows them; empty cells are null. */
export async function* readCsvRows(path: string, head: Buffer, size: number, limits: ReadLimits): AsyncGenerator<SheetRow> {
  const { layout, all } = await layoutAndText(textOf(path, await encodingOf(path, head, size)));
  const parser = parse({
    delimiter: layout.delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: recordChars(limits),
  });
  // Errors from either end come out of the parser's iterator; ending the iteration early closes the file.
  pipeline(Readable.from(all), parser, () => {});
  const rowOffset = layout.hintLine ? 1 : 0;
  let row = -rowOffset;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      if (row < 1) continue;
      yield { row, values: record.map((v) => (v === '' ? null : v)) };
    }
  } catch (error) {
    throw error instanceof AppError ? error : csvProblem(error, rowOffset, limits);
  }
}

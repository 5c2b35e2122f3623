// Reads the committed fixtures (test/fixtures/import, written by make-fixtures.ts) and files made here on the spot:
// oversized, malformed and hostile ones.
import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHeader } from '../../src/main/imports/headers';
import type { ReadLimits, SheetRow } from '../../src/main/imports/sheet';
import { readSheet } from '../../src/main/imports/source';
import { parseDate } from '../../src/main/imports/values';

const FIXTURES = join(import.meta.dirname, '../fixtures/import');
const fixture = (name: string) => join(FIXTURES, name);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feedesk-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const temp = (name: string) => join(dir, name);

async function readAll(path: string, limits?: Partial<ReadLimits>): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path, limits)) rows.push(row);
  return rows;
}

const fileError = (message: string | RegExp) =>
  expect.objectContaining({
    code: 'invalid_input',
    field: 'file',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });

/**
 * Heap and buffers in use after a full collection: what the reader holds on to, not garbage waiting to be swept. V8
 * frees dead buffers on a background thread after a collection, and on a busy machine that thread lags (a CI run once
 * counted 16 MB of them); the second collection waits for the first one's sweeping to finish.
 */
function retainedBytes(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Samples `retainedBytes` while work runs, each sample `gapMs` after the last one ended, so that on a busy machine the
 * collections never crowd out the work they measure (back-to-back samples once made a one-second test take 43).
 */
function sampleRetained(gapMs: number): { stop(): { peak: number; samples: number } } {
  let peak = 0;
  let samples = 0;
  let timer: NodeJS.Timeout;
  const sample = (): void => {
    peak = Math.max(peak, retainedBytes());
    samples += 1;
    timer = setTimeout(sample, gapMs);
  };
  timer = setTimeout(sample, gapMs);
  return {
    stop: () => {
      clearTimeout(timer);
      return { peak, samples };
    },
  };
}

// ---- a tiny zip writer, for workbooks no spreadsheet program would write ------------------------------------------

interface ZipPart {
  name: string;
  data?: Buffer;
  /** Already deflated bytes (for a bomb too big to hold unzipped). */
  deflated?: Buffer;
  /** What the directory claims the part unzips to. */
  declaredSize?: number;
}

function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const body = part.deflated ?? deflateRawSync(part.data ?? Buffer.alloc(0));
    const crc = part.data ? crc32(part.data) : 0;
    const size = part.declaredSize ?? part.data?.length ?? 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    directory.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a one-sheet workbook, around the sheet's XML (or its deflated bytes). */
function workbookParts(sheet: Omit<ZipPart, 'name'>): ZipPart[] {
  const xml = (text: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${text}`);
  return [
    {
      name: '[Content_Types].xml',
      data: xml(
        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
      ),
    },
    {
      name: '_rels/.rels',
      data: xml(
        `<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: xml(
        `<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        `<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', ...sheet },
  ];
}

function columnName(n: number): string {
  return n <= 26 ? String.fromCharCode(64 + n) : columnName(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26));
}

/** A sheet of `rows` × `columns` numbers. */
function gridSheet(rows: number, columns: number): Buffer {
  const lines = [`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}"><sheetData>`];
  for (let r = 1; r <= rows; r += 1) {
    let line = `<row r="${r}">`;
    for (let c = 1; c <= columns; c += 1) line += `<c r="${columnName(c)}${r}"><v>${r * c}</v></c>`;
    lines.push(`${line}</row>`);
  }
  lines.push('</sheetData></worksheet>');
  return Buffer.from(lines.join(''));
}

/** Deflated bytes that unzip to `size` bytes of sheet rows, made without ever holding them unzipped. */
async function deflatedRows(size: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const chunk = Buffer.from('<row><c><v>1</v></c></row>'.repeat(40_000));
  for (let written = 0; written < size; written += chunk.length) {
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat(out);
}

// ---- XLSX -------------------------------------------------------------------------------------------------------

describe('reading an XLSX workbook', () => {
  it('gives date cells as Dates, serial numbers as numbers and typed dates as text, each readable as a date', async () => {
    const rows = await readAll(fixture('students-mixed-dates.xlsx'));
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0]!.values).toEqual(['Adm No', 'Student Name', 'Date of Birth', 'Joined On']);
    expect(rows[1]!.values).toEqual(['A-101', 'Aarav Sharma', new Date('2012-04-12T00:00:00Z'), new Date('2024-06-03T00:00:00Z')]);
    expect(rows[2]!.values).toEqual(['A-102', 'Diya Patel', 41011, '03/06/2024']);
    expect(rows[6]!.values[3]).toEqual(new Date('2024-06-03T10:30:00Z'));

    const read = (column: number) => rows.slice(1).map((r) => parseDate(r.values[column] ?? null));
    expect(read(2)).toEqual([
      { ok: true, value: '2012-04-12' },
      { ok: true, value: '2012-04-12' },
      { ok: true, value: '2012-11-30' },
      { ok: true, value: '2012-11-30' },
      { ok: true, value: '2012-01-05' },
      { ok: false, reason: 'is not a real date (February 2012 has 29 days)' },
    ]);
    expect(read(3).map((d) => d.ok && d.value)).toEqual(Array(6).fill('2024-06-03'));
  });

  it('reads a merged title row as its first cell, a header with line breaks as written, and skips empty ruled rows', async () => {
    const rows = await readAll(fixture('students-merged-header.xlsx'));
    expect(rows).toEqual([
      { row: 1, values: ['St. Mary’s Convent School — Students 2026-27'] },
      {
        row: 3,
        values: ['Adm.\nNo', 'Student\nName', 'Class', 'Father’s /\nGuardian Name', 'Mobile\n(Father)', 'Annual Fee\n(₹)', 'Email'],
      },
      { row: 4, values: ['SM/2026/001', 'Ananya Rao', 'V', 'Suresh Rao', 9845012345, 45000] },
      { row: 5, values: ['SM/2026/002', 'Ishaan Menon', 'VI', 'Priya Menon', '+91 98450 54321', 49500] },
      { row: 6, values: ['SM/2026/003', 'Kavya Nair', 'VII', 'Anil Nair', '098450-11111', '52,500.00', 'kavya.n@example.com'] },
    ]);
    const fields = [
      { key: 'admissionNo', label: 'Admission number', required: true, aliases: ['Adm No'] },
      { key: 'fullName', label: 'Student name', required: true, aliases: [] },
    ];
    expect(findHeader(rows, fields)).toMatchObject({ headerRow: 3, columns: { admissionNo: 0, fullName: 1 } });
  });

  it('tells the format from the bytes, not the name', async () => {
    await copyFile(fixture('students-merged-header.xlsx'), temp('named-wrong.csv'));
    await copyFile(fixture('students-bom.csv'), temp('named-wrong.xlsx'));
    expect((await readAll(temp('named-wrong.csv')))[2]!.values[1]).toBe('Ananya Rao');
    expect((await readAll(temp('named-wrong.xlsx')))[1]!.values[1]).toBe('Zoë Fernandes');
  });

  it('refuses a file that starts like a zip but is not one', async () => {
    await expect(readAll(fixture('not-a-workbook.xlsx'))).rejects.toThrow(
      fileError('the file is not a readable XLSX workbook (it is damaged or cut short: its zip directory is missing)'),
    );
  });

  it('refuses a workbook cut short, a zip without a workbook, and an old .xls', async () => {
    const whole = await readFile(fixture('students-merged-header.xlsx'));
    await writeFile(temp('cut.xlsx'), whole.subarray(0, whole.length - 100));
    await expect(readAll(temp('cut.xlsx'))).rejects.toThrow(fileError(/^the file is not a readable XLSX workbook \(it is damaged/));

    await writeFile(temp('document.xlsx'), zip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]));
    await expect(readAll(temp('document.xlsx'))).rejects.toThrow(
      fileError('the file is not a readable XLSX workbook (it is a zip file with no workbook inside)'),
    );

    await writeFile(temp('old.xls'), Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
    await expect(readAll(temp('old.xls'))).rejects.toThrow(fileError(/^the file is an Excel 97–2003 workbook \(\.xls\)/));
  });

  it('refuses a damaged sheet inside a sound zip', async () => {
    const parts = workbookParts({ data: Buffer.from(`<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`) });
    const damaged = parts.map((p) =>
      p.name === 'xl/worksheets/sheet1.xml' ? { ...p, data: Buffer.from('<worksheet><sheetData><row></worksheet>') } : p,
    );
    await writeFile(temp('damaged-sheet.xlsx'), zip(damaged));
    await expect(readAll(temp('damaged-sheet.xlsx'))).rejects.toThrow(fileError(/^the file is not a readable XLSX workbook \(/));
  });

  it('can be left after a few rows, and read again, leaving no unzipped copy in the temp folder', async () => {
    const tempCopies = async () => (await readdir(tmpdir())).filter((f) => f.startsWith(`tmp-${process.pid}`)).length;
    const before = await tempCopies();
    for (let i = 0; i < 3; i += 1) {
      for await (const row of readSheet(fixture('students-merged-header.xlsx'))) if (row.row === 4) break;
    }
    expect(await readAll(fixture('students-merged-header.xlsx'))).toHaveLength(5);
    expect(await tempCopies()).toBe(before);
  });

  it('reads the lowest-numbered sheet, with shared or inline strings, whatever order the zip holds its parts in', async () => {
    const sheet = (text: string) =>
      Buffer.from(
        `<worksheet xmlns="${MAIN}"><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>${text}</t></is></c></row></sheetData></worksheet>`,
      );
    const parts = workbookParts({ data: sheet('first') });
    const shuffled = [
      { name: 'xl/worksheets/sheet2.xml', data: sheet('second') },
      parts[4]!,
      { name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst xmlns="${MAIN}"><si><t>shared</t></si></sst>`) },
      ...parts.slice(0, 4).reverse(),
    ];
    await writeFile(temp('shuffled.xlsx'), zip(shuffled));
    expect(await readAll(temp('shuffled.xlsx'))).toEqual([{ row: 2, values: [null, 'shared', 'first'] }]);
  });

  it('never unzips the sheets after the first', async () => {
    const bomb = { name: 'xl/worksheets/sheet2.xml', deflated: await deflatedRows(64 * 1024 * 1024), declaredSize: 1000 };
    await writeFile(temp('bomb-in-second-sheet.xlsx'), zip([...workbookParts({ data: gridSheet(2, 3) }), bomb]));
    expect(await readAll(temp('bomb-in-second-sheet.xlsx'), { maxUnzippedBytes: 1024 * 1024 })).toEqual([
      { row: 1, values: [1, 2, 3] },
      { row: 2, values: [2, 4, 6] },
    ]);
  });
});

// ---- CSV --------------------------------------------------------------------------------------------------------

describe('reading a CSV file', () => {
  it('drops a UTF-8 byte-order mark and skips empty lines', async () => {
    expect(await readAll(fixture('students-bom.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Student Name', 'Class', 'Mobile'] },
      { row: 2, values: ['A-201', 'Zoë Fernandes', 'IV', '9845012345'] },
      { row: 3, values: ['A-202', 'Renée D’Souza', 'IV', '+91 98450 12346'] },
    ]);
  });

  it('finds a ; delimiter and reads quoted cells with ; and line breaks inside, numbering rows as Excel does', async () => {
    expect(await readAll(fixture('students-semicolon.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Student Name', 'Address', 'Mobile'] },
      { row: 2, values: ['A-301', 'Nair; Kavya', '12 MG Road\nBengaluru; KA', '98450 12347'] },
      { row: 4, values: ['A-302', 'Arjun Rao', 'House 5, "Green View"', '98450 12348'] },
    ]);
  });

  it('reads Windows-1252 bytes (Excel’s plain CSV) as the names they are', async () => {
    expect(await readAll(fixture('students-cp1252.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Student Name', 'Guardian', 'Note'] },
      { row: 2, values: ['A-401', 'José Núñez', 'María Núñez', '“new”'] },
      { row: 3, values: ['A-402', 'Zoë D’Souza', 'Ana D’Souza', 'fee €1200 – paid'] },
    ]);
  });

  it('reads UTF-16 with a byte-order mark (Excel’s Unicode Text, tab-separated)', async () => {
    expect(await readAll(fixture('students-utf16.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Student Name', 'Class'] },
      { row: 2, values: ['A-501', 'अनन्या शर्मा', 'II'] },
      { row: 3, values: ['A-502', 'Zoë Lee', 'II'] },
    ]);
  });

  it('reads UTF-16 without a byte-order mark, little- or big-endian', async () => {
    const text = 'Name\tClass\r\nZoë\tII\r\n';
    await writeFile(temp('utf16le.csv'), Buffer.from(text, 'utf16le'));
    await writeFile(temp('utf16be.csv'), Buffer.from(text, 'utf16le').swap16());
    for (const name of ['utf16le.csv', 'utf16be.csv']) {
      expect(await readAll(temp(name)), name).toEqual([
        { row: 1, values: ['Name', 'Class'] },
        { row: 2, values: ['Zoë', 'II'] },
      ]);
    }
  });

  it('tells Windows-1252 from UTF-8 even when the first accented name comes after the first 64 KB', async () => {
    const ascii = 'Adm No,Name\n' + Array.from({ length: 5000 }, (_, i) => `A-${i},Student number ${i}\n`).join('');
    await writeFile(temp('late-accent-1252.csv'), Buffer.concat([Buffer.from(ascii), Buffer.from('A-9,Jos\xe9\n', 'latin1')]));
    await writeFile(temp('late-accent-utf8.csv'), Buffer.from(`${ascii}A-9,José\n`));
    expect((await readAll(temp('late-accent-1252.csv'))).at(-1)).toEqual({ row: 5002, values: ['A-9', 'José'] });
    expect((await readAll(temp('late-accent-utf8.csv'))).at(-1)).toEqual({ row: 5002, values: ['A-9', 'José'] });
  });

  it('refuses a file that mixes UTF-8 with other bytes', async () => {
    const start = 'Adm No,Name\nA-1,Zoë\n' + 'A-2,Aarav\n'.repeat(8000);
    await writeFile(temp('mixed.csv'), Buffer.concat([Buffer.from(start), Buffer.from('A-3,Jos\xe9\n', 'latin1')]));
    await expect(readAll(temp('mixed.csv'))).rejects.toThrow(
      fileError(/^the file mixes text encodings \(the bytes near byte [\d,]+ are not UTF-8\): save it again as “CSV UTF-8”$/),
    );
  });

  it('finds a tab delimiter, and follows Excel’s sep= line without counting it as a row', async () => {
    await writeFile(temp('tabs.csv'), 'Adm No\tName, full\tClass\nA-1\tRao, Ananya\tV\n');
    expect(await readAll(temp('tabs.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Name, full', 'Class'] },
      { row: 2, values: ['A-1', 'Rao, Ananya', 'V'] },
    ]);
    await writeFile(temp('sep.csv'), 'sep=;\r\nAdm No;Name\r\nA-1;Rao, Ananya\r\n');
    expect(await readAll(temp('sep.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Name'] },
      { row: 2, values: ['A-1', 'Rao, Ananya'] },
    ]);
  });

  it('reads rows of uneven length and stray quotes inside cells', async () => {
    await writeFile(temp('ragged.csv'), 'Adm No,Name,Class\nA-1,Ravi "Chotu" Kumar\nA-2,Sita,V,extra\n');
    expect(await readAll(temp('ragged.csv'))).toEqual([
      { row: 1, values: ['Adm No', 'Name', 'Class'] },
      { row: 2, values: ['A-1', 'Ravi "Chotu" Kumar'] },
      { row: 3, values: ['A-2', 'Sita', 'V', 'extra'] },
    ]);
  });

  it('refuses a quote that is never closed, naming its row', async () => {
    await writeFile(temp('open-quote.csv'), 'Adm No,Name\nA-1,Aarav\nA-2,"Diya\nA-3,Kabir\n');
    await expect(readAll(temp('open-quote.csv'))).rejects.toThrow(fileError('row 3 opens a quote (") that is never closed'));
  });

  it('refuses a binary file, and reads an empty one as no rows', async () => {
    await writeFile(temp('binary.csv'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 0, 0, 0, 7, 0, 0, 9]));
    await expect(readAll(temp('binary.csv'))).rejects.toThrow(
      fileError('the file is neither a CSV file nor an XLSX workbook: it holds binary data'),
    );
    await writeFile(temp('empty.csv'), '');
    expect(await readAll(temp('empty.csv'))).toEqual([]);
  });

  it('refuses a file that is not there', async () => {
    await expect(readAll(temp('gone.csv'))).rejects.toThrow(fileError('the file is not there any more: was it moved or renamed?'));
  });
});

// ---- limits -----------------------------------------------------------------------------------------------------

describe('limits', () => {
  it('refuses a file over the size limit before reading it', async () => {
    await writeFile(temp('huge.csv'), '');
    await truncate(temp('huge.csv'), 212 * 1024 * 1024); // sparse: takes no disk
    await expect(readAll(temp('huge.csv'))).rejects.toThrow(fileError('the file is 212 MB; FeeDesk imports files up to 100 MB: split it'));
    await expect(readAll(fixture('students-bom.csv'), { maxBytes: 100 })).rejects.toThrow(
      fileError('the file is 118 bytes; FeeDesk imports files up to 100 bytes: split it'),
    );
    await expect(readAll(fixture('students-merged-header.xlsx'), { maxBytes: 4096 })).rejects.toThrow(
      fileError('the file is 9 KB; FeeDesk imports files up to 4 KB: split it'),
    );
  });

  it('refuses more rows than the limit, not counting empty rows', async () => {
    expect(await readAll(fixture('students-semicolon.csv'), { maxRows: 3 })).toHaveLength(3);
    await expect(readAll(fixture('students-semicolon.csv'), { maxRows: 2 })).rejects.toThrow(
      fileError('the file has more than 2 rows; FeeDesk imports up to 2 at a time: split it'),
    );
    expect(await readAll(fixture('students-merged-header.xlsx'), { maxRows: 5 })).toHaveLength(5);
    await expect(readAll(fixture('students-merged-header.xlsx'), { maxRows: 4 })).rejects.toThrow(
      fileError(/^the file has more than 4 rows/),
    );
  });

  it('refuses a cell longer than the limit, naming its row and column', async () => {
    await expect(readAll(fixture('students-semicolon.csv'), { maxCellChars: 20 })).rejects.toThrow(
      fileError('row 2, column C holds 24 characters; FeeDesk reads cells of up to 20'),
    );
    await expect(readAll(fixture('students-merged-header.xlsx'), { maxCellChars: 40 })).rejects.toThrow(
      fileError('row 1, column A holds 44 characters; FeeDesk reads cells of up to 40'),
    );
  });

  it('stops a row that an unclosed quote would stretch over the rest of the file', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `A-${i},Student ${i}`).join('\n');
    await writeFile(temp('runaway-quote.csv'), `Adm No,Name\nA-0,"Aarav\n${lines}\n`);
    await expect(readAll(temp('runaway-quote.csv'))).rejects.toThrow(
      fileError('row 2 runs past 1,000,000 characters: is a quote (") never closed?'),
    );
  });

  it('refuses a sheet with more cells than its rows allow (a small file that unzips to a huge sheet)', async () => {
    await writeFile(temp('wide.xlsx'), zip(workbookParts({ data: gridSheet(100, 1000) })));
    await expect(readAll(temp('wide.xlsx'), { maxRows: 50 })).rejects.toThrow(
      fileError('the sheet has more than 10,000 cells; FeeDesk imports up to 50 rows of 200 at a time: split it'),
    );
  });

  it('refuses a zip bomb by what its directory declares, before unzipping any of it', async () => {
    const parts = workbookParts({ data: gridSheet(2, 2), declaredSize: 600 * 1024 * 1024 });
    await writeFile(temp('declared-bomb.xlsx'), zip(parts));
    const started = performance.now();
    await expect(readAll(temp('declared-bomb.xlsx'))).rejects.toThrow(
      fileError(
        'the workbook unzips to more than 500 MB, more than FeeDesk reads: split it (a small file that unzips this far may be a zip bomb)',
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a zip bomb whose directory lies, by unzipping into nothing only as far as the limit, in little memory', async () => {
    const deflated = await deflatedRows(256 * 1024 * 1024);
    await writeFile(temp('lying-bomb.xlsx'), zip(workbookParts({ deflated, declaredSize: 1000 })));
    const before = retainedBytes();
    const sampler = sampleRetained(20);
    let measured = { peak: 0, samples: 0 };
    try {
      await expect(readAll(temp('lying-bomb.xlsx'), { maxUnzippedBytes: 32 * 1024 * 1024 })).rejects.toThrow(
        fileError(
          'the workbook unzips to more than 32 MB, more than FeeDesk reads: split it (a small file that unzips this far may be a zip bomb)',
        ),
      );
    } finally {
      measured = sampler.stop();
    }
    expect(measured.samples).toBeGreaterThan(0);

    expect(measured.peak - before).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);

  it('streams a large CSV file in bounded memory', async () => {
    const out = createWriteStream(temp('large.csv'));
    out.write('Adm No,Name,Class,Guardian,Mobile,Address\n');
    for (let i = 1; i < 150_000; i += 1) {
      if (
        !out.write(
          `A-${i},Student number ${i},V,Guardian of student ${i},98450${String(i).padStart(5, '0')},"House ${i}, Long Road, Some Town, Some District"\n`,
        )
      )
        await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const before = retainedBytes();
    let peak = 0;
    let rows = 0;
    for await (const row of readSheet(temp('large.csv'))) {
      rows += 1;
      if (row.row % 10_000 === 0) peak = Math.max(peak, retainedBytes());
    }
    expect(rows).toBe(150_000);
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('streams a large workbook in bounded memory', async () => {
    await writeFile(temp('large.xlsx'), zip(workbookParts({ data: gridSheet(40_000, 8) })));
    const before = retainedBytes();
    let peak = 0;
    let rows = 0;
    for await (const row of readSheet(temp('large.xlsx'))) {
      rows += 1;
      if (row.row % 5_000 === 0) peak = Math.max(peak, retainedBytes());
    }
    expect(rows).toBe(40_000);
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });
});

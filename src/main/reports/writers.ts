// Writes a report to CSV, XLSX (exceljs's streaming writer) or PDF (pdfkit) one row at a time, so memory stays flat.
// Each writer fills a temporary file beside the target; the caller renames it into place only when all went well.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Cell, ReportColumn, ReportRow } from '../../shared/contract/reports';
import { formatAmount, minorDigits, plainAmount } from '../../shared/domain/money';
import { type FontSet, registerFonts, writeText } from '../print/fonts';
import { summed } from './definition';

export interface ExportHead {
  title: string;
  subtitle: string;
  currency: string;
  locale: string;
  columns: ReportColumn[];
}

export interface ExportTail {
  totals: Record<string, number>;
  summary: { label: string; amount: number }[];
  footnote: string | null;
}

export type Rows = Iterable<ReportRow> | AsyncIterable<ReportRow>;

export interface Writer {
  row(row: ReportRow): Promise<void>;
  finish(tail: ExportTail): Promise<void>;
}

/** A text cell that a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe. */
const defused = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function end(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** `bom`: a byte-order mark so Excel reads UTF-8 (left out for accounting imports, which take the bytes as they are). */
export function csvWriter(path: string, head: ExportHead, bom = true): Writer {
  const stream = createWriteStream(path, { flags: 'wx' });
  const cell = (c: ReportColumn, v: Cell) => {
    if (v === null || v === undefined) return '';
    if (c.type === 'money' && typeof v === 'number') return plainAmount(v, head.currency);
    return csvField(typeof v === 'number' ? String(v) : defused(v));
  };
  let started = false;
  const line = (cells: string[]) => write(stream, `${cells.join(',')}\r\n`);
  const start = async () => {
    if (started) return;
    started = true;
    if (bom) await write(stream, '\uFEFF');
    await line(head.columns.map((c) => csvField(c.label)));
  };
  return {
    async row(row) {
      await start();
      await line(head.columns.map((c) => cell(c, row[c.key] ?? null)));
    },
    async finish(tail) {
      await start();
      const sums = new Set(summed(head.columns).map((c) => c.key));
      if (sums.size > 0)
        await line(head.columns.map((c, i) => (sums.has(c.key) ? cell(c, tail.totals[c.key] ?? 0) : i === 0 ? 'Total' : '')));
      await end(stream);
    },
  };
}

const HEADER_ROW = 4;

export function xlsxWriter(path: string, head: ExportHead): Writer {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = 'FeeDesk';
  const sheet = workbook.addWorksheet(head.title.slice(0, 31).replace(/[\\/*?:[\]]/g, '-'), {
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  const digits = minorDigits(head.currency);
  const scale = 10 ** digits;
  const moneyFormat = digits === 0 ? '#,##0' : `#,##0.${'0'.repeat(digits)}`;
  sheet.columns = head.columns.map((c) => ({
    key: c.key,
    width: c.type === 'money' ? 15 : c.type === 'date' ? 12 : c.type === 'count' ? 10 : Math.round(24 * (c.width ?? 1)),
    style: c.type === 'money' ? { numFmt: moneyFormat } : c.type === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  sheet.getRow(1).values = [head.title];
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.getRow(1).commit();
  sheet.getRow(2).values = [head.subtitle];
  sheet.getRow(2).commit();
  sheet.getRow(3).commit();
  const header = sheet.getRow(HEADER_ROW);
  header.values = head.columns.map((c) => c.label);
  header.font = { bold: true };
  header.commit();
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: head.columns.length } };
  let rowNo = HEADER_ROW;
  // exceljs writes the sheet's XML into the zip's input without waiting for it (exceljs issue #1894), so rows pile up
  // in memory faster than deflate takes them. Wait while more than a few MB are queued there: memory stays flat.
  const zipInput = () =>
    (sheet as unknown as { stream: { pipes?: { _writableState?: { length: number } }[] } }).stream.pipes?.[0]?._writableState?.length ?? 0;
  const drain = async () => {
    await new Promise((r) => setImmediate(r));
    while (zipInput() > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
  };
  const value = (c: ReportColumn, v: Cell): ExcelJS.CellValue => {
    if (v === null || v === undefined) return null;
    if (c.type === 'money' && typeof v === 'number') return v / scale;
    if (c.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
    return typeof v === 'string' ? defused(v) : v;
  };
  return {
    async row(row) {
      rowNo += 1;
      sheet.addRow(head.columns.map((c) => value(c, row[c.key] ?? null))).commit();
      if (rowNo % 500 === 0) await drain();
    },
    async finish(tail) {
      const sums = new Set(summed(head.columns).map((c) => c.key));
      if (sums.size > 0) {
        const letter = (i: number) => sheet.getColumn(i + 1).letter;
        const totals = sheet.addRow(
          head.columns.map((c, i) => {
            if (!sums.has(c.key)) return i === 0 ? 'Total' : null;
            const result = c.type === 'money' ? (tail.totals[c.key] ?? 0) / scale : (tail.totals[c.key] ?? 0);
            // SUBTOTAL(109, …) adds only the rows a filter leaves visible.
            return { formula: `SUBTOTAL(109,${letter(i)}${HEADER_ROW + 1}:${letter(i)}${Math.max(rowNo, HEADER_ROW + 1)})`, result };
          }),
        );
        totals.font = { bold: true };
        totals.commit();
      }
      sheet.addRow([]).commit();
      for (const s of tail.summary) {
        const r = sheet.addRow([s.label, s.amount / scale]);
        r.getCell(2).numFmt = moneyFormat;
        r.commit();
      }
      if (tail.footnote) sheet.addRow([tail.footnote]).commit();
      sheet.commit();
      await workbook.commit();
    },
  };
}

const PAGE = { width: 841.89, height: 595.28, margin: 30 };

/** A landscape A4 table: the header repeats on every page, long text is cut to its column. */
export function pdfWriter(path: string, head: ExportHead, fonts: FontSet): Writer {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE.margin,
    bufferPages: false,
    info: { Title: head.title, Creator: 'FeeDesk' },
  });
  registerFonts(doc, fonts);
  const stream = createWriteStream(path, { flags: 'wx' });
  doc.pipe(stream);
  const usable = PAGE.width - PAGE.margin * 2;
  const fixed = (c: ReportColumn) => (c.type === 'money' ? 72 : c.type === 'date' ? 58 : c.type === 'count' ? 44 : 0);
  const fixedTotal = head.columns.reduce((a, c) => a + fixed(c), 0);
  const shares = head.columns.filter((c) => fixed(c) === 0).reduce((a, c) => a + (c.width ?? 1), 0);
  const widths = head.columns.map((c) => fixed(c) || Math.max(40, ((usable - fixedTotal) / Math.max(1, shares)) * (c.width ?? 1)));
  const scale = usable / widths.reduce((a, b) => a + b, 0);
  const w = widths.map((x) => x * Math.min(1, scale));
  const lineHeight = 13;
  const text = (c: ReportColumn, v: Cell) =>
    v === null || v === undefined
      ? ''
      : c.type === 'money' && typeof v === 'number'
        ? formatAmount(v, head.currency, head.locale)
        : String(v);
  let y = 0;
  let page = 0;

  const drawCells = (cells: string[], font: 'regular' | 'bold') => {
    let x = PAGE.margin;
    doc.fontSize(8);
    cells.forEach((t, i) => {
      const c = head.columns[i]!;
      const options = {
        width: w[i]! - 4,
        height: lineHeight,
        lineBreak: false,
        ellipsis: true,
        align: c.type === 'text' || c.type === 'date' ? ('left' as const) : ('right' as const),
      };
      doc.x = x;
      doc.y = y;
      if (/^[\x20-\x7e\u00a0-\u024f\u20b9]*$/.test(t)) doc.font(font).text(t, x, y, options);
      else writeText(doc, t, font, options);
      x += w[i]!;
    });
    y += lineHeight;
  };
  const newPage = () => {
    if (page > 0) doc.addPage();
    page += 1;
    y = PAGE.margin;
    doc.font('bold').fontSize(12);
    writeText(doc, head.title, 'bold', { width: usable });
    doc.font('regular').fontSize(8);
    writeText(doc, `${head.subtitle} · page ${page}`, 'regular', { width: usable });
    y = doc.y + 6;
    drawCells(
      head.columns.map((c) => c.label),
      'bold',
    );
    doc
      .moveTo(PAGE.margin, y - 2)
      .lineTo(PAGE.width - PAGE.margin, y - 2)
      .lineWidth(0.5)
      .stroke();
  };
  const room = (lines: number) => {
    if (page === 0 || y + lines * lineHeight > PAGE.height - PAGE.margin) newPage();
  };
  return {
    async row(row) {
      room(1);
      drawCells(
        head.columns.map((c) => text(c, row[c.key] ?? null)),
        'regular',
      );
      // Let the file stream drain now and then instead of holding the whole document.
      if (stream.writableNeedDrain) await once(stream, 'drain');
    },
    async finish(tail) {
      room(1);
      const sums = new Set(summed(head.columns).map((c) => c.key));
      if (sums.size > 0)
        drawCells(
          head.columns.map((c, i) => (sums.has(c.key) ? text(c, tail.totals[c.key] ?? 0) : i === 0 ? 'Total' : '')),
          'bold',
        );
      y += 6;
      for (const s of tail.summary) {
        room(1);
        doc
          .font('regular')
          .fontSize(8)
          .text(`${s.label}: ${formatAmount(s.amount, head.currency, head.locale)}`, PAGE.margin, y, { width: usable });
        y += lineHeight;
      }
      if (tail.footnote) {
        room(3);
        doc.x = PAGE.margin;
        doc.y = y + 4;
        doc.fontSize(7);
        writeText(doc, tail.footnote, 'regular', { width: usable });
      }
      doc.end();
      await once(stream, 'finish');
    },
  };
}

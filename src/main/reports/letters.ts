// Reminder letters: one A4 page per defaulter, addressed to the guardian, listing the overdue dues (a previous year's
// named as its arrears) and the total.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import type { ReportFilters } from '../../shared/contract/reports';
import { formatMoney } from '../../shared/domain/money';
import { type FontSet, registerFonts, writeText } from '../print/fonts';
import type { ReportContext } from './definition';
import { arrearsLabel, splitArrears } from '../../shared/domain/arrears';
import { arrearsSql } from '../services/dues';
import { type Defaulter, defaulterRecords } from './dues';
import { formatDate } from '../../shared/domain/date-input';

const A4 = { width: 595.28, height: 841.89, margin: 56 };
const MAX_LINES = 28;

const OVERDUE_SQL = `
  select coalesce(i.label, d.label, h.name) as installment, h.name as head, d.due_on, d.amount - d.conceded - d.waived - d.paid as balance,
    y.name as year, ${arrearsSql('y')} as arrears
  from due d join fee_head h on h.id = d.head_id left join installment i on i.id = d.installment_id
  join academic_year y on y.id = d.academic_year_id
  where d.student_id = :studentId and d.amount > d.conceded + d.waived + d.paid and d.due_on <= :asOf
    and (:yearId is null or d.academic_year_id = :yearId)
  order by d.due_on, h.sort_order`;

/** The defaulters report's rows (a student's, one per academic year, come together) as one record per student. */
function* perStudent(records: Iterable<Defaulter>): Generator<Defaulter> {
  let held: Defaulter | undefined;
  for (const r of records) {
    if (held?.id === r.id) {
      held.balance += r.balance;
      held.credit += r.credit;
    } else {
      if (held) yield held;
      held = { ...r };
    }
  }
  if (held) yield held;
}

export async function writeLetters(
  path: string,
  f: Extract<ReportFilters, { report: 'defaulters' }>,
  ctx: ReportContext,
  fonts: FontSet,
  progress: (done: number) => void,
): Promise<number> {
  const doc = new PDFDocument({ size: 'A4', margin: A4.margin, info: { Title: `Fee reminders as of ${f.asOf}`, Creator: 'FeeDesk' } });
  registerFonts(doc, fonts);
  const stream = createWriteStream(path, { flags: 'wx' });
  doc.pipe(stream);
  const lines = ctx.raw.prepare(OVERDUE_SQL);
  let count = 0;
  for (const d of perStudent(defaulterRecords(f, ctx))) {
    if (count > 0) doc.addPage();
    letter(doc, d, lines.all({ studentId: d.id, asOf: f.asOf, yearId: f.yearId ?? null }) as DueLine[], f.asOf, ctx);
    count += 1;
    if (count % 50 === 0) progress(count);
    if (stream.writableNeedDrain) await once(stream, 'drain');
  }
  if (count === 0)
    doc
      .font('regular')
      .fontSize(11)
      .text(`No student has dues overdue as of ${formatDate(f.asOf, ctx.school.locale)} with these filters.`);
  doc.end();
  await once(stream, 'finish');
  progress(count);
  return count;
}

interface DueLine {
  installment: string;
  head: string;
  due_on: string;
  balance: number;
  year: string;
  arrears: number;
}

type LetterRow = { cells: string[]; font: 'regular' | 'bold' };

/**
 * The letter's table under its header: each previous year's dues under "Arrears <year>" with their subtotal, then this
 * year's (under their year's name when arrears stand above them); past MAX_LINES rows, the rest summed up in one.
 */
function letterRows(dues: readonly DueLine[], money: (minor: number) => string, locale: string): LetterRow[] {
  const due = (l: Omit<DueLine, 'arrears'>): LetterRow & { balance: number } => ({
    cells: [l.installment, l.head, formatDate(l.due_on, locale), money(l.balance)],
    font: 'regular',
    balance: l.balance,
  });
  const { arrears, current } = splitArrears(dues.map((l) => ({ ...l, arrears: l.arrears === 1 })));
  const rows: (LetterRow & { balance?: number })[] = [];
  for (const year of arrears) {
    rows.push({ cells: [arrearsLabel(year.year)], font: 'bold' });
    rows.push(...year.items.map(due));
    rows.push({ cells: ['Arrears subtotal', '', '', money(year.total)], font: 'bold' });
  }
  if (arrears.length > 0 && current.length > 0) rows.push({ cells: [current[0]!.year], font: 'bold' });
  rows.push(...current.map(due));
  if (rows.length <= MAX_LINES) return rows;
  const rest = rows.slice(MAX_LINES).filter((r) => r.balance !== undefined);
  return [
    ...rows.slice(0, MAX_LINES),
    { cells: [`and ${rest.length} more`, '', '', money(rest.reduce((a, r) => a + r.balance!, 0))], font: 'regular' },
  ];
}

function letter(doc: PDFKit.PDFDocument, d: Defaulter, dues: DueLine[], asOf: string, ctx: ReportContext): void {
  const money = (minor: number) => formatMoney(minor, ctx.school.currency, ctx.school.locale);
  const width = A4.width - A4.margin * 2;
  doc.x = A4.margin;
  doc.y = A4.margin;
  doc.fontSize(16);
  writeText(doc, ctx.school.name, 'bold', { width, align: 'center' });
  doc.fontSize(10).font('regular').text('Fee reminder', { width, align: 'center' });
  doc
    .moveDown(1.5)
    .fontSize(10)
    .text(`Date: ${formatDate(asOf, ctx.school.locale)}`, { width, align: 'right' });
  doc.moveDown(0.5);
  writeText(doc, `To ${d.guardian_name}`, 'regular', { width });
  writeText(doc, `Guardian of ${d.full_name} (Adm. ${d.admission_no}, ${d.class_name}${d.section ? `-${d.section}` : ''})`, 'regular', {
    width,
  });
  doc.moveDown(1);
  doc
    .font('regular')
    .text(
      `Dear parent or guardian, our records show the following fees unpaid past their due dates as of ${formatDate(asOf, ctx.school.locale)}:`,
      { width },
    );
  doc.moveDown(0.8);
  const cols = [A4.margin, A4.margin + 170, A4.margin + 300, A4.margin + 380];
  const row = (cells: string[], font: 'regular' | 'bold') => {
    const y = doc.y;
    cells.forEach((c, i) =>
      doc
        .font(font)
        .fontSize(10)
        .text(c, cols[i]!, y, {
          width: i === 3 ? width - (cols[3]! - A4.margin) : 120,
          align: i === 3 ? 'right' : 'left',
          lineBreak: false,
        }),
    );
    doc.y = y + 15;
  };
  row(['Installment', 'Fee head', 'Due on', 'Balance'], 'bold');
  for (const r of letterRows(dues, money, ctx.school.locale)) row(r.cells, r.font);
  row(['Total overdue', '', '', money(d.balance)], 'bold');
  doc.x = A4.margin;
  doc.moveDown(1);
  const credit =
    d.credit > 0 ? ` An advance of ${money(d.credit)} is held for ${d.full_name} and will be set against these dues when you pay.` : '';
  doc
    .font('regular')
    .text(
      `Please pay at the school fee counter at your earliest convenience.${credit} If you have paid in the last few days, please ignore this letter.`,
      { width },
    );
  doc.moveDown(3).text('Accounts office', { width });
}

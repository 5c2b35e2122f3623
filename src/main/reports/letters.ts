// Reminder letters: one A4 page per defaulter, addressed to the guardian, listing the overdue dues and the total.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import type { ReportFilters } from '../../shared/contract/reports';
import { formatMoney } from '../../shared/domain/money';
import { type FontSet, registerFonts, writeText } from '../print/fonts';
import type { ReportContext } from './definition';
import { type Defaulter, defaulterRecords } from './dues';
import { formatDate } from '../../shared/domain/date-input';

const A4 = { width: 595.28, height: 841.89, margin: 56 };
const MAX_LINES = 28;

const OVERDUE_SQL = `
  select coalesce(i.label, d.label, h.name) as installment, h.name as head, d.due_on, d.amount - d.conceded - d.waived - d.paid as balance
  from due d join fee_head h on h.id = d.head_id left join installment i on i.id = d.installment_id
  where d.student_id = ? and d.amount > d.conceded + d.waived + d.paid and d.due_on <= ?
  order by d.due_on, h.sort_order`;

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
  for (const d of defaulterRecords(f, ctx)) {
    if (count > 0) doc.addPage();
    letter(doc, d, lines.all(d.id, f.asOf) as DueLine[], f.asOf, ctx);
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
  for (const line of dues.slice(0, MAX_LINES))
    row([line.installment, line.head, formatDate(line.due_on, ctx.school.locale), money(line.balance)], 'regular');
  if (dues.length > MAX_LINES) {
    const rest = dues.slice(MAX_LINES).reduce((a, l) => a + l.balance, 0);
    row([`and ${dues.length - MAX_LINES} more`, '', '', money(rest)], 'regular');
  }
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

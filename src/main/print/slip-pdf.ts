// Fee slips: each student's open dues with due dates and fines to date, and a QR of their token.
import QRCode from 'qrcode';
import type { OpenDues } from '../../shared/contract/payments';
import { defaultChoice, fallenDue, sumBalances } from '../../shared/domain/due-now';
import { formatMoney } from '../../shared/domain/money';
import { slipToken } from '../../shared/domain/slip-token';
import { writeText } from './fonts';
import { formatDate } from '../../shared/domain/date-input';

export interface SlipData {
  school: { name: string; currency: string; locale: string };
  yearName: string;
  dues: OpenDues;
}

const A4 = { width: 595.28, height: 841.89, margin: 36 };

function drawToken(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const cell = size / (count + 4);
  for (let r = 0; r < count; r++)
    for (let c = 0; c < count; c++) if (qr.modules.get(r, c)) doc.rect(x + (c + 2) * cell, y + (r + 2) * cell, cell, cell);
  doc.fill('#000000');
}

/** Draws one slip in the band [top, top + height). */
export function drawSlip(doc: PDFKit.PDFDocument, slip: SlipData, top: number, height: number): void {
  const { school, dues } = slip;
  const student = dues.students[0]!;
  const money = (minor: number) => formatMoney(minor, school.currency, school.locale);
  const left = A4.margin;
  const width = A4.width - A4.margin * 2;
  const qrSize = 84;
  doc.x = left;
  doc.y = top;
  doc.fontSize(13);
  writeText(doc, school.name, 'bold', { width: width - qrSize });
  doc
    .fontSize(9)
    .font('regular')
    .text(`Fee slip · demand notice · ${slip.yearName} · as of ${formatDate(dues.asOf, school.locale)}`, { width: width - qrSize });
  doc.moveDown(0.4).fontSize(10);
  writeText(doc, student.fullName, 'bold', { width: width - qrSize });
  doc
    .font('regular')
    .text(`Adm. ${student.admissionNo} · ${student.className}${student.section ? `-${student.section}` : ''}`, { width: width - qrSize });
  writeText(doc, `Guardian: ${student.guardianName}`, 'regular', { width: width - qrSize });
  drawToken(doc, slipToken(student.id), left + width - qrSize, top, qrSize);
  doc.x = left;
  doc.y = Math.max(doc.y, top + qrSize) + 6;
  const col = [left, left + 150, left + 290, left + 380];
  doc.font('bold').fontSize(9);
  const header = doc.y;
  ['Installment', 'Head', 'Due on', 'Balance'].forEach((h, i) =>
    doc.text(h, col[i]!, header, { width: i === 3 ? width - (col[3]! - left) : 140, align: i === 3 ? 'right' : 'left' }),
  );
  doc.font('regular');
  const limit = top + height - 40;
  for (const item of dues.items) {
    if (doc.y > limit) {
      doc.text('… more dues: see the desk', left, doc.y);
      break;
    }
    const y = doc.y;
    [item.installment, item.head, formatDate(item.dueOn, school.locale)].forEach((t, i) => doc.text(t, col[i]!, y, { width: 140 }));
    doc.text(money(item.balance), col[3]!, y, { width: width - (col[3]! - left), align: 'right' });
  }
  doc.moveDown(0.4).font('bold');
  const y = doc.y;
  doc.text(`Fines to date: ${money(dues.totals.fines)}`, left, y);
  doc.text(amountAsked(dues, money, school.locale), left, y, { width, align: 'right' });
  doc.font('regular').text(`Whole year: ${money(sumBalances(dues.items))}`, left, doc.y, { width, align: 'right' });
  doc
    .font('regular')
    .fontSize(8)
    .text('Show this slip at the fee counter: the desk scans the code to open your account.', left, doc.y + 4, { width });
}

/**
 * What the slip asks for, as the counter would take it: what has fallen due by the slip's date (fines to date among
 * it), or the next installment by its date when nothing has; advance credit taken off.
 */
export function amountAsked(dues: OpenDues, money: (minor: number) => string, locale: string): string {
  const credit = Math.max(0, dues.totals.credit);
  const fallen = fallenDue(dues.items, dues.asOf);
  const asked = defaultChoice(dues.items, dues.asOf);
  const amount = Math.max(0, sumBalances(asked) - credit);
  if (asked.length === 0) return `Nothing due: ${money(0)}`;
  return fallen.length > 0 ? `Due now: ${money(amount)}` : `Next installment, due ${formatDate(asked[0]!.dueOn, locale)}: ${money(amount)}`;
}

export function addSlipPages(doc: PDFKit.PDFDocument, slips: readonly SlipData[], perPage: 1 | 2): void {
  const band = (A4.height - A4.margin * 2) / perPage;
  slips.forEach((slip, i) => {
    if (i % perPage === 0) doc.addPage({ size: [A4.width, A4.height], margin: A4.margin });
    const top = A4.margin + (i % perPage) * band;
    if (i % perPage > 0)
      doc
        .save()
        .moveTo(A4.margin, top - 6)
        .lineTo(A4.width - A4.margin, top - 6)
        .dash(4, { space: 4 })
        .stroke()
        .restore();
    drawSlip(doc, slip, top, band - 12);
  });
}

// Fee slips: each student's open dues with due dates and fines to date (a previous year's as arrears, with their year
// and subtotal), a QR of their token for the desk's scanner and, when the school takes UPI, a UPI QR for what the slip asks.
import QRCode from 'qrcode';
import type { OpenDues } from '../../shared/contract/payments';
import { arrearsLabel, splitArrears } from '../../shared/domain/arrears';
import { defaultChoice, fallenDue, sumBalances } from '../../shared/domain/due-now';
import { formatMoney } from '../../shared/domain/money';
import { slipToken } from '../../shared/domain/slip-token';
import { writeText } from './fonts';
import { formatDate } from '../../shared/domain/date-input';

export interface SlipData {
  school: { name: string; currency: string; locale: string };
  yearName: string;
  dues: OpenDues;
  /** The UPI QR: its `upi://pay` link, for the amount the slip asks, to the school's payee, with the slip's reference. */
  upi?: { link: string; amount: number; payeeName: string; reference: string } | undefined;
}

const A4 = { width: 595.28, height: 841.89, margin: 36 };

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
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
  // With a UPI QR, the two codes stand side by side at the top right, each with its label under it.
  const codes = slip.upi ? qrSize * 2 + 12 : qrSize;
  doc.x = left;
  doc.y = top;
  doc.fontSize(13);
  writeText(doc, school.name, 'bold', { width: width - codes });
  doc
    .fontSize(9)
    .font('regular')
    .text(`Fee slip · demand notice · ${slip.yearName} · as of ${formatDate(dues.asOf, school.locale)}`, { width: width - codes });
  doc.moveDown(0.4).fontSize(10);
  writeText(doc, student.fullName, 'bold', { width: width - codes });
  doc
    .font('regular')
    .text(`Adm. ${student.admissionNo} · ${student.className}${student.section ? `-${student.section}` : ''}`, { width: width - codes });
  writeText(doc, `Guardian: ${student.guardianName}`, 'regular', { width: width - codes });
  const textBottom = doc.y;
  const tokenX = left + width - qrSize;
  drawQr(doc, slipToken(student.id), tokenX, top, qrSize);
  doc
    .fontSize(7)
    .font('regular')
    .text('For the fee counter', tokenX, top + qrSize, { width: qrSize, align: 'center' });
  let codesBottom = doc.y;
  if (slip.upi) {
    const upiX = tokenX - qrSize - 12;
    drawQr(doc, slip.upi.link, upiX, top, qrSize);
    doc.x = upiX;
    doc.y = top + qrSize;
    writeText(doc, `Scan with any UPI app to pay ${money(slip.upi.amount)} to ${slip.upi.payeeName}`, 'regular', {
      width: qrSize,
      align: 'center',
    });
    doc.text(`Ref ${slip.upi.reference}`, upiX, doc.y, { width: qrSize, align: 'center' });
    codesBottom = Math.max(codesBottom, doc.y);
  }
  doc.fontSize(10);
  doc.x = left;
  doc.y = Math.max(textBottom, top + qrSize, codesBottom) + 6;
  const col = [left, left + 150, left + 290, left + 380];
  doc.font('bold').fontSize(9);
  const header = doc.y;
  ['Installment', 'Head', 'Due on', 'Balance'].forEach((h, i) =>
    doc.text(h, col[i]!, header, { width: i === 3 ? width - (col[3]! - left) : 140, align: i === 3 ? 'right' : 'left' }),
  );
  doc.font('regular');
  const limit = top + height - 40;
  for (const line of slipLines(dues.items)) {
    if (doc.y > limit) {
      doc.text('… more dues: see the desk', left, doc.y);
      break;
    }
    const y = doc.y;
    if (line.kind === 'heading') {
      doc.font('bold').text(line.text, left, y, { width }).font('regular');
    } else if (line.kind === 'subtotal') {
      doc.font('bold').text(line.text, left, y, { width: col[3]! - left });
      doc.text(money(line.amount), col[3]!, y, { width: width - (col[3]! - left), align: 'right' }).font('regular');
    } else {
      const { item } = line;
      [item.installment, item.head, formatDate(item.dueOn, school.locale)].forEach((t, i) => doc.text(t, col[i]!, y, { width: 140 }));
      doc.text(money(item.balance), col[3]!, y, { width: width - (col[3]! - left), align: 'right' });
    }
  }
  doc.moveDown(0.4).font('bold');
  const y = doc.y;
  doc.text(`Fines to date: ${money(dues.totals.fines)}`, left, y);
  doc.text(amountAsked(dues, money, school.locale), left, y, { width, align: 'right' });
  doc.font('regular').text(`Whole year: ${money(splitArrears(dues.items).currentTotal)}`, left, doc.y, { width, align: 'right' });
  doc
    .font('regular')
    .fontSize(8)
    .text(
      slip.upi
        ? 'Show this slip at the fee counter, where the desk scans its code to open your account, or pay by UPI with the code beside it: its reference ties the payment to this slip.'
        : 'Show this slip at the fee counter: the desk scans the code to open your account.',
      left,
      doc.y + 4,
      { width },
    );
}

type SlipLine =
  | { kind: 'heading'; text: string }
  | { kind: 'item'; item: OpenDues['items'][number] }
  | { kind: 'subtotal'; text: string; amount: number };

/**
 * The slip's dues table: each previous year's dues under "Arrears <year>" with their subtotal, then this year's (under
 * their year's name when arrears stand above them). Without arrears, the dues as they come.
 */
export function slipLines(items: OpenDues['items']): SlipLine[] {
  const { arrears, current } = splitArrears(items);
  const lines: SlipLine[] = [];
  for (const year of arrears) {
    lines.push({ kind: 'heading', text: arrearsLabel(year.year) });
    lines.push(...year.items.map((item) => ({ kind: 'item' as const, item })));
    lines.push({ kind: 'subtotal', text: `${arrearsLabel(year.year)} subtotal`, amount: year.total });
  }
  if (arrears.length > 0 && current.length > 0) lines.push({ kind: 'heading', text: current[0]!.year });
  lines.push(...current.map((item) => ({ kind: 'item' as const, item })));
  return lines;
}

/**
 * What the slip asks for, as the counter would take it: what has fallen due by the slip's date (fines to date among
 * it), or the next installment by its date when nothing has; advance credit taken off.
 */
export function amountAsked(dues: OpenDues, money: (minor: number) => string, locale: string): string {
  const { amount, items, fallen } = slipAsk(dues);
  if (items.length === 0) return `Nothing due: ${money(0)}`;
  return fallen ? `Due now: ${money(amount)}` : `Next installment, due ${formatDate(items[0]!.dueOn, locale)}: ${money(amount)}`;
}

/** What a slip asks for and the open items that make it up; `fallen`: they have fallen due (else the next installment). */
export function slipAsk(dues: OpenDues) {
  const credit = Math.max(0, dues.totals.credit);
  const items = defaultChoice(dues.items, dues.asOf);
  return { amount: Math.max(0, sumBalances(items) - credit), items, fallen: fallenDue(dues.items, dues.asOf).length > 0 };
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

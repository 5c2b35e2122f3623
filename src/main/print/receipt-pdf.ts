// Receipt PDFs in four layouts: thermal 80 mm and 58 mm (continuous length), A5, and A4 (optionally two copies).
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { PAYMENT_MODE_LABELS, type Receipt } from '../../shared/contract/payments';
import { formatMoney } from '../../shared/domain/money';
import { type FontSet, registerFonts, writeText } from './fonts';

import type { RECEIPT_LAYOUTS } from '../../shared/contract/receipts';
import { formatDate } from '../../shared/domain/date-input';
import { installmentOf, linesByStudent, receivedWithThanks } from '../../shared/domain/receipt-text';
import { dateIn } from '../../shared/domain/dates';

export type ReceiptLayout = (typeof RECEIPT_LAYOUTS)[number];

const MM = 72 / 25.4;
const PAGE = {
  thermal80: { width: 80 * MM, margin: 3 * MM, size: 7.5, qr: 30 * MM },
  thermal58: { width: 58 * MM, margin: 2 * MM, size: 6.5, qr: 26 * MM },
  a5: { width: 419.53, height: 595.28, margin: 28, size: 9, qr: 80 },
  a4: { width: 595.28, height: 841.89, margin: 36, size: 10, qr: 90 },
  a4_two_copies: { width: 595.28, height: 841.89, margin: 28, size: 8, qr: 70 },
} as const;

export interface PrintCopy {
  receipt: Receipt;
  /** 1 for the original; later prints carry DUPLICATE and their reprint number. */
  copyNo: number;
  /** The verify page's base URL; the QR is that URL followed by the signed payload. */
  verifyBaseUrl: string;
  footer: string;
  /** The school logo (PNG or JPEG), printed above the school's name. */
  logo: Buffer | null;
}

/** Draws the QR as vector squares; refuses anything above version 10 (error correction M). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  if (qr.version > 10) throw new Error(`receipt QR needs version ${qr.version}; shorten the verify base URL`);
  const count = qr.modules.size;
  const quiet = 2;
  const cell = size / (count + quiet * 2);
  doc.save().rect(x, y, size, size).fill('#ffffff').fillColor('#000000');
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < count; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000').restore();
}

/** One receipt copy from the current y, inside [left, left+width]. */
function drawReceipt(
  doc: PDFKit.PDFDocument,
  copy: PrintCopy,
  left: number,
  width: number,
  size: number,
  qrSize: number,
  label?: string,
): void {
  const r = copy.receipt;
  const money = (minor: number) => formatMoney(minor, r.school.currency, r.school.locale);
  const opts = { width, align: 'left' as const };
  const pair = (name: string, value: string, bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'bold' : 'regular').fontSize(size);
    writeText(doc, name, bold ? 'bold' : 'regular', { width: width * 0.65 });
    const after = doc.y;
    doc.font(bold ? 'bold' : 'regular').text(value, left, y, { width, align: 'right' });
    doc.x = left;
    doc.y = Math.max(after, doc.y);
  };
  doc.x = left;
  if (copy.logo) {
    const height = size * 4;
    doc.image(copy.logo, left + width / 2 - height, doc.y, { fit: [height * 2, height], align: 'center' });
    doc.y += height + 2;
    doc.x = left;
  }
  doc.fontSize(size + 3);
  writeText(doc, r.school.name, 'bold', { ...opts, align: 'center' });
  doc.fontSize(size - 0.5);
  for (const line of schoolLines(r.school)) writeText(doc, line, 'regular', { ...opts, align: 'center' });
  doc
    .fontSize(size)
    .font('regular')
    .text(`Fee receipt · ${r.yearName}${label ? ` · ${label}` : ''}`, { ...opts, align: 'center' });
  if (copy.copyNo > 1)
    doc
      .font('bold')
      .fontSize(size + 2)
      .text(`DUPLICATE · Reprint ${copy.copyNo - 1}`, { ...opts, align: 'center' });
  if (r.event) {
    doc
      .font('bold')
      .fontSize(size + 2)
      .fillColor('#b00020');
    // The day it happened in the desk's zone (its UTC date is a day early before 05:30 in India).
    doc.text(`${r.event.kind.toUpperCase()} on ${formatDate(dateIn(new Date(r.event.at)), r.school.locale)}`, { ...opts, align: 'center' });
    doc.font('regular').fontSize(size);
    writeText(doc, `Reason: ${r.event.reason}`, 'regular', { ...opts, align: 'center' });
    doc.fillColor('#000000');
  }
  doc.moveDown(0.5).fontSize(size);
  pair('Receipt no.', r.receiptNo, true);
  pair('Date', new Intl.DateTimeFormat(r.school.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(r.receivedAt)));
  doc.moveDown(0.3);
  writeText(doc, receivedWithThanks(r), 'regular', opts);
  // One child: who, above the lines. A family: each child's lines under their name, with what was paid for that child.
  const family = r.students.length > 1;
  const who = (st: Receipt['students'][number]) => `Adm. ${st.admissionNo} · ${st.className}${st.section ? `-${st.section}` : ''}`;
  if (!family) {
    for (const st of r.students) {
      doc.moveDown(0.3);
      writeText(doc, st.fullName, 'bold', opts);
      doc.font('regular').text(who(st), opts);
    }
  }
  doc.moveDown(0.3);
  for (const part of linesByStudent(r)) {
    if (family) {
      doc.moveDown(0.2);
      writeText(doc, `${part.student.fullName} · ${who(part.student)}`, 'bold', opts);
    }
    for (const line of part.lines) pair(`${installmentOf(line)} · ${line.head}`, money(line.amount));
    if (family) pair(`For ${part.student.fullName}`, money(part.total), true);
  }
  const concession = r.lines.reduce((a, l) => a + l.concession, 0);
  if (concession > 0) pair('Concession included', money(concession));
  if (r.creditUsed > 0) pair('Advance credit used', `- ${money(r.creditUsed)}`);
  if (r.creditAdded > 0) pair('Kept as advance credit', money(r.creditAdded));
  doc.moveDown(0.3);
  pair('Total paid', money(r.amount), true);
  const ref = Object.entries(r.reference)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  doc.font('regular').text(`Mode: ${PAYMENT_MODE_LABELS[r.mode]}${ref ? ` (${ref})` : ''}`, opts);
  if (r.change !== null && r.tendered !== null) doc.text(`Tendered ${money(r.tendered)} · change ${money(r.change)}`, opts);
  if (r.status === 'valid') {
    pair('Balance after this payment', money(r.balanceAfter), true);
    if (r.finesInBalance) doc.font('regular').text(`including late fines to date: ${money(r.finesInBalance)}`, opts);
  } else {
    // The balance printed then is not the balance now: this payment no longer counts.
    writeText(
      doc,
      `This receipt was ${r.status}: its amount no longer counts towards the fees. Ask the school office for the balance now.`,
      'bold',
      opts,
    );
  }
  doc.font('regular').text(`Cashier ${r.cashier.name} · Desk ${r.deskCode}`, opts);
  if (copy.footer) writeText(doc, copy.footer, 'regular', { ...opts, align: 'center' });
  const qr = r.qr ? `${copy.verifyBaseUrl}${r.qr}` : null;
  doc.moveDown(0.5);
  if (qr && width >= qrSize * 2.5) {
    // A page: the QR at the left and the signatory's line at the right, side by side.
    const top = doc.y;
    drawQr(doc, qr, left, top, qrSize);
    doc.fontSize(size - 1).text('Scan to verify this receipt', left, top + qrSize + 1, { width: qrSize, align: 'center' });
    const below = doc.y;
    doc.y = top + qrSize - size * 1.5;
    signatureLine(doc, left, width, size);
    doc.x = left;
    doc.y = Math.max(below, doc.y);
  } else {
    // A roll: the signatory's line, then the QR across the middle.
    signatureLine(doc, left, width, size);
    if (qr) {
      doc.moveDown(0.5);
      drawQr(doc, qr, left + (width - qrSize) / 2, doc.y, qrSize);
      doc.y += qrSize + 2;
      doc.x = left;
      doc.fontSize(size - 1).text('Scan to verify this receipt', { ...opts, align: 'center' });
    }
  }
}

/** Address, phone, registration and tax number: the lines a school's stationery has under its name. */
export function schoolLines(school: Receipt['school']): string[] {
  const numbers = [
    school.phone && `Phone ${school.phone}`,
    school.registration,
    school.taxId && (school.currency === 'INR' ? `GSTIN ${school.taxId}` : `Tax reg. ${school.taxId}`),
  ];
  return [...school.address.split('\n').map((l) => l.trim()), numbers.filter(Boolean).join(' · ')].filter((l) => l !== '');
}

/** Space to sign, a rule, and "Authorised signatory" under it, at the right. */
function signatureLine(doc: PDFKit.PDFDocument, left: number, width: number, size: number): void {
  const lineWidth = Math.min(width * 0.5, 160);
  const x = left + width - lineWidth;
  doc.y += size * 1.5;
  doc
    .save()
    .moveTo(x, doc.y)
    .lineTo(x + lineWidth, doc.y)
    .lineWidth(0.5)
    .stroke()
    .restore();
  doc.y += 2;
  doc
    .font('regular')
    .fontSize(size - 0.5)
    .text('Authorised signatory', x, doc.y, { width: lineWidth, align: 'center' });
  doc.x = left;
  doc.fontSize(size);
}

function render(doc: PDFKit.PDFDocument, layout: ReceiptLayout, copy: PrintCopy): void {
  const page = PAGE[layout];
  const width = page.width - page.margin * 2;
  if (layout !== 'a4_two_copies') {
    drawReceipt(doc, copy, page.margin, width, page.size, page.qr);
    return;
  }
  const half = PAGE.a4_two_copies.height / 2;
  drawReceipt(doc, copy, page.margin, width, page.size, page.qr, 'School copy');
  doc
    .save()
    .moveTo(page.margin, half)
    .lineTo(page.width - page.margin, half)
    .dash(4, { space: 4 })
    .stroke()
    .restore();
  doc.y = half + page.margin;
  drawReceipt(doc, copy, page.margin, width, page.size, page.qr, 'Parent copy');
}

/** Adds one receipt copy as a page (or, for thermal rolls, a page exactly as long as the receipt). */
export function addReceiptPage(doc: PDFKit.PDFDocument, layout: ReceiptLayout, copy: PrintCopy, fonts: FontSet): void {
  const page = PAGE[layout];
  if ('height' in page) {
    doc.addPage({ size: [page.width, page.height], margin: page.margin });
  } else {
    // A roll has no page length: measure on a scratch document, then cut the page to fit.
    const scratch = new PDFDocument({ size: [page.width, 14_400], margin: page.margin, autoFirstPage: true });
    registerFonts(scratch, fonts);
    render(scratch, layout, copy);
    doc.addPage({ size: [page.width, Math.ceil(scratch.y + page.margin)], margin: page.margin });
  }
  render(doc, layout, copy);
}

export function newPdf(fonts: FontSet, title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({ autoFirstPage: false, info: { Title: title, Creator: 'FeeDesk' } });
  registerFonts(doc, fonts);
  return doc;
}

export function finishPdf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.end();
  return done;
}

export async function receiptPdf(layout: ReceiptLayout, copy: PrintCopy, fonts: FontSet): Promise<Buffer> {
  const doc = newPdf(fonts, `Receipt ${copy.receipt.receiptNo}`);
  addReceiptPage(doc, layout, copy, fonts);
  return finishPdf(doc);
}

// The top of a one-page A4 document the school hands out (a no-dues certificate, a refund voucher): the logo, the
// school's name and address, the title, DUPLICATE on a reprint, the document's number and date; and the label–value
// lines both use. Dates and money in the school's locale.
import type { Receipt } from '../../shared/contract/payments';
import { formatDate } from '../../shared/domain/date-input';
import type { IsoDate } from '../../shared/domain/dates';
import { formatMoney } from '../../shared/domain/money';
import { writeText } from './fonts';
import { schoolLines } from './receipt-pdf';

const A4 = { width: 595.28, height: 841.89, margin: 56 };

export interface LetterPage {
  left: number;
  width: number;
  date(iso: string): string;
  money(minor: number): string;
  /** A label at the left, its value in bold beside it. */
  pair(label: string, value: string): void;
}

export function startLetterPage(
  doc: PDFKit.PDFDocument,
  page: { school: Receipt['school']; logo: Buffer | null; title: string; copyNo: number; number: string; onDate: string },
): LetterPage {
  const { school } = page;
  const date = (iso: string) => formatDate(iso as IsoDate, school.locale);
  const money = (minor: number) => formatMoney(minor, school.currency, school.locale);
  const left = A4.margin;
  const width = A4.width - A4.margin * 2;
  const centred = { width, align: 'center' as const };
  doc.addPage({ size: [A4.width, A4.height], margin: A4.margin });
  if (page.logo) {
    doc.image(page.logo, left + width / 2 - 60, doc.y, { fit: [120, 48], align: 'center' });
    doc.y += 52;
    doc.x = left;
  }
  doc.fontSize(18);
  writeText(doc, school.name, 'bold', centred);
  doc.fontSize(9.5);
  for (const line of schoolLines(school)) writeText(doc, line, 'regular', centred);
  doc.moveDown(0.3).font('bold').fontSize(15).text(page.title, centred);
  if (page.copyNo > 1)
    doc
      .moveDown(0.2)
      .fontSize(13)
      .text(`DUPLICATE · Reprint ${page.copyNo - 1}`, centred);
  doc.moveDown(1).font('regular').fontSize(11);
  const top = doc.y;
  doc.text(page.number, left, top, { width });
  doc.text(`Date: ${date(page.onDate)}`, left, top, { width, align: 'right' });
  doc.x = left;
  const pair = (label: string, value: string) => {
    const y = doc.y;
    doc.font('regular').text(label, left, y, { width: 140 });
    doc.x = left + 150;
    doc.y = y;
    writeText(doc, value, 'bold', { width: width - 150 });
    doc.x = left;
  };
  return { left, width, date, money, pair };
}

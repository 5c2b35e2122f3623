// The no-dues certificate as one A4 page: who, that nothing is owed as of the day, what was paid year by year, who issued
// it. Dates and money in the school's locale; a later print carries DUPLICATE like a receipt's.
import { formatDate } from '../../shared/domain/date-input';
import type { IsoDate } from '../../shared/domain/dates';
import { formatMoney } from '../../shared/domain/money';
import type { NoDuesCertificate } from '../services/no-dues';
import { writeText } from './fonts';
import { schoolLines } from './receipt-pdf';

const A4 = { width: 595.28, height: 841.89, margin: 56 };

export function addNoDuesPage(doc: PDFKit.PDFDocument, c: NoDuesCertificate): void {
  const { school, student } = c;
  const date = (iso: string) => formatDate(iso as IsoDate, school.locale);
  const money = (minor: number) => formatMoney(minor, school.currency, school.locale);
  const left = A4.margin;
  const width = A4.width - A4.margin * 2;
  const centred = { width, align: 'center' as const };
  doc.addPage({ size: [A4.width, A4.height], margin: A4.margin });
  if (c.logo) {
    doc.image(c.logo, left + width / 2 - 60, doc.y, { fit: [120, 48], align: 'center' });
    doc.y += 52;
    doc.x = left;
  }
  doc.fontSize(18);
  writeText(doc, school.name, 'bold', centred);
  doc.fontSize(9.5);
  for (const line of schoolLines(school)) writeText(doc, line, 'regular', centred);
  doc.moveDown(0.3).font('bold').fontSize(15).text('No-dues certificate', centred);
  if (c.copyNo > 1)
    doc
      .moveDown(0.2)
      .fontSize(13)
      .text(`DUPLICATE · Reprint ${c.copyNo - 1}`, centred);
  doc.moveDown(1).font('regular').fontSize(11);
  const top = doc.y;
  doc.text(`Certificate no. ${c.certificateNo}`, left, top, { width });
  doc.text(`Date: ${date(c.issuedOn)}`, left, top, { width, align: 'right' });
  doc.x = left;
  doc.moveDown(1.5);
  const gone = student.status === 'alumni' ? 'passed out of the school' : 'left the school';
  const classText = `${student.className}${student.section ? `-${student.section}` : ''}`;
  writeText(
    doc,
    `This is to certify that ${student.fullName} (admission no. ${student.admissionNo}), of ${classText}, who ${gone}` +
      `${student.leftOn ? ` on ${date(student.leftOn)}` : ''}, has no dues outstanding with the school as of ${date(c.issuedOn)}.`,
    'regular',
    { width, lineGap: 3 },
  );
  doc.moveDown(1);
  const pair = (label: string, value: string) => {
    const y = doc.y;
    doc.font('regular').text(label, left, y, { width: 140 });
    doc.x = left + 150;
    doc.y = y;
    writeText(doc, value, 'bold', { width: width - 150 });
    doc.x = left;
  };
  pair('Student', student.fullName);
  pair('Admission no.', student.admissionNo);
  pair('Class', classText);
  pair('Status', student.status === 'alumni' ? 'Passed out (alumni)' : 'Left the school');
  if (student.leftOn) pair('Left on', date(student.leftOn));
  doc.moveDown(1).font('bold').text('Fees paid, year by year', left, doc.y, { width });
  doc.font('regular');
  if (c.paidByYear.length === 0) doc.text('No fees were charged.', { width });
  for (const year of c.paidByYear) {
    const y = doc.y;
    doc.text(year.yearName, left, y, { width: width / 2 });
    doc.text(money(year.paid), left, y, { width, align: 'right' });
  }
  if (c.credit > 0) {
    doc
      .moveDown(0.6)
      .text(`The school holds ${money(c.credit)} of advance credit for the student, to be refunded.`, left, doc.y, { width });
  }
  if (c.depositHeld > 0) {
    doc.moveDown(0.6).text(`Refundable deposit held: ${money(c.depositHeld)} (to be refunded on a voucher).`, left, doc.y, { width });
  }
  doc.moveDown(2);
  writeText(doc, `Issued by ${c.issuedBy} on ${date(c.issuedOn)}`, 'regular', { width });
  if (c.reprint) writeText(doc, `Duplicate printed by ${c.reprint.by} on ${date(c.reprint.on)}`, 'regular', { width });
  doc.moveDown(3);
  const x = left + width - 180;
  doc
    .moveTo(x, doc.y)
    .lineTo(left + width, doc.y)
    .stroke();
  doc.moveDown(0.2).text('Authorised signatory', x, doc.y, { width: 180, align: 'center' });
}

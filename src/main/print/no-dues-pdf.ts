// The no-dues certificate as one A4 page: who, that nothing is owed as of the day, what was paid year by year, who issued
// it. Dates and money in the school's locale; a later print carries DUPLICATE like a receipt's.
import type { NoDuesCertificate } from '../services/no-dues';
import { writeText } from './fonts';
import { startLetterPage } from './letter-page';

export function addNoDuesPage(doc: PDFKit.PDFDocument, c: NoDuesCertificate): void {
  const { student } = c;
  const { left, width, date, money, pair } = startLetterPage(doc, {
    school: c.school,
    logo: c.logo,
    title: 'No-dues certificate',
    copyNo: c.copyNo,
    number: `Certificate no. ${c.certificateNo}`,
    onDate: c.issuedOn,
  });
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

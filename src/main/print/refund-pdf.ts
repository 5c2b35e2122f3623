// A refund voucher as one A4 page: the school, what was paid back and what was set off, the amount in figures and in
// words, how it was paid, why and who approved it, and lines for the payee and the cashier to sign. Dates and money
// in the school's locale; a later print carries DUPLICATE like a receipt's.
import { PAYMENT_MODE_LABELS } from '../../shared/contract/payments';
import { REFUND_KIND_LABELS, type RefundVoucher } from '../../shared/contract/refunds';
import { amountInWords } from '../../shared/domain/amount-in-words';
import type { VoucherCopy } from '../services/refund-prints';
import { writeText } from './fonts';
import { startLetterPage } from './letter-page';

const AMOUNT_WIDTH = 110;

const lineText = (l: RefundVoucher['lines'][number]) =>
  [l.year, l.installment, l.head].filter((part, i, all) => all.indexOf(part) === i).join(' · ');

export function addRefundVoucherPage(doc: PDFKit.PDFDocument, copy: VoucherCopy): void {
  const { voucher: v, school } = copy;
  const { left, width, date, money, pair } = startLetterPage(doc, {
    school,
    logo: copy.logo,
    title: `Refund voucher · ${REFUND_KIND_LABELS[v.kind]}`,
    copyNo: copy.copyNo,
    number: `Voucher no. ${v.voucherNo}`,
    onDate: v.businessDate,
  });
  doc.moveDown(1);

  pair('Student', v.student.fullName);
  pair('Admission no.', v.student.admissionNo);
  pair('Class', v.student.className);
  pair('Guardian', v.student.guardianName);

  /** A line of the table: its text at the left, its amount at the right. */
  const row = (text: string, amount: string, font: 'regular' | 'bold' = 'regular') => {
    const y = doc.y;
    doc.x = left;
    writeText(doc, text, font, { width: width - AMOUNT_WIDTH - 10 });
    const below = doc.y;
    doc.font(font).text(amount, left + width - AMOUNT_WIDTH, y, { width: AMOUNT_WIDTH, align: 'right' });
    doc.x = left;
    doc.y = Math.max(below, doc.y);
  };
  const rule = () => {
    doc.moveDown(0.2);
    doc
      .save()
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(0.5)
      .stroke()
      .restore();
    doc.moveDown(0.3);
  };
  const heading = (text: string) => {
    doc.moveDown(1);
    doc.x = left;
    doc.font('bold').text(text, left, doc.y, { width });
    rule();
  };

  heading(v.kind === 'deposit' ? 'Deposit refunded' : v.kind === 'credit' ? 'Advance credit refunded' : 'Fees refunded');
  for (const l of v.lines) row(lineText(l), money(l.amount));
  if (v.setOff.length > 0) {
    heading('Set off against dues still owed');
    for (const l of v.setOff) row(lineText(l), money(l.amount));
    rule();
    row('Set off in all', money(v.setOffTotal));
  }
  doc.moveDown(1);
  row('Amount paid out', money(v.amount), 'bold');
  doc.moveDown(0.2);
  writeText(doc, `In words: ${amountInWords(v.amount, school.currency, school.locale)}`, 'regular', { width });

  doc.moveDown(1);
  // A cheque's date is kept as written (ISO); a person reads it in the school's way.
  const reference = v.reference.replaceAll(/\b\d{4}-\d{2}-\d{2}\b/g, date);
  pair('Mode', `${PAYMENT_MODE_LABELS[v.mode]}${reference ? ` (${reference})` : ''}`);
  pair('Reason', v.reason);
  pair('Requested by', v.by);
  pair('Approved by', v.approvedBy);
  if (v.depositLeft !== null) pair('Deposit still held', money(v.depositLeft));
  if (copy.reprint) {
    doc.moveDown(0.5);
    writeText(doc, `Duplicate printed by ${copy.reprint.by} on ${date(copy.reprint.on)}`, 'regular', { width });
  }

  doc.moveDown(4);
  const sign = (x: number, label: string, under: string) => {
    const y = doc.y;
    doc
      .save()
      .moveTo(x, y)
      .lineTo(x + 200, y)
      .lineWidth(0.5)
      .stroke()
      .restore();
    doc
      .font('regular')
      .fontSize(10)
      .text(label, x, y + 4, { width: 200, align: 'center' });
    doc.fontSize(9).text(under, x, doc.y, { width: 200, align: 'center' });
    doc.y = y;
  };
  sign(left, 'Received the above amount', 'Signature of the payee');
  sign(left + width - 200, 'Paid by', `Cashier (${v.by})`);
  doc.x = left;
}

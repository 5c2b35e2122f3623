// A plain A5 receipt PDF (the receipts issue adds layouts, the embedded font, QR and marks).
import PDFDocument from 'pdfkit';
import type { Receipt } from '../../shared/contract/payments';
import { formatAmount } from '../../shared/domain/money';

export function plainReceiptPdf(r: Receipt): Promise<Buffer> {
  const money = (minor: number) => `${r.school.currency} ${formatAmount(minor, r.school.currency, r.school.locale)}`;
  const doc = new PDFDocument({ size: 'A5', margin: 36, info: { Title: `Receipt ${r.receiptNo}`, Author: r.school.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('Helvetica-Bold').fontSize(14).text(r.school.name, { align: 'center' });
  doc.font('Helvetica').fontSize(10).text(`Fee receipt · ${r.yearName}`, { align: 'center' }).moveDown();
  doc.text(`Receipt no.: ${r.receiptNo}`);
  doc.text(`Date: ${r.receivedAt.slice(0, 10)} ${r.receivedAt.slice(11, 16)} UTC · Desk ${r.deskCode}`);
  for (const s of r.students) {
    doc.text(`Student: ${s.fullName} (Adm. ${s.admissionNo}) · Class ${s.className}${s.section ? `-${s.section}` : ''}`);
    doc.text(`Guardian: ${s.guardianName}`);
  }
  doc.moveDown();
  for (const line of r.lines) doc.text(`${line.installment} · ${line.head}`, { continued: true }).text(money(line.amount), { align: 'right' });
  if (r.creditUsed > 0) doc.text('Advance credit used', { continued: true }).text(`- ${money(r.creditUsed)}`, { align: 'right' });
  if (r.creditAdded > 0) doc.text('Kept as advance credit', { continued: true }).text(money(r.creditAdded), { align: 'right' });
  doc.moveDown().font('Helvetica-Bold').text('Total paid', { continued: true }).text(money(r.amount), { align: 'right' });
  doc.font('Helvetica').text(`Mode: ${r.mode}${Object.keys(r.reference).length ? ` (${Object.entries(r.reference).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
  if (r.change !== null) doc.text(`Tendered ${money(r.tendered ?? 0)} · change ${money(r.change)}`);
  doc.text(`Balance after this payment: ${money(r.balanceAfter)}`);
  doc.moveDown().text(`Cashier: ${r.cashier.name}`);
  if (r.event) doc.moveDown().font('Helvetica-Bold').text(`${r.event.kind.toUpperCase()} on ${r.event.at.slice(0, 10)}: ${r.event.reason}`);
  doc.end();
  return done;
}

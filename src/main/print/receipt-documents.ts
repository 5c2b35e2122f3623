// Receipts as PDFs: one receipt (counted as its next copy) or a whole day's, in the school's layout, then delivered.
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { ServiceDeps } from '../services/context';
import { readReceipt, recordReceiptPrint } from '../services/receipts';
import { readLogo, readPolicies } from '../services/settings';
import { deliver, type PrintDeps } from './deliver';
import { addReceiptPage, finishPdf, newPdf, type ReceiptLayout } from './receipt-pdf';

export async function printReceipt(
  deps: ServiceDeps,
  print: PrintDeps,
  userId: string,
  { paymentId, layout, target }: ParsedInputOf<'receipts.print'>,
): Promise<OutputOf<'receipts.print'>> {
  const policies = await readPolicies(deps.store());
  const chosen: ReceiptLayout = layout ?? policies.receiptLayout;
  const { receipt, copyNo } = await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const r = await readReceipt(tx, paymentId);
      return { receipt: r, copyNo: await recordReceiptPrint(tx, deps, paymentId, userId, chosen) };
    });
  const doc = newPdf(print.fonts(), `Receipt ${receipt.receiptNo}`);
  const logo = await readLogo(deps.store());
  addReceiptPage(
    doc,
    chosen,
    { receipt, copyNo, verifyBaseUrl: policies.verifyBaseUrl, footer: policies.receiptFooter, logo },
    print.fonts(),
  );
  const pdf = await finishPdf(doc);
  const fileName = `receipt-${receipt.receiptNo.replaceAll('/', '-')}${copyNo > 1 ? `-copy${copyNo}` : ''}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), copies: 1, copyNo };
}

/** Every receipt of one business day in one PDF, each counted as its next copy. */
export async function printReceiptsOfDay(
  deps: ServiceDeps,
  print: PrintDeps,
  userId: string,
  { date, target }: ParsedInputOf<'receipts.printDay'>,
): Promise<OutputOf<'receipts.printDay'>> {
  const policies = await readPolicies(deps.store());
  const ids = (await deps.store().selectFrom('payment').select('id').where('business_date', '=', date).orderBy('seq').execute()).map(
    (p) => p.id,
  );
  const doc = newPdf(print.fonts(), `Receipts of ${date}`);
  const logo = await readLogo(deps.store());
  for (const paymentId of ids) {
    const { receipt, copyNo } = await deps
      .store()
      .transaction()
      .execute(async (tx) => ({
        receipt: await readReceipt(tx, paymentId),
        copyNo: await recordReceiptPrint(tx, deps, paymentId, userId, policies.receiptLayout),
      }));
    addReceiptPage(
      doc,
      policies.receiptLayout,
      { receipt, copyNo, verifyBaseUrl: policies.verifyBaseUrl, footer: policies.receiptFooter, logo },
      print.fonts(),
    );
  }
  if (ids.length === 0) doc.addPage().font('regular').text(`No receipts on ${date}.`);
  const pdf = await finishPdf(doc);
  const fileName = `receipts-${date}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), copies: ids.length };
}

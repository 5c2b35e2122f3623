// The refund voucher as a PDF: counted as its next copy in one transaction, drawn, then delivered.
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { ServiceDeps } from '../services/context';
import { printVoucherCopy } from '../services/refund-prints';
import { deliver, type PrintDeps } from './deliver';
import { addRefundVoucherPage } from './refund-pdf';
import { finishPdf, newPdf } from './receipt-pdf';

export async function printRefundVoucher(
  deps: ServiceDeps,
  print: PrintDeps,
  userId: string,
  { refundId, target }: ParsedInputOf<'refunds.print'>,
): Promise<OutputOf<'refunds.print'>> {
  const copy = await deps
    .store()
    .transaction()
    .execute((tx) => printVoucherCopy(tx, deps, userId, refundId));
  const { voucherNo } = copy.voucher;
  const doc = newPdf(print.fonts(), `Refund voucher ${voucherNo}`);
  addRefundVoucherPage(doc, copy);
  const pdf = await finishPdf(doc);
  const name = voucherNo.replaceAll(/[^A-Za-z0-9._-]+/g, '-');
  const fileName = `refund-${name}${copy.copyNo > 1 ? `-copy${copy.copyNo}` : ''}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), voucherNo, copyNo: copy.copyNo };
}

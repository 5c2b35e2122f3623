// Printing receipts: every print is counted and audited; after the first, copies say DUPLICATE.
import { sql } from 'kysely';
import type { QrCheckView } from '../../shared/contract/receipts';
import type { HandlersFor } from '../ipc/router';
import type { Tx } from '../db/schema';
import type { FontSet } from '../print/fonts';
import type { Printer } from '../print/printer';
import { addReceiptPage, finishPdf, newPdf, type ReceiptLayout } from '../print/receipt-pdf';
import { recordAudit } from '../services/audit';
import { requireSession, type ServiceDeps } from '../services/context';
import { checkReceiptCode } from '../services/desk-keys';
import { readLogo, readPolicies } from '../services/settings';
import { readReceipt } from '../services/receipts';

export interface PrintDeps {
  fonts: () => FontSet;
  printer: Printer;
  /** The printer chosen for this desk (null: the system default). */
  printerName: () => string | null;
}

/** Sends a PDF where the user asked: a download only, the desk printer, or the system dialog. */
export async function deliver(print: PrintDeps, pdf: Buffer, title: string, target: 'pdf' | 'printer' | 'dialog'): Promise<void> {
  if (target === 'pdf') return;
  await print.printer.print({ title, pdf, silent: target === 'printer', printerName: print.printerName() });
}

/** Records the next copy of a receipt (in the caller's transaction) and returns its number. */
async function countPrint(tx: Tx, deps: ServiceDeps, paymentId: string, userId: string, layout: string): Promise<number> {
  const row = await sql<{ n: number }>`select coalesce(max(copy_no), 0) + 1 as n from receipt_print where payment_id = ${paymentId}`.execute(tx);
  const copyNo = row.rows[0]!.n;
  await tx.insertInto('receipt_print').values({ id: deps.ids.uuid(), payment_id: paymentId, at: deps.clock.now().toISOString(), by_user: userId, copy_no: copyNo, layout }).execute();
  await recordAudit(tx, deps, { actorId: userId, action: copyNo === 1 ? 'receipts.print' : 'receipts.reprint', entity: 'payment', entityId: paymentId, after: { copyNo, layout } });
  return copyNo;
}

export async function verifyCode(deps: ServiceDeps, code: string): Promise<QrCheckView> {
  const db = deps.store();
  const check = await checkReceiptCode(db, code);
  if (!check.claims || check.verdict !== 'valid') return { ...check, local: null };
  const payment = await db
    .selectFrom('payment as p')
    .innerJoin('student as s', 's.id', 'p.student_id')
    .select(['p.id', 'p.amount', 's.full_name'])
    .where('p.receipt_no', '=', check.claims.receiptNo)
    .executeTakeFirst();
  if (!payment) return { ...check, local: { found: false, amountMatches: null, status: null, studentName: null } };
  const receipt = await readReceipt(db, payment.id);
  return { ...check, local: { found: true, amountMatches: payment.amount === check.claims.amount, status: receipt.status, studentName: payment.full_name } };
}

export function receiptsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersFor<'receipts'> {
  return {
    'receipts.print': async ({ paymentId, layout, target }, call) => {
      const userId = requireSession(call).userId;
      const policies = await readPolicies(deps.store());
      const chosen: ReceiptLayout = layout ?? policies.receiptLayout;
      const { receipt, copyNo } = await deps.store().transaction().execute(async (tx) => {
        const r = await readReceipt(tx, paymentId);
        return { receipt: r, copyNo: await countPrint(tx, deps, paymentId, userId, chosen) };
      });
      const doc = newPdf(print.fonts(), `Receipt ${receipt.receiptNo}`);
      const logo = await readLogo(deps.store());
      addReceiptPage(doc, chosen, { receipt, copyNo, verifyBaseUrl: policies.verifyBaseUrl, footer: policies.receiptFooter, logo }, print.fonts());
      const pdf = await finishPdf(doc);
      const fileName = `receipt-${receipt.receiptNo.replaceAll('/', '-')}${copyNo > 1 ? `-copy${copyNo}` : ''}.pdf`;
      await deliver(print, pdf, fileName, target);
      return { fileName, base64: pdf.toString('base64'), copies: 1, copyNo };
    },

    'receipts.printDay': async ({ date, target }, call) => {
      const userId = requireSession(call).userId;
      const policies = await readPolicies(deps.store());
      const ids = (await deps.store().selectFrom('payment').select('id').where('business_date', '=', date).orderBy('seq').execute()).map((p) => p.id);
      const doc = newPdf(print.fonts(), `Receipts of ${date}`);
      const logo = await readLogo(deps.store());
      for (const paymentId of ids) {
        const { receipt, copyNo } = await deps.store().transaction().execute(async (tx) => ({
          receipt: await readReceipt(tx, paymentId),
          copyNo: await countPrint(tx, deps, paymentId, userId, policies.receiptLayout),
        }));
        addReceiptPage(doc, policies.receiptLayout, { receipt, copyNo, verifyBaseUrl: policies.verifyBaseUrl, footer: policies.receiptFooter, logo }, print.fonts());
      }
      if (ids.length === 0) doc.addPage().font('regular').text(`No receipts on ${date}.`);
      const pdf = await finishPdf(doc);
      const fileName = `receipts-${date}.pdf`;
      await deliver(print, pdf, fileName, target);
      return { fileName, base64: pdf.toString('base64'), copies: ids.length };
    },

    'receipts.verify': ({ code }) => verifyCode(deps, code),
  };
}

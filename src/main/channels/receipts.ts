// The receipts area's channels: printing a receipt or a day's receipts, and checking a receipt's QR code.
import type { receiptsChannels } from '../../shared/contract/receipts';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { PrintDeps } from '../print/deliver';
import { printReceipt, printReceiptsOfDay } from '../print/receipt-documents';
import type { ServiceDeps } from '../services/context';
import { verifyReceiptCode } from '../services/receipts';

export function receiptsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersOf<typeof receiptsChannels> {
  return {
    'receipts.print': (input, call) => printReceipt(deps, print, requireSession(call).userId, input),
    'receipts.printDay': (input, call) => printReceiptsOfDay(deps, print, requireSession(call).userId, input),
    'receipts.verify': ({ code }) => verifyReceiptCode(deps, code),
  };
}

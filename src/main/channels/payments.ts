// The payments area's channels: the cashier's collect flow and what follows a payment.
import type { paymentsChannels } from '../../shared/contract/payments';
import { type HandlersOf, requireSession } from '../ipc/router';
import { verifyApprover } from '../services/approvals';
import type { ServiceDeps } from '../services/context';
import { studentLedger } from '../services/ledger';
import { openDues, recordPaymentTx, today } from '../services/payments';
import { listPayments, readReceipt } from '../services/receipts';
import { bouncePaymentTx, cancelPaymentTx, waive } from '../services/reversals';
import { requestCounterUpi } from '../services/upi-requests';
import { duesOwedNow } from '../services/structures';
import { upiQrSvg } from '../print/upi-qr';

export function paymentsHandlers(deps: ServiceDeps): HandlersOf<typeof paymentsChannels> {
  return {
    'payments.openDues': async ({ studentIds, asOf }) => {
      // A student opened at the counter while the school is still coming in has its dues made now, not when the pull
      // reaches it.
      if (deps.duesArriving?.())
        await deps
          .store()
          .transaction()
          .execute((tx) => duesOwedNow(tx, deps, studentIds));
      return openDues(deps.store(), studentIds, asOf ?? today(deps));
    },

    'payments.record': (input, call) => {
      const session = requireSession(call);
      const cashier = { id: session.userId, name: session.fullName };
      return deps
        .store()
        .transaction()
        .execute(async (tx) => {
          // The money goes to the dues the student owes, even those the pull has not made yet.
          if (deps.duesArriving?.()) await duesOwedNow(tx, deps, input.studentIds);
          return recordPaymentTx(tx, deps, cashier, input);
        });
    },

    'payments.upiRequest': async ({ studentIds, amount }, call) => {
      const request = await requestCounterUpi(deps, requireSession(call).userId, studentIds, amount);
      return { ...request, qrSvg: await upiQrSvg(request.link) };
    },

    'payments.receipt': ({ paymentId }) => readReceipt(deps.store(), paymentId),

    'payments.list': (filter) => listPayments(deps.store(), filter),

    'payments.cancel': async ({ paymentId, reason, approver }, call) => {
      const userId = requireSession(call).userId;
      const approvedBy = await verifyApprover(deps, approver, userId);
      return deps
        .store()
        .transaction()
        .execute((tx) => cancelPaymentTx(tx, deps, userId, approvedBy, paymentId, reason));
    },

    'payments.bounce': ({ paymentId, bankReason, charge }, call) =>
      deps
        .store()
        .transaction()
        .execute((tx) => bouncePaymentTx(tx, deps, requireSession(call).userId, paymentId, bankReason, charge)),

    'payments.waive': async (input, call) => {
      const userId = requireSession(call).userId;
      const approvedBy = await verifyApprover(deps, input.approver, userId);
      await waive(deps, userId, approvedBy, input);
      return openDues(deps.store(), [input.studentId], today(deps));
    },

    'payments.ledger': ({ studentId }) => studentLedger(deps.store(), studentId),
  };
}

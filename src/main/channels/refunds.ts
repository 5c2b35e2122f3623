// The refunds area's channels: what can be paid back to a student, a refund voucher approved by a second person, and
// the vouchers written and printed.
import type { refundsChannels } from '../../shared/contract/refunds';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { PrintDeps } from '../print/deliver';
import { printRefundVoucher } from '../print/refund-documents';
import { verifyApprover } from '../services/approvals';
import type { ServiceDeps } from '../services/context';
import { listRefunds, readVoucher, recordRefundTx, refundableOf } from '../services/refunds';
import type { SyncLoop } from '../sync/loop';
import { inStepWithServer } from './in-step';

export function refundsHandlers(deps: ServiceDeps, print: PrintDeps, sync: SyncLoop): HandlersOf<typeof refundsChannels> {
  return {
    'refunds.refundable': async ({ studentId }) => {
      const { rows: _rows, shares: _shares, ...view } = await refundableOf(deps.store(), studentId);
      return view;
    },

    'refunds.record': async (input, call) => {
      const userId = requireSession(call).userId;
      const approvedBy = await verifyApprover(deps, input.approver, userId);
      // What another desk paid back or cancelled is here before this desk works out what can be refunded.
      await inStepWithServer(deps, sync, 'a refund', 'refund');
      return deps
        .store()
        .transaction()
        .execute((tx) => recordRefundTx(tx, deps, userId, approvedBy, input));
    },

    'refunds.voucher': ({ refundId }) => readVoucher(deps.store(), refundId),

    'refunds.list': (filter) => listRefunds(deps.store(), filter),

    'refunds.print': (input, call) => printRefundVoucher(deps, print, requireSession(call).userId, input),
  };
}

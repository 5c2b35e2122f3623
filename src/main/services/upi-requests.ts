// UPI at the counter: a QR for the amount being collected, under a reference of its own that the payment then names.
import { AppError } from '../../shared/contract/errors';
import { upiPayLink } from '../../shared/domain/upi';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { payersOf, today } from './payments';
import { readPolicies } from './settings';
import { issueUpiReferences } from './upi-references';

/**
 * A UPI request at the counter: the school's payee, the amount being collected and a reference of its own, recorded
 * for the first student paying, audited, in one transaction. Refused while the school has no UPI ID.
 */
export async function requestCounterUpi(
  deps: ServiceDeps,
  actorId: string,
  studentIds: readonly string[],
  amount: number,
): Promise<{ reference: string; link: string; payeeName: string; amount: number }> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const policies = await readPolicies(tx);
      if (policies.upiId === '')
        throw new AppError('conflict', 'UPI payments are not set up: an admin sets the school’s UPI ID under Settings → UPI payments');
      const payers = await payersOf(tx, studentIds);
      const [issued] = await issueUpiReferences(tx, deps, 'counter', today(deps), [{ studentId: payers[0]!.id, amount, covers: [] }]);
      const link = upiPayLink({
        payeeId: policies.upiId,
        payeeName: policies.upiPayeeName,
        merchantCode: policies.upiMerchantCode || undefined,
        amount,
        reference: issued!.ref,
        note: `${payers[0]!.admission_no} ${issued!.ref}`,
      });
      await recordAudit(tx, deps, {
        actorId,
        action: 'payments.upiRequest',
        entity: 'upi_reference',
        entityId: issued!.ref,
        after: { ref: issued!.ref, amount, studentIds },
      });
      return { reference: issued!.ref, link, payeeName: policies.upiPayeeName, amount };
    });
}

// Printing a refund voucher: each print is the voucher's next copy, counted with its audit row in one transaction.
import type { RefundVoucher } from '../../shared/contract/refunds';
import type { Receipt } from '../../shared/contract/payments';
import { dateIn } from '../../shared/domain/dates';
import type { Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { letterhead } from './no-dues';
import { readVoucher } from './refunds';
import { readLogo } from './settings';

/** What a printed voucher says: the voucher as written, the school's letterhead, and which copy this is. */
export interface VoucherCopy {
  voucher: RefundVoucher;
  copyNo: number;
  school: Receipt['school'];
  logo: Buffer | null;
  /** A duplicate's printing: the day and who printed it. */
  reprint: { on: string; by: string } | null;
}

/** Counts the voucher's next copy (the first is the original) in the caller's transaction. */
export async function printVoucherCopy(tx: Tx, deps: ServiceDeps, userId: string, refundId: string): Promise<VoucherCopy> {
  const voucher = await readVoucher(tx, refundId);
  const copyNo = voucher.prints + 1;
  const at = deps.clock.now().toISOString();
  await tx.insertInto('refund_print').values({ id: deps.ids.uuid(), refund_id: refundId, at, by_user: userId, copy_no: copyNo }).execute();
  await recordAudit(tx, deps, {
    actorId: userId,
    action: copyNo === 1 ? 'refunds.print' : 'refunds.reprint',
    entity: 'refund',
    entityId: refundId,
    after: { voucherNo: voucher.voucherNo, copyNo },
  });
  const user = await tx.selectFrom('app_user').select('full_name').where('id', '=', userId).executeTakeFirst();
  return {
    voucher: { ...voucher, prints: copyNo },
    copyNo,
    school: await letterhead(tx),
    logo: await readLogo(tx),
    reprint: copyNo > 1 ? { on: dateIn(deps.clock.now()), by: user?.full_name ?? '' } : null,
  };
}

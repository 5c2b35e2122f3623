// Bank references in the books: a UTR or bank reference is in the books once, whether it was typed at the counter or
// came in a bank statement line; statement lines confirmed into the books (and the ones left waiting) are kept here.
import { sql } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { BankLineTable, Tx } from '../db/schema';
import type { Clock, IdSource } from './context';
import { enqueue } from './outbox';

/** The standing payment a bank reference is in the books as (recorded under it, or confirmed by a line with it). */
export async function paymentWithBankKey(tx: Tx, key: string): Promise<{ id: string; receiptNo: string } | null> {
  const found = await sql<{ id: string; receipt_no: string }>`
    select p.id, p.receipt_no from payment p
    where (p.bank_ref = ${key} or p.id = (select b.payment_id from bank_line b where b.key = ${key}))
      and not exists (select 1 from payment_event e where e.payment_id = p.id)
    limit 1`.execute(tx);
  const row = found.rows[0];
  return row ? { id: row.id, receiptNo: row.receipt_no } : null;
}

/** Refuses a bank reference the books hold already: the same money is never in them twice. */
export async function assertBankKeyFree(tx: Tx, key: string, field: string, label: string): Promise<void> {
  const holder = await paymentWithBankKey(tx, key);
  if (holder) throw new AppError('conflict', `${field} ${label} is in the books already, by receipt ${holder.receiptNo}`, field);
}

export type WaitingLine = Pick<BankLineTable, 'key' | 'account' | 'line_date' | 'amount' | 'narration' | 'kind' | 'reference'>;

/** Keeps statement lines not in the books yet (the report's "in the bank, not in the books"); known lines stay as they are. */
export async function keepWaitingLines(tx: Tx, lines: readonly WaitingLine[], importedAt: string): Promise<void> {
  for (let i = 0; i < lines.length; i += 200) {
    const rows = lines.slice(i, i + 200).map((l) => ({
      ...l,
      payment_id: null,
      outcome: null,
      confirmed_at: null,
      by_user: null,
      desk_code: null,
      imported_at: importedAt,
    }));
    await tx
      .insertInto('bank_line')
      .values(rows)
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

/** A statement line into the books as `paymentId`, in the caller's transaction, and to the other desks. */
export async function confirmBankLine(
  tx: Tx,
  env: { clock: Clock; ids: IdSource },
  line: WaitingLine,
  confirmed: { paymentId: string; outcome: 'recorded' | 'confirmed' | 'cleared'; userId: string; deskCode: string },
): Promise<void> {
  const at = env.clock.now().toISOString();
  const narration = line.narration.slice(0, 500);
  const set = {
    payment_id: confirmed.paymentId,
    outcome: confirmed.outcome,
    confirmed_at: at,
    by_user: confirmed.userId,
    desk_code: confirmed.deskCode,
  };
  await tx
    .insertInto('bank_line')
    .values({ ...line, narration, imported_at: at, ...set })
    .onConflict((oc) => oc.column('key').doUpdateSet(set))
    .execute();
  await enqueue(tx, env, 'bank.confirm', {
    key: line.key,
    account: line.account,
    lineDate: line.line_date,
    amount: line.amount,
    narration,
    kind: line.kind,
    reference: line.reference,
    paymentId: confirmed.paymentId,
    outcome: confirmed.outcome,
    confirmedAt: at,
    byUser: confirmed.userId,
    deskCode: confirmed.deskCode,
  });
}

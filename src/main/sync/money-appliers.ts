// Applying the money another desk took or reversed: its payments, reversals, the server's over-payment findings and
// the bank statement lines it confirmed into the books.
import { sql } from 'kysely';
import type { ChangeArgs, MutationArgs } from '../../shared/sync/protocol';
import type { DueTable, Tx } from '../db/schema';
import { writeReversal } from '../services/reversals';
import { chunks, ensureRemoteUser, type Env, insertDues } from './remote-rows';

export async function recordRemotePayment(tx: Tx, env: Env, a: MutationArgs<'payments.record'>) {
  const payment = a.payment;
  if (await tx.selectFrom('payment').select('id').where('id', '=', payment.id).executeTakeFirst()) return;
  const snapshot = JSON.parse(payment.snapshot_json) as { cashier?: { name?: string } };
  await ensureRemoteUser(tx, env, payment.cashier_id, snapshot.cashier?.name);
  await insertDues(tx, a.fineDues);
  await tx.insertInto('payment').values(payment).execute();
  for (const part of chunks(a.allocations, 5)) await tx.insertInto('allocation').values(part).execute();
  for (const c of a.credit) {
    await tx
      .insertInto('credit_entry')
      .values({
        id: env.ids.uuid(),
        student_id: c.studentId,
        amount: c.amount,
        kind: c.kind,
        payment_id: payment.id,
        event_id: null,
        at: payment.received_at,
        note: null,
        approved_by: null,
      })
      .execute();
  }
}

type RemoteReversal = Pick<MutationArgs<'payments.cancel'>, 'paymentId' | 'eventId' | 'at' | 'reason' | 'byUser' | 'approvedBy'>;

export async function reverseRemote(
  tx: Tx,
  env: Env,
  a: RemoteReversal,
  kind: 'cancelled' | 'bounced',
  deskCode: string,
  chargeDue: DueTable | null = null,
) {
  // A receipt is reversed once. This desk may have reversed it itself, offline, before another desk's reversal reached
  // the server first: that one is refused there and listed here as refused; this desk's stands as it is.
  if (await tx.selectFrom('payment_event').select('id').where('payment_id', '=', a.paymentId).executeTakeFirst()) return;
  await ensureRemoteUser(tx, env, a.byUser);
  await ensureRemoteUser(tx, env, a.approvedBy);
  await writeReversal(tx, env, {
    paymentId: a.paymentId,
    kind,
    eventId: a.eventId,
    at: a.at,
    reason: a.reason,
    byUser: a.byUser,
    approvedBy: a.approvedBy,
    deskCode,
  });
  await insertDues(tx, [chargeDue]);
}

export async function overpaid(tx: Tx, env: Env, a: ChangeArgs<'payments.overpaid'>) {
  const { id, amount } = a;
  const { pull_from_start: pull } = await tx
    .selectFrom('sync_state')
    .select('pull_from_start')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  if (await tx.selectFrom('sync_alert').select('id').where('id', '=', id).executeTakeFirst()) {
    // Brought again by a pull from the start: the server still holds it (see undoOverpaymentsNotResent).
    if (pull) await tx.updateTable('sync_alert').set({ pull_seen: pull }).where('id', '=', id).execute();
    return;
  }
  await tx
    .insertInto('allocation')
    .values({ payment_id: a.paymentId, due_id: a.dueId, student_id: a.studentId, amount: -amount, event_id: id })
    .execute();
  await tx
    .insertInto('credit_entry')
    .values({
      id: env.ids.uuid(),
      student_id: a.studentId,
      amount,
      kind: 'overpayment',
      payment_id: a.paymentId,
      event_id: id,
      at: a.at,
      note: 'overpaid on two desks',
      approved_by: null,
    })
    .execute();
  await tx
    .insertInto('sync_alert')
    .values({
      id,
      kind: 'overpayment',
      message: a.message,
      payment_id: a.paymentId,
      student_id: a.studentId,
      amount,
      at: a.at,
      seen_at: null,
      pull_seen: pull,
    })
    .execute();
}

const UNDONE_NOTE = 'over-payment undone: the sync server, restored from a backup, no longer holds it';

/**
 * At the end of a pull from the start (`pull`): every over-payment the server settled that this pull did not bring
 * again is one the server no longer holds (restored from a backup; it may have settled the same excess on another
 * receipt since). Each is undone with entries of its own (the append-only books keep both), and an alert says so.
 * Returns how many were undone.
 */
export async function undoOverpaymentsNotResent(tx: Tx, env: Env, pull: string): Promise<number> {
  const lost = await tx
    .selectFrom('sync_alert')
    .selectAll()
    .where('kind', '=', 'overpayment')
    .where((eb) => eb.or([eb('pull_seen', 'is', null), eb('pull_seen', '!=', pull)]))
    .execute();
  const now = env.clock.now().toISOString();
  let undone = 0;
  for (const alert of lost) {
    const undoId = `${alert.id}:undone`;
    if (await tx.selectFrom('sync_alert').select('id').where('id', '=', undoId).executeTakeFirst()) continue;
    const allocations = await tx
      .selectFrom('allocation')
      .select(['payment_id', 'due_id', 'student_id', 'amount'])
      .where('event_id', '=', alert.id)
      .execute();
    for (const row of allocations)
      await tx
        .insertInto('allocation')
        .values({ ...row, amount: -row.amount, event_id: undoId })
        .execute();
    const credits = await tx
      .selectFrom('credit_entry')
      .select(['student_id', 'amount', 'payment_id'])
      .where('event_id', '=', alert.id)
      .execute();
    for (const row of credits)
      await tx
        .insertInto('credit_entry')
        .values({
          ...row,
          id: env.ids.uuid(),
          amount: -row.amount,
          kind: 'overpayment',
          event_id: undoId,
          at: now,
          note: UNDONE_NOTE,
          approved_by: null,
        })
        .execute();
    await tx
      .insertInto('sync_alert')
      .values({
        id: undoId,
        kind: 'overpayment_undone',
        message: `The sync server, restored from a backup, no longer holds an over-payment it had found on this receipt: it was taken back out of the student's advance credit. Check the student's statement.`,
        payment_id: alert.payment_id,
        student_id: alert.student_id,
        amount: alert.amount,
        at: now,
        seen_at: null,
        pull_seen: pull,
      })
      .execute();
    undone += 1;
  }
  return undone;
}

/** A bank line another desk confirmed: the payment it is in the books as. */
export async function confirmRemoteBankLine(tx: Tx, env: Env, a: MutationArgs<'bank.confirm'>) {
  await ensureRemoteUser(tx, env, a.byUser);
  const confirmed = {
    payment_id: a.paymentId,
    outcome: a.outcome,
    confirmed_at: a.confirmedAt,
    by_user: a.byUser,
    desk_code: a.deskCode,
  };
  // A line this desk imported and left waiting is the same line: it is in the books now. A line this desk confirmed
  // itself, with a receipt still standing and the server not refusing it, stays: the server took this desk's
  // confirmation after the pulled one (the line's receipt there was reversed in between), and a full resync replays
  // other desks' confirmations but never this desk's own.
  await tx
    .insertInto('bank_line')
    .values({
      key: a.key,
      account: a.account,
      line_date: a.lineDate,
      amount: a.amount,
      narration: a.narration,
      kind: a.kind,
      reference: a.reference,
      imported_at: a.confirmedAt,
      ...confirmed,
    })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet(confirmed)
        .where(
          sql<boolean>`not (bank_line.payment_id is not null
            and bank_line.desk_code = (select code from desk)
            and not exists (select 1 from payment_event e where e.payment_id = bank_line.payment_id)
            and not exists (select 1 from outbox o where o.state = 'rejected' and (
              (o.name = 'bank.confirm' and json_extract(o.args_json, '$.key') = bank_line.key
                and json_extract(o.args_json, '$.paymentId') = bank_line.payment_id)
              or (o.name = 'payments.record' and json_extract(o.args_json, '$.payment.id') = bank_line.payment_id))))`,
        ),
    )
    .execute();
}

/** A refund voucher another desk wrote: the voucher, the money it took back (and set off), its waivers and credit. */
export async function recordRemoteRefund(tx: Tx, env: Env, a: MutationArgs<'refunds.record'>) {
  if (await tx.selectFrom('refund').select('id').where('id', '=', a.refund.id).executeTakeFirst()) return;
  await ensureRemoteUser(tx, env, a.refund.by_user);
  await ensureRemoteUser(tx, env, a.refund.approved_by);
  await tx.insertInto('refund').values(a.refund).execute();
  // A voucher of this desk's own code, written by an earlier store of it (a desk enrolled again on a fresh store): this
  // store numbers on after it, never issuing its number again.
  await tx
    .insertInto('refund_series')
    .values({ desk_code: a.refund.desk_code, academic_year_id: a.refund.academic_year_id, last_seq: a.refund.seq })
    .onConflict((oc) =>
      oc.columns(['desk_code', 'academic_year_id']).doUpdateSet({ last_seq: sql<number>`max(refund_series.last_seq, excluded.last_seq)` }),
    )
    .execute();
  if (a.allocations.length > 0) await tx.insertInto('allocation').values(a.allocations).execute();
  if (a.waivers.length > 0) await tx.insertInto('due_waiver').values(a.waivers).execute();
  if (a.credit.length > 0) await tx.insertInto('credit_entry').values(a.credit).execute();
}

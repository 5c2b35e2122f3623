// Day close: the cashier counts the drawer against what the ledger expects per mode; closing locks that desk-day.
import { sql } from 'kysely';
import type { DayCloseStatus } from '../../shared/contract/reports';
import { AppError } from '../../shared/contract/errors';
import { PAYMENT_MODES, paymentModeInText } from '../../shared/contract/payments';
import { cashCountTotal, denominationsFor } from '../../shared/domain/denominations';
import { formatMoney } from '../../shared/domain/money';
import type { Store, Tx } from '../db/schema';
import { recordAudit, writeCheckpoint } from './audit';
import type { ServiceDeps } from './context';
import type { Session } from './sessions';
import { enqueue } from './outbox';
import { today } from './payments';
import { readPolicies } from './settings';

/**
 * What the drawer should hold per mode: the desk's receipts of the day less the receipts it cancelled that day
 * (the money went back to the payer). A bounce does not touch the drawer: the cheque had already gone to the bank.
 * Receipts recorded from a bank statement line are the bank's money, never the counter's: they are left out.
 */
/** A payment the counter took, not one a bank statement line became. */
const counter = sql`not exists (select 1 from bank_line b where b.payment_id = p.id and b.outcome = 'recorded')`;

export async function expectedByMode(
  db: Store | Tx,
  desk: string,
  date: string,
): Promise<{ expected: Record<string, number>; receipts: number }> {
  const taken = await sql<{ mode: string; amount: number; n: number }>`
    select mode, sum(amount) as amount, count(*) as n from payment p where desk_code = ${desk} and business_date = ${date} and ${counter}
    group by mode`.execute(db);
  const given = await sql<{ mode: string; amount: number }>`
    select p.mode, sum(p.amount) as amount from payment_event e join payment p on p.id = e.payment_id
    where e.desk_code = ${desk} and e.kind = 'cancelled' and date(e.at, 'localtime') = ${date} and ${counter} group by p.mode`.execute(db);
  const expected: Record<string, number> = Object.fromEntries(PAYMENT_MODES.map((m) => [m, 0]));
  for (const r of taken.rows) expected[r.mode] = (expected[r.mode] ?? 0) + r.amount;
  for (const r of given.rows) expected[r.mode] = (expected[r.mode] ?? 0) - r.amount;
  // Cash paid back over the counter on a refund voucher leaves the drawer (a cheque, transfer or UPI refund does not).
  const paidBack = await sql<{ amount: number | null }>`
    select sum(amount) as amount from refund where desk_code = ${desk} and business_date = ${date} and mode = 'cash'`.execute(db);
  expected['cash'] = (expected['cash'] ?? 0) - (paidBack.rows[0]?.amount ?? 0);
  return { expected, receipts: taken.rows.reduce((a, r) => a + r.n, 0) };
}

/**
 * UPI the desk's counter took that day and still stands, and the part of it a bank statement line has confirmed since.
 * A UPI payment recorded from a statement line is the bank's money, not the counter's: it is left out.
 */
async function upiConfirmed(db: Store | Tx, desk: string, date: string): Promise<DayCloseStatus['upi']> {
  const found = await sql<DayCloseStatus['upi']>`
    select coalesce(sum(amount), 0) as taken, count(*) as receipts,
      coalesce(sum(case when confirmed then amount else 0 end), 0) as confirmed, coalesce(sum(confirmed), 0) as confirmedReceipts
    from (
      select p.amount, exists (select 1 from bank_line b where b.payment_id = p.id) as confirmed from payment p
      where p.desk_code = ${desk} and p.business_date = ${date} and p.mode = 'upi'
        and not exists (select 1 from payment_event e where e.payment_id = p.id) and ${counter})`.execute(db);
  return found.rows[0]!;
}

const deskCode = async (db: Store | Tx) => (await db.selectFrom('desk').select('code').executeTakeFirstOrThrow()).code;

export async function dayCloseStatus(db: Store | Tx, date: string, desk?: string): Promise<DayCloseStatus> {
  const code = desk ?? (await deskCode(db));
  const school = await db.selectFrom('school').select(['currency', 'locale']).executeTakeFirstOrThrow();
  const { cashDenominations } = await readPolicies(db);
  const { expected, receipts } = await expectedByMode(db, code, date);
  const history = await db
    .selectFrom('day_close as d')
    .leftJoin('app_user as u', 'u.id', 'd.by_user')
    .select(['d.kind', 'd.at', 'u.full_name', 'd.note', 'd.variance', 'd.counted_json', 'd.denominations_json'])
    .where('d.desk_code', '=', code)
    .where('d.business_date', '=', date)
    .orderBy('d.at')
    .orderBy('d.id')
    .execute();
  const last = history.at(-1);
  const closed = last?.kind === 'closed' ? last : null;
  return {
    desk: code,
    date,
    state: closed ? 'closed' : 'open',
    currency: school.currency,
    locale: school.locale,
    denominations: denominationsFor(school.currency, cashDenominations),
    expected,
    receipts,
    upi: await upiConfirmed(db, code, date),
    closedAt: closed?.at ?? null,
    closedBy: closed?.full_name ?? null,
    counted: closed?.counted_json ? (JSON.parse(closed.counted_json) as Record<string, number>) : null,
    cashCount: closed?.denominations_json ? (JSON.parse(closed.denominations_json) as Record<string, number>) : null,
    variance: closed?.variance ?? null,
    note: closed?.note ?? null,
    history: history.map((h) => ({ kind: h.kind, at: h.at, by: h.full_name ?? 'another desk’s user', note: h.note, variance: h.variance })),
  };
}

export interface CloseInput {
  date: string;
  cashCount: Record<string, number>;
  counted: Partial<Record<string, number>>;
  note: string | null;
}

export async function closeDay(deps: ServiceDeps, session: Session, input: CloseInput): Promise<DayCloseStatus> {
  const now = deps.clock.now();
  if (input.date > today(deps))
    throw new AppError('invalid_input', `${input.date} has not happened yet: a day is closed at its end`, 'date');
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const status = await dayCloseStatus(tx, input.date);
      if (status.state === 'closed')
        throw new AppError('conflict', `${input.date} is already closed on desk ${status.desk} by ${status.closedBy}`, 'date');
      for (const [denomination, pieces] of Object.entries(input.cashCount)) {
        if (!status.denominations.includes(Number(denomination))) {
          throw new AppError(
            'invalid_input',
            `is not one of this school’s notes or coins (${status.denominations.join(', ')} in minor units)`,
            `cashCount.${denomination}`,
          );
        }
        if (pieces === 0) delete input.cashCount[denomination];
      }
      const counted: Record<string, number> = Object.fromEntries(
        PAYMENT_MODES.map((m) => [m, m === 'cash' ? cashCountTotal(input.cashCount) : (input.counted[m] ?? 0)]),
      );
      const money = (minor: number) => formatMoney(minor, status.currency, status.locale);
      const off = PAYMENT_MODES.filter((m) => counted[m] !== status.expected[m]);
      const variance = PAYMENT_MODES.reduce((a, m) => a + counted[m]! - status.expected[m]!, 0);
      if (off.length > 0 && !input.note) {
        const detail = off.map((m) => `${m} counted ${money(counted[m]!)} against ${money(status.expected[m]!)}`).join('; ');
        throw new AppError('invalid_input', `is required when the count differs from what is expected (${detail})`, 'note');
      }
      const row = {
        id: deps.ids.uuid(),
        desk_code: status.desk,
        business_date: input.date,
        kind: 'closed' as const,
        at: now.toISOString(),
        by_user: session.userId,
        expected_json: JSON.stringify(status.expected),
        counted_json: JSON.stringify(counted),
        denominations_json: JSON.stringify(input.cashCount),
        variance,
        note: input.note,
      };
      await tx.insertInto('day_close').values(row).execute();
      await recordAudit(tx, deps, {
        actorId: session.userId,
        action: 'dayClose.close',
        entity: 'day_close',
        entityId: row.id,
        after: { date: input.date, expected: status.expected, counted, variance, note: input.note },
      });
      // The day's trail, sealed: a signed checkpoint of the audit chain at the close.
      await writeCheckpoint(tx, deps, status.desk);
      await enqueue(tx, deps, 'dayClose.close', row);
      return dayCloseStatus(tx, input.date);
    });
}

export async function reopenDay(deps: ServiceDeps, session: Session, date: string, reason: string): Promise<DayCloseStatus> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const status = await dayCloseStatus(tx, date);
      if (status.state !== 'closed')
        throw new AppError('conflict', `${date} is not closed on desk ${status.desk}: there is nothing to reopen`, 'date');
      const row = {
        id: deps.ids.uuid(),
        desk_code: status.desk,
        business_date: date,
        kind: 'reopened' as const,
        at: deps.clock.now().toISOString(),
        by_user: session.userId,
        expected_json: null,
        counted_json: null,
        denominations_json: null,
        variance: null,
        note: reason,
      };
      await tx.insertInto('day_close').values(row).execute();
      await recordAudit(tx, deps, {
        actorId: session.userId,
        action: 'dayClose.reopen',
        entity: 'day_close',
        entityId: row.id,
        before: { date, state: 'closed', closedBy: status.closedBy, variance: status.variance },
        after: { date, state: 'open', reason },
      });
      await enqueue(tx, deps, 'dayClose.reopen', row);
      return dayCloseStatus(tx, date);
    });
}

/** Marks a cheque or draft cleared by the bank: it leaves the pending list. */
export async function clearCheque(
  deps: ServiceDeps,
  session: Session,
  paymentId: string,
  clearedOn: string,
): Promise<{ paymentId: string; clearedOn: string }> {
  return deps
    .store()
    .transaction()
    .execute((tx) => clearChequeTx(tx, deps, session.userId, paymentId, clearedOn));
}

/** Clears a cheque inside the caller's transaction (by hand, or by the bank statement that shows it credited). */
export async function clearChequeTx(
  tx: Tx,
  deps: Pick<ServiceDeps, 'clock' | 'ids'>,
  userId: string,
  paymentId: string,
  clearedOn: string,
): Promise<{ paymentId: string; clearedOn: string }> {
  const payment = await tx
    .selectFrom('payment')
    .select(['receipt_no', 'mode', 'business_date'])
    .where('id', '=', paymentId)
    .executeTakeFirst();
  if (!payment) throw new AppError('not_found', 'no payment has this id', 'paymentId');
  if (payment.mode !== 'cheque' && payment.mode !== 'dd')
    throw new AppError(
      'conflict',
      `receipt ${payment.receipt_no} was paid by ${paymentModeInText(payment.mode)}: only cheques and drafts clear`,
      'paymentId',
    );
  if (clearedOn < payment.business_date)
    throw new AppError('invalid_input', `must not be before the cheque was received (${payment.business_date})`, 'clearedOn');
  if (clearedOn > today(deps)) throw new AppError('invalid_input', 'must not be in the future', 'clearedOn');
  const event = await tx.selectFrom('payment_event').select('kind').where('payment_id', '=', paymentId).executeTakeFirst();
  if (event) throw new AppError('conflict', `receipt ${payment.receipt_no} was ${event.kind}: it cannot clear`, 'paymentId');
  const earlier = await tx.selectFrom('cheque_clearance').select('cleared_on').where('payment_id', '=', paymentId).executeTakeFirst();
  if (earlier)
    throw new AppError('conflict', `receipt ${payment.receipt_no} was already marked cleared on ${earlier.cleared_on}`, 'paymentId');
  const row = {
    payment_id: paymentId,
    cleared_on: clearedOn,
    at: deps.clock.now().toISOString(),
    by_user: userId,
    desk_code: await deskCode(tx),
  };
  await tx.insertInto('cheque_clearance').values(row).execute();
  await recordAudit(tx, deps, {
    actorId: userId,
    action: 'cheques.clear',
    entity: 'payment',
    entityId: paymentId,
    after: { receiptNo: payment.receipt_no, clearedOn },
  });
  await enqueue(tx, deps, 'payments.clear', row);
  return { paymentId, clearedOn };
}

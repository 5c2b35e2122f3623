// Refund vouchers: money paid back to a student's payer, approved by a second person, numbered per desk per year.
// A fee refund takes money back from the receipts that paid the due (negative allocations, newest receipt first) and
// waives what it refunded, so the due is neither owed again nor counted as paid. A deposit refund does the same to the
// deposit's dues and may set part of it off against dues still owed (positive allocations from the deposit's receipt).
// Advance credit refunded is a credit entry. The collection facts count every line on the voucher's day (triggers).
import type { Refundable, RefundRequest, RefundVoucher } from '../../shared/contract/refunds';
import { AppError } from '../../shared/contract/errors';
import { formatMoney } from '../../shared/domain/money';
import type { CreditEntryTable, DueWaiverTable, RefundTable, Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { WrittenRows } from './audit-chain';
import type { ServiceDeps } from './context';
import { assertDayOpen } from './day-lock';
import { creditBalances, type DueRow, dueRows } from './dues';
import { currentYear } from './masters';
import { enqueue } from './outbox';
import { referenceOf, today } from './payments';
import { getStudent } from './students';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

/** What a standing receipt paid on one due, net of what was refunded or moved from it since. */
interface ReceiptShare {
  due_id: string;
  payment_id: string;
  net: number;
  received_at: string;
  /** Not a cheque or draft, or one that cleared. */
  cleared: number;
}

async function receiptShares(db: Store | Tx, studentId: string): Promise<ReceiptShare[]> {
  return db
    .selectFrom('allocation as a')
    .innerJoin('payment as p', 'p.id', 'a.payment_id')
    .select(['a.due_id', 'a.payment_id', 'p.received_at'])
    .select((eb) => [
      eb.fn.sum<number>('a.amount').as('net'),
      eb
        .or([
          eb('p.mode', 'not in', ['cheque', 'dd']),
          eb.exists(eb.selectFrom('cheque_clearance as c').select('c.payment_id').whereRef('c.payment_id', '=', 'p.id')),
        ])
        .$castTo<number>()
        .as('cleared'),
    ])
    .where('a.due_id', 'in', (eb) => eb.selectFrom('due').select('due.id').where('due.student_id', '=', studentId))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('payment_event as e').select('e.id').whereRef('e.payment_id', '=', 'p.id'))))
    .groupBy(['a.due_id', 'a.payment_id'])
    .having((eb) => eb.fn.sum('a.amount'), '>', 0)
    .orderBy('p.received_at', 'desc')
    .execute();
}

const describe = (r: DueRow) => ({ dueId: r.id, year: r.year_name, installment: r.installment, head: r.head });

/** What can be paid back to a student now: fees paid, deposits held, advance credit; and what a deposit can be set off against. */
export async function refundableOf(db: Store | Tx, studentId: string): Promise<Refundable & { rows: DueRow[]; shares: ReceiptShare[] }> {
  const rows = await dueRows(db, [studentId]);
  const shares = await receiptShares(db, studentId);
  const deposits = new Set((await db.selectFrom('fee_head').select('id').where('deposit', '=', 1).execute()).map((h) => h.id));
  const paidOn = (dueId: string, cleared: boolean) =>
    shares.filter((s) => s.due_id === dueId && Boolean(s.cleared) === cleared).reduce((a, s) => a + s.net, 0);
  const paid = rows
    .map((r) => ({
      ...describe(r),
      deposit: deposits.has(r.head_id),
      charged: r.gross,
      refundable: paidOn(r.id, true),
      uncleared: paidOn(r.id, false),
    }))
    .filter((r) => r.refundable > 0 || r.uncleared > 0);
  const strip = ({ deposit: _, ...r }: (typeof paid)[number]) => r;
  const depositRows = paid.filter((r) => r.deposit).map(strip);
  const { id, admissionNo, fullName, className, section, guardianName, phone, status, familyId } = await getStudent(db, studentId);
  return {
    student: { id, admissionNo, fullName, className, section, guardianName, phone, status, familyId },
    fees: paid.filter((r) => !r.deposit).map(strip),
    deposits: depositRows,
    depositHeld: depositRows.reduce((a, r) => a + r.refundable, 0),
    credit: Math.max(0, (await creditBalances(db, [studentId])).get(studentId) ?? 0),
    owed: rows.filter((r) => r.balance > 0 && !deposits.has(r.head_id)).map((r) => ({ ...describe(r), balance: r.balance })),
    rows,
    shares,
  };
}

interface Take {
  dueId: string;
  amount: number;
}

/** Takes `total` from the deposits held, oldest first. */
function fromDeposits(deposits: Refundable['deposits'], total: number): Take[] {
  const takes: Take[] = [];
  let left = total;
  for (const d of deposits) {
    if (left <= 0) break;
    const take = Math.min(left, d.refundable);
    if (take > 0) takes.push({ dueId: d.dueId, amount: take });
    left -= take;
  }
  return takes;
}

/** The lines a request refunds, checked against what can be refunded; throws naming the field at fault. */
function refundLines(
  req: RefundRequest,
  view: Refundable & { rows: DueRow[] },
  money: (n: number) => string,
): { takes: Take[]; setOff: Take[] } {
  if (req.kind === 'credit') {
    if (req.amount > view.credit)
      throw new AppError('invalid_input', `is above the advance credit held for this student (${money(view.credit)})`, 'amount');
    return { takes: [], setOff: [] };
  }
  if (req.kind === 'fee') {
    req.lines.forEach((line, i) => {
      const fee = view.fees.find((f) => f.dueId === line.dueId);
      if (!fee) {
        const deposit = view.deposits.some((d) => d.dueId === line.dueId);
        const own = view.rows.find((r) => r.id === line.dueId);
        throw new AppError(
          'invalid_input',
          deposit
            ? 'is a refundable deposit: refund it as a deposit'
            : own
              ? `has nothing paid left to refund: ${own.installment} · ${own.head} (${own.year_name}) is unpaid or refunded already`
              : 'is not a fee of this student',
          `lines.${i}.dueId`,
        );
      }
      if (line.amount > fee.refundable) {
        const uncleared = fee.uncleared > 0 ? `; ${money(fee.uncleared)} more was paid by a cheque not yet cleared` : '';
        throw new AppError(
          'invalid_input',
          `is above what was paid: ${money(fee.refundable)} paid on ${fee.installment} · ${fee.head} (${fee.year}) can be refunded${uncleared}`,
          `lines.${i}.amount`,
        );
      }
    });
    return { takes: req.lines, setOff: [] };
  }
  req.setOff.forEach((line, i) => {
    const owed = view.owed.find((o) => o.dueId === line.dueId);
    if (!owed) throw new AppError('invalid_input', 'is not a due this student still owes', `setOff.${i}.dueId`);
    if (line.amount > owed.balance)
      throw new AppError(
        'invalid_input',
        `is above what is owed on ${owed.installment} · ${owed.head} (${money(owed.balance)})`,
        `setOff.${i}.amount`,
      );
  });
  const setOffTotal = req.setOff.reduce((a, l) => a + l.amount, 0);
  const total = req.amount + setOffTotal;
  if (total === 0) throw new AppError('invalid_input', 'enter what is paid back, or dues to set off, or both', 'amount');
  if (total > view.depositHeld) {
    const parts = setOffTotal > 0 ? ` (${money(req.amount)} paid back and ${money(setOffTotal)} set off)` : '';
    throw new AppError(
      'invalid_input',
      `is above the deposit held: ${money(total)}${parts} asked, ${money(view.depositHeld)} held`,
      'amount',
    );
  }
  return { takes: fromDeposits(view.deposits, total), setOff: req.setOff };
}

async function nextVoucherNumber(tx: Tx, year: { id: string; name: string }, deskCode: string) {
  const row = await tx
    .insertInto('refund_series')
    .values({ desk_code: deskCode, academic_year_id: year.id, last_seq: 1 })
    .onConflict((oc) =>
      oc.columns(['desk_code', 'academic_year_id']).doUpdateSet((eb) => ({ last_seq: eb('refund_series.last_seq', '+', 1) })),
    )
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return { seq: row.last_seq, voucherNo: `RF/${year.name}/${deskCode}/${String(row.last_seq).padStart(5, '0')}` };
}

/** The method's references as stored (as a payment's are) and as a line of text. */
function references(method: RefundRequest['method']) {
  const stored = referenceOf(method);
  const text = Object.values(stored)
    .filter((v) => v !== '')
    .join(' · ');
  return { mode: method.mode, json: JSON.stringify(stored), text };
}

/**
 * Records one refund inside the caller's transaction; the approver has been verified as a second person. Writes the
 * voucher, the negative allocations (and a deposit's set-off), the waivers, the credit entry, the audit row and the
 * outbox row.
 */
export async function recordRefundTx(tx: Tx, env: Env, byUser: string, approvedBy: string, req: RefundRequest): Promise<RefundVoucher> {
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  const asOf = today(env);
  await assertDayOpen(tx, desk.code, asOf);
  const school = await tx.selectFrom('school').select(['name', 'currency', 'locale']).executeTakeFirstOrThrow();
  const money = (n: number) => formatMoney(n, school.currency, school.locale);
  const view = await refundableOf(tx, req.studentId);
  const { takes, setOff } = refundLines(req, view, money);

  const year = await currentYear(tx);
  const { seq, voucherNo } = await nextVoucherNumber(tx, year, desk.code);
  const id = env.ids.uuid();
  const at = env.clock.now().toISOString();
  const byId = new Map(view.rows.map((r) => [r.id, r]));
  const line = (t: Take) => ({ ...describe(byId.get(t.dueId)!), amount: t.amount });
  const setOffTotal = setOff.reduce((a, l) => a + l.amount, 0);
  const amount = req.kind === 'fee' ? takes.reduce((a, t) => a + t.amount, 0) : req.amount;
  const ref = references(req.method);
  const users = await tx.selectFrom('app_user').select(['id', 'full_name']).where('id', 'in', [byUser, approvedBy]).execute();
  const nameOf = (userId: string) => users.find((u) => u.id === userId)?.full_name ?? '';
  const s = view.student;
  const snapshot: Omit<RefundVoucher, 'prints'> = {
    id,
    voucherNo,
    kind: req.kind,
    at,
    businessDate: asOf,
    deskCode: desk.code,
    school,
    student: { id: s.id, fullName: s.fullName, admissionNo: s.admissionNo, className: s.className, guardianName: s.guardianName },
    lines:
      req.kind === 'credit'
        ? [{ year: year.name, installment: 'Advance credit', head: 'Advance credit', amount: req.amount }]
        : takes.map((t) => {
            const { dueId: _, ...rest } = line(t);
            return rest;
          }),
    setOff: setOff.map((t) => {
      const { dueId: _, ...rest } = line(t);
      return rest;
    }),
    amount,
    setOffTotal,
    mode: ref.mode,
    reference: ref.text,
    reason: req.reason,
    by: nameOf(byUser),
    approvedBy: nameOf(approvedBy),
    depositLeft: req.kind === 'deposit' ? view.depositHeld - amount - setOffTotal : null,
  };
  const refund: RefundTable = {
    id,
    voucher_no: voucherNo,
    desk_code: desk.code,
    academic_year_id: year.id,
    seq,
    at,
    business_date: asOf,
    student_id: req.studentId,
    kind: req.kind,
    amount,
    set_off: setOffTotal,
    mode: ref.mode,
    reference_json: ref.json,
    reason: req.reason,
    by_user: byUser,
    approved_by: approvedBy,
    snapshot_json: JSON.stringify(snapshot),
  };
  await tx.insertInto('refund').values(refund).execute();

  // Each line's money comes back from the receipts that paid it, newest first (cleared ones only).
  const allocations: { payment_id: string; due_id: string; student_id: string; amount: number; event_id: string }[] = [];
  for (const t of takes) {
    let left = t.amount;
    for (const share of view.shares.filter((x) => x.due_id === t.dueId && x.cleared)) {
      if (left <= 0) break;
      const take = Math.min(left, share.net);
      allocations.push({ payment_id: share.payment_id, due_id: t.dueId, student_id: req.studentId, amount: -take, event_id: id });
      left -= take;
    }
  }
  // A set-off is paid from the deposit: from the receipt that took the deposit.
  const depositReceipt = allocations[0]?.payment_id;
  for (const o of setOff)
    allocations.push({ payment_id: depositReceipt!, due_id: o.dueId, student_id: req.studentId, amount: o.amount, event_id: id });
  if (allocations.length > 0) await tx.insertInto('allocation').values(allocations).execute();
  const waivers: DueWaiverTable[] = takes.map((t) => ({
    id: env.ids.uuid(),
    due_id: t.dueId,
    amount: t.amount,
    reason: `Refunded on ${voucherNo}: ${req.reason}`,
    approved_by: approvedBy,
    at,
  }));
  if (waivers.length > 0) await tx.insertInto('due_waiver').values(waivers).execute();
  const credit: (CreditEntryTable & { kind: 'refund'; payment_id: null; event_id: string })[] =
    req.kind === 'credit'
      ? [
          {
            id: env.ids.uuid(),
            student_id: req.studentId,
            amount: -req.amount,
            kind: 'refund',
            payment_id: null,
            event_id: id,
            at,
            note: req.reason,
            approved_by: approvedBy,
          },
        ]
      : [];
  if (credit.length > 0) await tx.insertInto('credit_entry').values(credit).execute();

  await recordAudit(tx, env, {
    actorId: byUser,
    action: 'refunds.record',
    entity: 'refund',
    entityId: id,
    before: req.kind === 'deposit' ? { depositHeld: view.depositHeld } : req.kind === 'credit' ? { credit: view.credit } : undefined,
    after: {
      voucherNo,
      kind: req.kind,
      studentId: req.studentId,
      amount,
      setOff: setOffTotal,
      mode: ref.mode,
      reason: req.reason,
      approvedBy,
      row: refund,
      allocations: allocations.map((a) => [a.due_id, a.amount]),
      written: { due_waiver: waivers, credit_entry: credit, refund: [refund] } satisfies WrittenRows,
    },
  });
  await enqueue(tx, env, 'refunds.record', { refund: { ...refund, mode: ref.mode }, allocations, waivers, credit });
  return { ...snapshot, prints: 0 };
}

/** A voucher as it was written, with how many times it has been printed. */
export async function readVoucher(db: Store | Tx, refundId: string): Promise<RefundVoucher> {
  const row = await db.selectFrom('refund').select('snapshot_json').where('id', '=', refundId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'no refund voucher has this id', 'refundId');
  const prints = await db
    .selectFrom('refund_print')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('refund_id', '=', refundId)
    .executeTakeFirstOrThrow();
  return { ...(JSON.parse(row.snapshot_json) as Omit<RefundVoucher, 'prints'>), prints: Number(prints.n) };
}

export async function listRefunds(db: Store, filter: { studentId?: string | undefined; limit: number }) {
  let q = db
    .selectFrom('refund as r')
    .innerJoin('student as s', 's.id', 'r.student_id')
    .select(['r.id', 'r.voucher_no', 'r.kind', 'r.business_date', 's.full_name', 's.admission_no', 'r.amount', 'r.set_off', 'r.mode'])
    .orderBy('r.at', 'desc')
    .limit(filter.limit);
  if (filter.studentId) q = q.where('r.student_id', '=', filter.studentId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    voucherNo: r.voucher_no,
    kind: r.kind,
    businessDate: r.business_date,
    studentName: r.full_name,
    admissionNo: r.admission_no,
    amount: r.amount,
    setOffTotal: r.set_off,
    mode: r.mode as RefundVoucher['mode'],
  }));
}

/** The receipts a refund has taken money back from: these can no longer be cancelled or bounced. */
export async function refundAgainst(db: Store | Tx, paymentId: string): Promise<string | null> {
  const row = await db
    .selectFrom('allocation as a')
    .innerJoin('refund as r', 'r.id', 'a.event_id')
    .select('r.voucher_no')
    .where('a.payment_id', '=', paymentId)
    .executeTakeFirst();
  return row?.voucher_no ?? null;
}

// A student's statement: every due (a previous year's named as its arrears), concession, waiver, payment, reversal and
// refund (a deposit's set-off too) with a running balance.
import { sql } from 'kysely';
import { paymentModeInText, type Ledger } from '../../shared/contract/payments';
import { arrearsLabel } from '../../shared/domain/arrears';
import type { Store } from '../db/schema';
import { creditBalances, dueRows } from './dues';
import { payersOf } from './payments';

type Entry = Omit<Ledger['entries'][number], 'balance'> & { order: number };

export async function studentLedger(db: Store, studentId: string): Promise<Ledger> {
  await payersOf(db, [studentId]);
  const dues = await dueRows(db, [studentId]);
  const entries: Entry[] = [];
  for (const d of dues) {
    const kind = d.kind === 'fee' ? 'due' : d.kind === 'fine' ? 'fine' : 'charge';
    entries.push({
      date: d.due_on,
      kind,
      description: `${d.arrears ? `${arrearsLabel(d.year_name)} · ` : ''}${d.installment} · ${d.head}`,
      reference: null,
      debit: d.gross,
      credit: 0,
      order: 0,
    });
  }
  const concessions = await sql<{ at: string; name: string; amount: number }>`
    select substr(cd.decided_at, 1, 10) as at, c.name, sum(dc.amount) as amount
    from due_concession dc join due d on d.id = dc.due_id join concession c on c.id = dc.concession_id
    join concession_decision cd on cd.concession_id = c.id
    where d.student_id = ${studentId} group by c.id order by cd.decided_at`.execute(db);
  for (const c of concessions.rows)
    entries.push({
      date: c.at,
      kind: 'concession',
      description: `Concession: ${c.name}`,
      reference: null,
      debit: 0,
      credit: c.amount,
      order: 1,
    });
  const waivers = await sql<{ at: string; reason: string; amount: number }>`
    select substr(w.at, 1, 10) as at, w.reason, w.amount from due_waiver w join due d on d.id = w.due_id
    where d.student_id = ${studentId} order by w.at`.execute(db);
  for (const w of waivers.rows)
    entries.push({ date: w.at, kind: 'waiver', description: `Waived: ${w.reason}`, reference: null, debit: 0, credit: w.amount, order: 1 });

  // This student's part of each payment: what it paid of their dues plus credit it added or used.
  const moves = await sql<{
    receipt_no: string;
    mode: string;
    received_at: string;
    business_date: string;
    event_at: string | null;
    event_kind: string | null;
    paid: number;
    reversed: number;
  }>`
    select p.receipt_no, p.mode, p.received_at, p.business_date, e.at as event_at, e.kind as event_kind,
      coalesce((select sum(a.amount) from allocation a where a.payment_id = p.id and a.student_id = ${studentId} and a.event_id is null), 0)
      + coalesce((select sum(c.amount) from credit_entry c where c.payment_id = p.id and c.student_id = ${studentId} and c.event_id is null), 0) as paid,
      coalesce((select sum(a.amount) from allocation a where a.payment_id = p.id and a.student_id = ${studentId} and a.event_id is not null
        and not exists (select 1 from refund r where r.id = a.event_id)), 0)
      + coalesce((select sum(c.amount) from credit_entry c where c.payment_id = p.id and c.student_id = ${studentId} and c.event_id is not null), 0) as reversed
    from payment p left join payment_event e on e.payment_id = p.id
    where p.id in (select a.payment_id from due d join allocation a on a.due_id = d.id where d.student_id = ${studentId}
                   union select payment_id from credit_entry where student_id = ${studentId} and payment_id is not null)
    order by p.received_at`.execute(db);
  for (const m of moves.rows) {
    if (m.paid !== 0)
      entries.push({
        date: m.business_date,
        kind: 'payment',
        description: `Receipt ${m.receipt_no} (${paymentModeInText(m.mode)})`,
        reference: m.receipt_no,
        debit: 0,
        credit: m.paid,
        order: 2,
      });
    if (m.event_at && m.reversed !== 0) {
      entries.push({
        date: m.event_at.slice(0, 10),
        kind: 'reversal',
        description: `Receipt ${m.receipt_no} ${m.event_kind}`,
        reference: m.receipt_no,
        debit: -m.reversed,
        credit: 0,
        order: 3,
      });
    }
  }
  const refunds = await db
    .selectFrom('credit_entry')
    .select(['at', 'amount', 'note'])
    .where('student_id', '=', studentId)
    .where('kind', '=', 'refund')
    .execute();
  for (const r of refunds)
    entries.push({
      date: r.at.slice(0, 10),
      kind: 'credit_refund',
      description: `Advance credit refunded: ${r.note ?? ''}`.trim(),
      reference: null,
      debit: -r.amount,
      credit: 0,
      order: 4,
    });

  // Refund vouchers: the money each took back from the dues it refunded, and a deposit's part set off against dues.
  const vouchers = await sql<{
    voucher_no: string;
    business_date: string;
    kind: string;
    mode: string;
    reason: string;
    taken: number;
    set_off: number;
  }>`
    select r.voucher_no, r.business_date, r.kind, r.mode, r.reason,
      coalesce((select -sum(a.amount) from allocation a where a.event_id = r.id and a.amount < 0), 0) as taken,
      coalesce((select sum(a.amount) from allocation a where a.event_id = r.id and a.amount > 0), 0) as set_off
    from refund r where r.student_id = ${studentId} and r.kind <> 'credit' order by r.at`.execute(db);
  for (const v of vouchers.rows) {
    const what = v.kind === 'deposit' ? 'Deposit returned' : 'Fees refunded';
    if (v.taken > 0)
      entries.push({
        date: v.business_date,
        kind: 'refund',
        description: `${what} on ${v.voucher_no} (${paymentModeInText(v.mode)}): ${v.reason}`,
        reference: v.voucher_no,
        debit: v.taken,
        credit: 0,
        order: 4,
      });
    if (v.set_off > 0)
      entries.push({
        date: v.business_date,
        kind: 'set_off',
        description: `Set off from the deposit on ${v.voucher_no}`,
        reference: v.voucher_no,
        debit: 0,
        credit: v.set_off,
        order: 4,
      });
  }

  entries.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
  let balance = 0;
  const withBalance = entries.map(({ order: _order, ...e }) => {
    balance += e.debit - e.credit;
    return { ...e, balance };
  });
  const sum = (kind: Entry['kind'], side: 'debit' | 'credit') => entries.filter((e) => e.kind === kind).reduce((a, e) => a + e[side], 0);
  const credit = (await creditBalances(db, [studentId])).get(studentId) ?? 0;
  return {
    studentId,
    entries: withBalance,
    totals: {
      charged: sum('due', 'debit') + sum('fine', 'debit') + sum('charge', 'debit'),
      concessions: sum('concession', 'credit'),
      waived: sum('waiver', 'credit'),
      paid: sum('payment', 'credit') - sum('reversal', 'debit') + sum('set_off', 'credit'),
      refunded: sum('credit_refund', 'debit') + sum('refund', 'debit'),
      balance,
      outstanding: dues.reduce((a, d) => a + d.balance, 0),
      credit,
    },
  };
}

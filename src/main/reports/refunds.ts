// Money paid back: the refund vouchers register, and the refundable deposits (caution money) held per student and head.
// Deposits are no fee income and have no collection facts: they are read from their allocations and vouchers directly.
import { paymentModeLabel } from '../../shared/contract/payments';
import { REFUND_KIND_LABELS, type RefundKind } from '../../shared/contract/refunds';
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { col, day, type ReportContext, type ReportDefinition, referenceText } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

// The class is the one the voucher printed.
const REFUNDS_SQL = `
  select r.business_date, r.voucher_no, r.kind, s.full_name, s.admission_no,
    coalesce(json_extract(r.snapshot_json, '$.student.className'), c.name) as class_name, r.mode, r.reference_json, r.reason,
    u.full_name as by_name, a.full_name as approver, r.desk_code, r.amount, r.set_off
  from refund r join student s on s.id = r.student_id join class c on c.id = s.class_id
  join app_user u on u.id = r.by_user join app_user a on a.id = r.approved_by
  where r.business_date between :from and :to and (:kind is null or r.kind = :kind)
  order by r.business_date, r.desk_code, r.seq`;

export const refunds: ReportDefinition<F<'refunds'>> = {
  title: (f, ctx) => `Refund vouchers · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f) => (f.kind ? `Only ${REFUND_KIND_LABELS[f.kind].toLowerCase()}` : 'Fees paid, advance credit and refundable deposits'),
  columns: () => [
    col('date', 'Date', 'date'),
    col('voucherNo', 'Voucher no.'),
    col('kind', 'Kind'),
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('className', 'Class'),
    col('mode', 'Mode'),
    col('reference', 'Reference'),
    col('reason', 'Reason'),
    col('by', 'By'),
    col('approvedBy', 'Approved by'),
    col('desk', 'Desk'),
    col('paidOut', 'Paid out', 'money'),
    col('setOff', 'Set off', 'money'),
  ],
  count: (f, ctx) => [...refundRows(f, ctx)].length,
  rows: (f, ctx) => refundRows(f, ctx),
  footnote: () =>
    'Paid out is the money each voucher gave back (cash from the drawer, a cheque, a transfer or UPI); Set off is the part of a deposit applied to dues the student still owed, which moved no money.',
};

function* refundRows(f: F<'refunds'>, ctx: ReportContext): Generator<ReportRow> {
  const statement = ctx.raw.prepare(REFUNDS_SQL);
  for (const r of statement.iterate({ from: f.from, to: f.to, kind: f.kind ?? null }) as Iterable<Record<string, string | number>>) {
    yield {
      date: r['business_date'] as string,
      voucherNo: r['voucher_no'] as string,
      kind: REFUND_KIND_LABELS[r['kind'] as RefundKind],
      student: r['full_name'] as string,
      admissionNo: r['admission_no'] as string,
      className: r['class_name'] as string,
      mode: paymentModeLabel(r['mode'] as string),
      reference: referenceText(r['reference_json'] as string),
      reason: r['reason'] as string,
      by: r['by_name'] as string,
      approvedBy: r['approver'] as string,
      desk: r['desk_code'] as string,
      paidOut: r['amount'] as number,
      setOff: r['set_off'] as number,
    };
  }
}

// Every allocation to a deposit head's due as of the day: taken by receipts (less their cancellations and bounces), or
// taken back by refund vouchers (what each paid out and set off together, one line per deposit due it drew on).
const DEPOSITS_SQL = `
  select s.id as student_id, s.full_name, s.admission_no, c.name as class_name, h.id as head_id, h.name as head,
    r.id as refund_id, r.set_off, a.amount
  from fee_head h join due d on d.head_id = h.id join allocation a on a.due_id = d.id join payment p on p.id = a.payment_id
  join student s on s.id = d.student_id join class c on c.id = s.class_id
  left join payment_event e on e.id = a.event_id left join refund r on r.id = a.event_id
  where h.deposit = 1 and coalesce(r.business_date, date(e.at, 'localtime'), p.business_date) <= :asOf
  order by c.sort_order, class_key(c.name), s.admission_no, h.name, r.at, r.id`;

interface Held {
  student: string;
  admissionNo: string;
  className: string;
  head: string;
  collected: number;
  setOff: number;
  refunded: number;
}

/** Deposits per student and head; a voucher's set-off is counted against the first deposit lines it drew on, the rest as paid out. */
function depositsHeld(f: F<'deposits'>, ctx: ReportContext): Held[] {
  const held = new Map<string, Held>();
  const setOffLeft = new Map<string, number>();
  const lines = ctx.raw.prepare(DEPOSITS_SQL).iterate({ asOf: f.asOf }) as Iterable<Record<string, string | number | null>>;
  for (const l of lines) {
    const key = `${l['student_id']}|${l['head_id']}`;
    const row = held.get(key) ?? {
      student: l['full_name'] as string,
      admissionNo: l['admission_no'] as string,
      className: l['class_name'] as string,
      head: l['head'] as string,
      collected: 0,
      setOff: 0,
      refunded: 0,
    };
    held.set(key, row);
    const amount = l['amount'] as number;
    const refundId = l['refund_id'] as string | null;
    if (refundId === null) {
      row.collected += amount;
      continue;
    }
    const left = setOffLeft.get(refundId) ?? (l['set_off'] as number);
    const setOff = Math.min(-amount, left);
    setOffLeft.set(refundId, left - setOff);
    row.setOff += setOff;
    row.refunded += -amount - setOff;
  }
  return [...held.values()].filter((r) => r.collected > 0);
}

export const deposits: ReportDefinition<F<'deposits'>> = {
  title: (f, ctx) => `Refundable deposits held · as of ${day(f.asOf, ctx)}`,
  subtitle: () => 'Per student and deposit head: collected, set off against dues, paid back and still held',
  columns: () => [
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('className', 'Class'),
    col('head', 'Deposit'),
    col('collected', 'Collected', 'money'),
    col('setOff', 'Set off', 'money'),
    col('refunded', 'Refunded', 'money'),
    col('held', 'Held', 'money'),
  ],
  count: (f, ctx) => depositsHeld(f, ctx).length,
  *rows(f, ctx) {
    for (const r of depositsHeld(f, ctx)) yield { ...r, held: r.collected - r.setOff - r.refunded };
  },
  footnote: () =>
    'A refundable deposit is held for the student, never fee income. Collected leaves out receipts cancelled or bounced by the day; Set off is the part applied to dues still owed, Refunded the money paid back, both on refund vouchers up to the day.',
};

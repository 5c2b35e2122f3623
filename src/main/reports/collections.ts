// Money taken: the day book, the receipts register, collections grouped any way, reversals and cheques awaiting clearance.
// A receipt counts on its own day; its cancellation or bounce counts (negative) on the event's day, desk and user, and
// so does a refund voucher on its own. A refundable deposit is held for the student, never fee income.
import { PAYMENT_MODE_LABELS, paymentModeLabel } from '../../shared/contract/payments';
import type { GroupKey, ReportFilters, ReportRow } from '../../shared/contract/reports';
import { daysBetween } from '../../shared/domain/dates';
import { col, type ReportContext, type ReportDefinition, referenceText, utcWindow } from './definition';
import { day } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

// Refund vouchers that paid money out that day at the desk, by the user (a deposit wholly set off moves no money).
const REFUNDS_PAID_WHERE = `r.business_date = :date and r.amount > 0 and (:desk is null or r.desk_code = :desk) and (:user is null or r.by_user = :user)`;

// The day book's entries without the names: for its mode totals and its count.
const DAYBOOK_ENTRIES_SQL = `
  select p.mode, 'receipt' as kind, p.amount from payment p
  where p.business_date = :date and (:desk is null or p.desk_code = :desk) and (:user is null or p.cashier_id = :user)
  union all
  select p.mode, e.kind, -p.amount from payment_event e join payment p on p.id = e.payment_id
  where e.at >= :utcFrom and e.at < :utcTo and date(e.at, 'localtime') = :date
    and (:desk is null or e.desk_code = :desk) and (:user is null or e.by_user = :user)
  union all
  select r.mode, 'refund' as kind, -r.amount from refund r where ${REFUNDS_PAID_WHERE}`;
const DAYBOOK_MODES_SQL = `select mode, kind, sum(amount) as amount from (${DAYBOOK_ENTRIES_SQL}) group by mode, kind`;

const ENTRY_LABELS: Record<string, string> = { receipt: 'Receipt', cancelled: 'Cancelled', bounced: 'Bounced', refund: 'Refund' };
const entryLabel = (kind: string) => ENTRY_LABELS[kind] ?? kind;

/** A collection fact's mode: how the money came, or a deposit's part set off against dues on a refund voucher. */
export const factModeLabel = (mode: string) => (mode === 'set_off' ? 'Set off from deposit' : paymentModeLabel(mode));

// Every child a receipt is for (a family's receipt names them all, as it printed them); a one-child receipt — nearly
// all of them — is its payer's row, without reading the receipt's snapshot.
const childrenOf = (field: string, fallback: string) =>
  `case when p.family_id is null then ${fallback} else coalesce((select group_concat(json_extract(j.value, '$.${field}'), ', ') from json_each(p.snapshot_json, '$.students') j), ${fallback}) end`;
const EVERY_CHILD = `${childrenOf('fullName', 's.full_name')} as full_name, ${childrenOf('admissionNo', 's.admission_no')} as admission_no, ${childrenOf('className', 'c.name')} as class_name`;

// Receipts of the day, the day's reversals and the refund vouchers it paid out, one list in time order.
const DAYBOOK_SQL = `
  select * from (
    select p.received_at as at, 'receipt' as kind, p.receipt_no, ${EVERY_CHILD}, p.mode,
      p.reference_json, u.full_name as by_name, p.desk_code, p.amount, null as reason
    from payment p join student s on s.id = p.student_id join class c on c.id = s.class_id join app_user u on u.id = p.cashier_id
    where p.business_date = :date and (:desk is null or p.desk_code = :desk) and (:user is null or p.cashier_id = :user)
    union all
    select e.at, e.kind, p.receipt_no, ${EVERY_CHILD}, p.mode, p.reference_json, u.full_name, e.desk_code,
      -p.amount, e.reason
    from payment_event e join payment p on p.id = e.payment_id join student s on s.id = p.student_id
    join class c on c.id = s.class_id join app_user u on u.id = e.by_user
    where e.at >= :utcFrom and e.at < :utcTo and date(e.at, 'localtime') = :date
      and (:desk is null or e.desk_code = :desk) and (:user is null or e.by_user = :user)
    union all
    select r.at, 'refund', r.voucher_no, s.full_name, s.admission_no, c.name, r.mode, r.reference_json, u.full_name, r.desk_code,
      -r.amount, r.reason
    from refund r join student s on s.id = r.student_id join class c on c.id = s.class_id join app_user u on u.id = r.by_user
    where ${REFUNDS_PAID_WHERE})
  order by at`;

const time = (iso: string) => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export const daybook: ReportDefinition<F<'daybook'>> = {
  title: (f, ctx) => `Day book · ${day(f.date, ctx)}`,
  subtitle: (f) => [f.desk ? `Desk ${f.desk}` : 'All desks', f.cashierId ? 'one cashier' : 'all cashiers'].join(' · '),
  columns: () => [
    col('time', 'Time'),
    col('entry', 'Entry'),
    col('receiptNo', 'Receipt no.'),
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('className', 'Class'),
    col('mode', 'Mode'),
    col('reference', 'Reference'),
    col('by', 'Cashier'),
    col('desk', 'Desk'),
    col('amount', 'Amount', 'money'),
    col('reason', 'Reason'),
  ],
  count: (f, ctx) => daybookCount(f, ctx).n,
  rows: (f, ctx) => daybookRows(f, ctx),
  screen(f, ctx, limit) {
    const { n, amount } = daybookCount(f, ctx);
    return { rows: [...daybookRows(f, ctx, limit)], rowCount: n, totals: { amount } };
  },
  summary(f, ctx) {
    const rows = ctx.raw.prepare(DAYBOOK_MODES_SQL).all(params(f)) as { mode: string; kind: string; amount: number }[];
    const byMode = new Map<string, number>();
    for (const r of rows) byMode.set(r.mode, (byMode.get(r.mode) ?? 0) + r.amount);
    const of = (kinds: string[]) => rows.filter((r) => kinds.includes(r.kind)).reduce((a, r) => a + r.amount, 0);
    const receipts = of(['receipt']);
    const reversals = of(['cancelled', 'bounced']);
    const refunds = of(['refund']);
    return [
      ...[...byMode].map(([mode, amount]) => ({ label: paymentModeLabel(mode), amount })),
      { label: 'Receipts', amount: receipts },
      { label: 'Cancelled and bounced', amount: reversals },
      { label: 'Refunds paid', amount: refunds },
      { label: 'Net', amount: receipts + reversals + refunds },
    ];
  },
  footnote: () =>
    'A cancellation or bounce is listed on the day it happened (negative), not on the receipt’s day. A refund voucher is listed on its own day with the money it paid out (negative, voucher number in the receipt column); a deposit’s part set off against dues moves no money and is not listed.',
};

const params = (f: F<'daybook'>) => ({ date: f.date, desk: f.desk ?? null, user: f.cashierId ?? null, ...utcWindow(f.date, f.date) });

/** The cells a receipt shows wherever it is listed (day book, register). */
const receiptCells = (r: Record<string, string | number | null>) => ({
  receiptNo: r['receipt_no'] as string,
  student: r['full_name'] as string,
  admissionNo: r['admission_no'] as string,
  className: r['class_name'] as string,
  mode: paymentModeLabel(r['mode'] as string),
  reference: referenceText(r['reference_json'] as string),
  desk: r['desk_code'] as string,
});

const daybookCount = (f: F<'daybook'>, ctx: ReportContext) =>
  ctx.raw.prepare(`select count(*) as n, coalesce(sum(amount), 0) as amount from (${DAYBOOK_ENTRIES_SQL})`).get(params(f)) as {
    n: number;
    amount: number;
  };

function* daybookRows(f: F<'daybook'>, ctx: ReportContext, limit = -1): Generator<ReportRow> {
  const rows = ctx.raw.prepare(`${DAYBOOK_SQL} limit :limit`).iterate({ ...params(f), limit }) as Iterable<
    Record<string, string | number | null>
  >;
  for (const r of rows) {
    yield {
      time: time(r['at'] as string),
      entry: entryLabel(r['kind'] as string),
      ...receiptCells(r),
      by: r['by_name'] as string,
      amount: r['amount'] as number,
      reason: (r['reason'] as string | null) ?? '',
    };
  }
}

const RECEIPTS_WHERE = `p.business_date between :from and :to and (:desk is null or p.desk_code = :desk) and (:mode is null or p.mode = :mode)`;

export const receipts: ReportDefinition<F<'receipts'>> = {
  title: (f, ctx) => `Receipts register · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f) => [f.desk ? `Desk ${f.desk}` : 'All desks', f.mode ? PAYMENT_MODE_LABELS[f.mode] : 'all modes'].join(' · '),
  columns: () => [
    col('date', 'Date', 'date'),
    col('receiptNo', 'Receipt no.'),
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('className', 'Class'),
    col('mode', 'Mode'),
    col('reference', 'Reference'),
    col('cashier', 'Cashier'),
    col('desk', 'Desk'),
    col('status', 'Status'),
    col('amount', 'Amount', 'money'),
    col('valid', 'Valid amount', 'money'),
  ],
  count: (f, ctx) =>
    (ctx.raw.prepare(`select count(*) as n from payment p where ${RECEIPTS_WHERE}`).get(receiptParams(f)) as { n: number }).n,
  *rows(f, ctx) {
    const statement = ctx.raw.prepare(`
      select p.business_date, p.receipt_no, ${EVERY_CHILD}, p.mode, p.reference_json,
        u.full_name as cashier, p.desk_code, coalesce(e.kind, 'valid') as status, p.amount
      from payment p join student s on s.id = p.student_id join class c on c.id = s.class_id join app_user u on u.id = p.cashier_id
      left join payment_event e on e.payment_id = p.id
      where ${RECEIPTS_WHERE} order by p.business_date, p.desk_code, p.seq`);
    for (const r of statement.iterate(receiptParams(f)) as Iterable<Record<string, string | number>>) {
      yield {
        date: r['business_date'] as string,
        ...receiptCells(r),
        cashier: r['cashier'] as string,
        status: r['status'] as string,
        amount: r['amount'] as number,
        valid: r['status'] === 'valid' ? (r['amount'] as number) : 0,
      };
    }
  },
  footnote: () => 'Amount is what each receipt took; Valid amount leaves out receipts later cancelled or bounced (whenever that happened).',
};

const receiptParams = (f: F<'receipts'>) => ({ from: f.from, to: f.to, desk: f.desk ?? null, mode: f.mode ?? null });

/** Each group key: the fact column it groups by, and the name shown for it (joined after grouping). */
const GROUPS: Record<GroupKey, { key: string; table?: { name: string; column: string; fallback: string }; label: string }> = {
  head: { key: 'f.head_id', table: { name: 'fee_head', column: 'name', fallback: "'Advance credit'" }, label: 'Fee head' },
  class: { key: 'f.class_id', table: { name: 'class', column: 'name', fallback: 'null' }, label: 'Class' },
  mode: { key: 'f.mode', label: 'Mode' },
  cashier: { key: 'f.cashier_id', table: { name: 'app_user', column: 'full_name', fallback: 'null' }, label: 'Cashier' },
  desk: { key: 'f.desk_code', label: 'Desk' },
  day: { key: 'f.day', label: 'Day' },
  month: { key: 'substr(f.day, 1, 7)', label: 'Month' },
};

/** The name of group `i`: its own value, or looked up in the group's table (by alias j<i>). */
function groupName(k: GroupKey, i: number): { select: string; join: string } {
  const t = GROUPS[k].table;
  if (!t) return { select: `s.g${i} as n${i}`, join: '' };
  return {
    select: `coalesce(j${i}.${t.column}, ${t.fallback}, s.g${i}) as n${i}`,
    join: `left join ${t.name} j${i} on j${i}.id = s.g${i}`,
  };
}

export const collection: ReportDefinition<F<'collection'>> = {
  title: (f, ctx) => `Collection summary · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f) =>
    `By ${f.groupBy.map((k) => GROUPS[k].label.toLowerCase()).join(' × ')} · ${f.view === 'gross' ? 'gross and net' : 'net'}`,
  columns: (f) => [
    ...f.groupBy.map((k) => col(k, GROUPS[k].label, k === 'day' ? 'date' : 'text')),
    ...(f.view === 'gross'
      ? [col('collected', 'Collected', 'money'), col('reversed', 'Cancelled/bounced', 'money'), col('refunded', 'Refunded', 'money')]
      : []),
    col('net', 'Net', 'money'),
  ],
  count: (f, ctx) => [...collectionRows(f, ctx)].length,
  rows: (f, ctx) => collectionRows(f, ctx),
  footnote: () =>
    'A receipt counts on its own day, at its desk and cashier; a cancellation or bounce takes it back on the day it happened, at the desk and user that did it, and a refund voucher on its own day (Refunded). Money taken beyond the dues (advance credit) shows under “Advance credit”. A refundable deposit is held, never fee income: it is left out, and the part of it set off against dues counts as fee income on the voucher’s day (mode “Set off from deposit”, in the Refunded column as a positive amount).',
};

function* collectionRows(f: F<'collection'>, ctx: ReportContext): Generator<ReportRow> {
  // Sum the facts by ids first (a range scan of the fact table's key), then name the few groups left.
  const ids = f.groupBy.map((k, i) => `${GROUPS[k].key} as g${i}`).join(', ');
  const groups = f.groupBy.map((_, i) => `g${i}`).join(', ');
  const named = f.groupBy.map((k, i) => groupName(k, i));
  const names = named.map((n) => n.select).join(', ');
  const joins = named.map((n) => n.join).join(' ');
  const statement = ctx.raw.prepare(`
    select ${names}, s.collected, s.reversed, s.refunded from (
      select ${ids}, sum(f.collected) as collected, sum(f.reversed) as reversed, sum(f.refunded) as refunded
      from collection_fact f where f.day between :from and :to group by ${groups}) s
    ${joins}
    order by ${f.groupBy.map((k, i) => (k === 'class' ? `j${i}.sort_order, class_key(n${i})` : `n${i}`)).join(', ')}`);
  for (const r of statement.iterate({ from: f.from, to: f.to }) as Iterable<Record<string, string | number>>) {
    const row: ReportRow = {};
    f.groupBy.forEach((k, i) => {
      const value = r[`n${i}`] as string;
      row[k] = k === 'mode' ? factModeLabel(value) : value;
    });
    const collected = r['collected'] as number;
    const reversed = r['reversed'] as number;
    const refunded = r['refunded'] as number;
    // 0 - n, not -n: a column of nothing reads 0, never -0 ("-₹0.00" on paper).
    if (f.view === 'gross') Object.assign(row, { collected, reversed: 0 - reversed, refunded: 0 - refunded });
    row['net'] = collected - reversed - refunded;
    yield row;
  }
}

export const reversals: ReportDefinition<F<'reversals'>> = {
  title: (f, ctx) => `Cancelled and bounced receipts · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f) => (f.kind ? `Only ${f.kind}` : 'Cancellations and bounces'),
  columns: () => [
    col('date', 'Date', 'date'),
    col('kind', 'Event'),
    col('receiptNo', 'Receipt no.'),
    col('receiptDate', 'Receipt date', 'date'),
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('mode', 'Mode'),
    col('reason', 'Reason'),
    col('by', 'By'),
    col('approvedBy', 'Approved by'),
    col('desk', 'Desk'),
    col('amount', 'Amount', 'money'),
  ],
  count: (f, ctx) => [...reversalRows(f, ctx)].length,
  rows: (f, ctx) => reversalRows(f, ctx),
};

function* reversalRows(f: F<'reversals'>, ctx: ReportContext): Generator<ReportRow> {
  const statement = ctx.raw.prepare(`
    select date(e.at, 'localtime') as day, e.kind, p.receipt_no, p.business_date, s.full_name, s.admission_no, p.mode, e.reason,
      u.full_name as by_name, a.full_name as approver, e.desk_code, p.amount
    from payment_event e join payment p on p.id = e.payment_id join student s on s.id = p.student_id
    join app_user u on u.id = e.by_user left join app_user a on a.id = e.approved_by
    where e.at >= :utcFrom and e.at < :utcTo and date(e.at, 'localtime') between :from and :to and (:kind is null or e.kind = :kind)
    order by e.at`);
  for (const r of statement.iterate({ from: f.from, to: f.to, kind: f.kind ?? null, ...utcWindow(f.from, f.to) }) as Iterable<
    Record<string, string | number | null>
  >) {
    yield {
      date: r['day'] as string,
      kind: entryLabel(r['kind'] as string),
      receiptNo: r['receipt_no'] as string,
      receiptDate: r['business_date'] as string,
      student: r['full_name'] as string,
      admissionNo: r['admission_no'] as string,
      mode: paymentModeLabel(r['mode'] as string),
      reason: r['reason'] as string,
      by: r['by_name'] as string,
      approvedBy: (r['approver'] as string | null) ?? '',
      desk: r['desk_code'] as string,
      amount: r['amount'] as number,
    };
  }
}

/** Cheques and drafts taken and neither cleared nor bounced yet. */
export const CHEQUES_PENDING_SQL = `
  select p.id, p.business_date, p.receipt_no, s.full_name, s.admission_no, p.mode, p.reference_json, p.desk_code, p.amount
  from payment p join student s on s.id = p.student_id
  where p.mode in ('cheque', 'dd') and p.business_date <= :asOf
    and not exists (select 1 from payment_event e where e.payment_id = p.id)
    and not exists (select 1 from cheque_clearance c where c.payment_id = p.id)
  order by p.business_date, p.receipt_no`;

export const cheques: ReportDefinition<F<'cheques'>> = {
  title: (f, ctx) => `Cheques pending clearance · as of ${day(f.asOf, ctx)}`,
  subtitle: () => 'Cheques and demand drafts neither cleared nor bounced',
  columns: () => [
    col('date', 'Received', 'date'),
    col('receiptNo', 'Receipt no.'),
    col('student', 'Student'),
    col('admissionNo', 'Adm. no.'),
    col('mode', 'Mode'),
    col('reference', 'Cheque / draft'),
    col('desk', 'Desk'),
    col('days', 'Days pending', 'count', true),
    col('amount', 'Amount', 'money'),
  ],
  count: (f, ctx) => [...chequeRows(f, ctx)].length,
  rows: (f, ctx) => chequeRows(f, ctx),
};

function* chequeRows(f: F<'cheques'>, ctx: ReportContext): Generator<ReportRow> {
  for (const r of ctx.raw.prepare(CHEQUES_PENDING_SQL).iterate({ asOf: f.asOf }) as Iterable<Record<string, string | number>>) {
    yield {
      paymentId: r['id'] as string,
      date: r['business_date'] as string,
      receiptNo: r['receipt_no'] as string,
      student: r['full_name'] as string,
      admissionNo: r['admission_no'] as string,
      mode: paymentModeLabel(r['mode'] as string),
      reference: referenceText(r['reference_json'] as string),
      desk: r['desk_code'] as string,
      days: daysBetween(r['business_date'] as string, f.asOf),
      amount: r['amount'] as number,
    };
  }
}

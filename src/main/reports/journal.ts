// The accounting export (journal lines for Tally or QuickBooks) and the day close report.
// Journal: each receipt debits cash or bank and credits fee income per head (net of tax) and output tax; a cancellation
// or bounce is the opposite voucher on its own day. Tax is inside the fee: tax = amount × rate ÷ (100% + rate).
import { PAYMENT_MODES, paymentModeLabel } from '../../shared/contract/payments';
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { formatAmount } from '../../shared/domain/money';
import { dayCloseStatus } from '../services/day-close';
import { col, type ReportContext, type ReportDefinition, utcWindow } from './definition';
import { day } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

// What each receipt collected per head and tax rate (its own day), and what each reversal took back (the event's day).
const JOURNAL_SQL = `
  with lines as (
    select a.payment_id, a.event_id, h.name as head, h.tax_rate_bp as rate, a.amount
    from allocation a join due d on d.id = a.due_id join fee_head h on h.id = d.head_id
    union all
    select payment_id, event_id, null, 0, amount from credit_entry where payment_id is not null)
  select coalesce(date(e.at, 'localtime'), p.business_date) as day, coalesce(e.kind, 'receipt') as voucher, p.receipt_no, p.mode,
    s.full_name, s.admission_no, l.head, l.rate, sum(l.amount) as amount
  from lines l join payment p on p.id = l.payment_id join student s on s.id = p.student_id
  left join payment_event e on e.id = l.event_id
  where (e.id is null and p.business_date between :from and :to) or (e.id is not null and e.at >= :utcFrom and e.at < :utcTo and date(e.at, 'localtime') between :from and :to)
  group by 1, 2, 3, 4, 5, 6, 7, 8
  order by 1, 3, 2, 7`;

interface Line {
  day: string;
  voucher: 'receipt' | 'cancelled' | 'bounced';
  receipt_no: string;
  mode: string;
  full_name: string;
  admission_no: string;
  head: string | null;
  rate: number;
  amount: number;
}

const LAYOUTS = {
  tally: {
    labels: {
      date: 'Date',
      voucherType: 'Voucher Type',
      voucherNo: 'Voucher Number',
      account: 'Ledger Name',
      debit: 'Dr Amount',
      credit: 'Cr Amount',
      narration: 'Narration',
    },
    date: (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`,
    voucherType: { receipt: 'Receipt', cancelled: 'Payment', bounced: 'Journal' },
    voucherNo: (receiptNo: string, kind: Line['voucher']) =>
      kind === 'receipt' ? receiptNo : `${receiptNo}-${kind === 'cancelled' ? 'C' : 'B'}`,
  },
  quickbooks: {
    labels: {
      date: 'JournalDate',
      voucherType: 'Type',
      voucherNo: 'JournalNo',
      account: 'AccountName',
      debit: 'Debits',
      credit: 'Credits',
      narration: 'Description',
    },
    date: (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`,
    voucherType: { receipt: 'Receipt', cancelled: 'Reversal', bounced: 'Reversal' },
    voucherNo: (receiptNo: string, kind: Line['voucher']) =>
      kind === 'receipt' ? receiptNo : `${receiptNo}-${kind === 'cancelled' ? 'C' : 'B'}`,
  },
} as const;

export const ACCOUNTS = {
  cash: 'Cash',
  bank: 'Bank',
  income: (head: string) => `Fee income - ${head}`,
  tax: (rateBp: number) => `Output tax ${rateBp / 100}%`,
  advance: 'Advance fees from students',
};

export const taxOf = (amount: number, rateBp: number) => (rateBp > 0 ? Math.round((amount * rateBp) / (10_000 + rateBp)) : 0);

export const journal: ReportDefinition<F<'journal'>> = {
  title: (f, ctx) => `Accounting journal · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f) => (f.layout === 'tally' ? 'Tally layout' : 'QuickBooks layout'),
  columns: (f) => {
    const l = LAYOUTS[f.layout].labels;
    return [
      col('date', l.date),
      col('voucherType', l.voucherType),
      col('voucherNo', l.voucherNo),
      col('account', l.account),
      col('debit', l.debit, 'money'),
      col('credit', l.credit, 'money'),
      col('narration', l.narration),
      ...(f.layout === 'quickbooks' ? [col('name', 'Name')] : []),
    ];
  },
  count: (f, ctx) => [...journalRows(f, ctx)].length,
  rows: (f, ctx) => journalRows(f, ctx),
  footnote: () =>
    'Receipts debit Cash (cash) or Bank (every other mode) and credit “Fee income - <head>” net of tax, “Output tax <rate>%” and “Advance fees from students”; cancellations and bounces are the opposite entry on their own day. Debits equal credits per voucher.',
};

function* journalRows(f: F<'journal'>, ctx: ReportContext): Generator<ReportRow> {
  const layout = LAYOUTS[f.layout];
  let voucher: Line[] = [];
  const lines = ctx.raw.prepare(JOURNAL_SQL).iterate({ from: f.from, to: f.to, ...utcWindow(f.from, f.to) }) as Iterable<Line>;
  for (const line of lines) {
    const head = voucher[0];
    if (head && (head.receipt_no !== line.receipt_no || head.voucher !== line.voucher || head.day !== line.day)) {
      yield* voucherRows(voucher, layout, f.layout === 'quickbooks');
      voucher = [];
    }
    voucher.push(line);
  }
  if (voucher.length > 0) yield* voucherRows(voucher, layout, f.layout === 'quickbooks');
}

function* voucherRows(lines: Line[], layout: (typeof LAYOUTS)[keyof typeof LAYOUTS], withName: boolean): Generator<ReportRow> {
  const first = lines[0]!;
  const reversal = first.voucher !== 'receipt';
  const sign = reversal ? -1 : 1;
  const total = lines.reduce((a, l) => a + l.amount, 0) * sign;
  if (total === 0) return;
  const base = {
    date: layout.date(first.day),
    voucherType: layout.voucherType[first.voucher],
    voucherNo: layout.voucherNo(first.receipt_no, first.voucher),
    narration: `${reversal ? `${first.voucher === 'cancelled' ? 'Cancelled' : 'Bounced'}: ` : ''}receipt ${first.receipt_no}, ${first.full_name} (${first.admission_no}), ${paymentModeLabel(first.mode)}`,
    ...(withName ? { name: first.full_name } : {}),
  };
  const money = first.mode === 'cash' ? ACCOUNTS.cash : ACCOUNTS.bank;
  // The money side, then each income, tax and advance line; a reversal swaps debit and credit.
  const side = (account: string, amount: number, moneySide: boolean): ReportRow => {
    const debit = moneySide !== reversal ? amount : 0;
    return { ...base, account, debit, credit: amount - debit };
  };
  yield side(money, total, true);
  const taxByRate = new Map<number, number>();
  for (const l of lines) {
    const amount = l.amount * sign;
    if (amount === 0) continue;
    if (l.head === null) {
      yield side(ACCOUNTS.advance, amount, false);
      continue;
    }
    const tax = taxOf(amount, l.rate);
    if (tax !== 0) taxByRate.set(l.rate, (taxByRate.get(l.rate) ?? 0) + tax);
    yield side(ACCOUNTS.income(l.head), amount - tax, false);
  }
  for (const [rate, tax] of taxByRate) yield side(ACCOUNTS.tax(rate), tax, false);
}

export const dayClose: ReportDefinition<F<'day_close'>> = {
  title: (f, ctx) => `Day close · desk ${f.desk ?? ctx.deskCode} · ${day(f.date, ctx)}`,
  subtitle: () => 'Expected against counted, per mode',
  columns: () => [
    col('mode', 'Mode'),
    col('expected', 'Expected', 'money'),
    col('counted', 'Counted', 'money'),
    col('variance', 'Variance', 'money'),
  ],
  count: () => PAYMENT_MODES.length,
  async *rows(f, ctx) {
    const s = await dayCloseStatus(ctx.db, f.date, f.desk);
    for (const [mode, expected] of Object.entries(s.expected)) {
      const counted = s.counted?.[mode] ?? null;
      yield { mode: paymentModeLabel(mode), expected, counted, variance: counted === null ? null : counted - expected };
    }
  },
  footnote: (f, ctx) => {
    const row = ctx.raw
      .prepare(
        `select d.kind, d.at, d.note, d.denominations_json, u.full_name from day_close d left join app_user u on u.id = d.by_user
         where d.desk_code = ? and d.business_date = ? order by d.at desc, d.id desc limit 1`,
      )
      .get(f.desk ?? ctx.deskCode, f.date) as
      { kind: string; at: string; note: string | null; denominations_json: string | null; full_name: string | null } | undefined;
    if (!row || row.kind !== 'closed') return 'This day is not closed yet: the counted column is empty.';
    const count = JSON.parse(row.denominations_json ?? '{}') as Record<string, number>;
    const drawer = Object.entries(count)
      .sort(([a], [b]) => Number(b) - Number(a))
      .map(([d, n]) => `${formatAmount(Number(d), ctx.school.currency, ctx.school.locale)} × ${n}`)
      .join(', ');
    return `Closed by ${row.full_name ?? 'another desk’s user'} at ${row.at.slice(0, 16).replace('T', ' ')} UTC. Cash counted: ${drawer || 'none'}.${row.note ? ` Note: ${row.note}` : ''}`;
  },
};

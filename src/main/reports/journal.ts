// The accounting export (journal lines for Tally or QuickBooks) and the day close report.
// Journal: each receipt debits cash or bank and credits fee income per head (net of tax) and output tax; a cancellation
// or bounce is the opposite voucher on its own day. A refundable deposit is a liability (its own ledger), never income.
// A refund voucher, on its own day, credits cash or bank with what it paid out and debits what it paid back: fee income
// and tax, the deposit, or the advance; a deposit set off against a due credits that due's income. Every line is signed
// (positive is a credit), so one rule writes them all. Tax is inside the fee: tax = amount × rate ÷ (100% + rate).
import { PAYMENT_MODES, paymentModeLabel } from '../../shared/contract/payments';
import { REFUND_KIND_LABELS, type RefundKind } from '../../shared/contract/refunds';
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { formatAmount } from '../../shared/domain/money';
import { dayCloseStatus } from '../services/day-close';
import { col, type ReportContext, type ReportDefinition, utcWindow } from './definition';
import { day } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

// What each receipt collected per head and tax rate (its own day), what each reversal took back (the event's day), and
// what each refund voucher paid back or set off (its own day). A refund's allocations are the voucher's, not the receipt's.
const JOURNAL_SQL = `
  with lines as (
    select a.payment_id, a.event_id, h.name as head, h.tax_rate_bp as rate, h.deposit, a.amount
    from allocation a join due d on d.id = a.due_id join fee_head h on h.id = d.head_id
    where not exists (select 1 from refund r where r.id = a.event_id)
    union all
    select payment_id, event_id, null, 0, 0, amount from credit_entry where payment_id is not null),
  refunds as (select * from refund where business_date between :from and :to),
  refund_lines as (
    select a.event_id as refund_id, h.name as head, h.tax_rate_bp as rate, h.deposit, a.amount
    from refunds r join allocation a on a.event_id = r.id join due d on d.id = a.due_id join fee_head h on h.id = d.head_id
    union all
    select c.event_id, null, 0, 0, c.amount from refunds r join credit_entry c on c.event_id = r.id where c.payment_id is null)
  select coalesce(date(e.at, 'localtime'), p.business_date) as day, coalesce(e.kind, 'receipt') as voucher, p.receipt_no, p.mode,
    s.full_name, s.admission_no, null as refund_kind, l.head, l.rate, l.deposit, sum(l.amount) as amount
  from lines l join payment p on p.id = l.payment_id join student s on s.id = p.student_id
  left join payment_event e on e.id = l.event_id
  where (e.id is null and p.business_date between :from and :to) or (e.id is not null and e.at >= :utcFrom and e.at < :utcTo and date(e.at, 'localtime') between :from and :to)
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  union all
  select r.business_date, 'refund', r.voucher_no, r.mode, s.full_name, s.admission_no, r.kind, l.head, l.rate, l.deposit, sum(l.amount)
  from refund_lines l join refunds r on r.id = l.refund_id join student s on s.id = r.student_id
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  order by 1, 3, 2, 8`;

interface Line {
  day: string;
  voucher: 'receipt' | 'cancelled' | 'bounced' | 'refund';
  receipt_no: string;
  mode: string;
  full_name: string;
  admission_no: string;
  refund_kind: RefundKind | null;
  head: string | null;
  rate: number;
  deposit: number;
  /** Signed as the school's books see it: positive is money in (a credit to income), negative money out. */
  amount: number;
}

const SUFFIX = { receipt: '', cancelled: '-C', bounced: '-B', refund: '' } as const;

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
    // A deposit wholly set off pays nothing out: no cash or bank line, so a journal voucher, not a payment.
    voucherType: (kind: Line['voucher'], paidOut: boolean) =>
      ({ receipt: 'Receipt', cancelled: 'Payment', bounced: 'Journal', refund: paidOut ? 'Payment' : 'Journal' })[kind],
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
    voucherType: (kind: Line['voucher']) => ({ receipt: 'Receipt', cancelled: 'Reversal', bounced: 'Reversal', refund: 'Refund' })[kind],
  },
} as const;

export const ACCOUNTS = {
  cash: 'Cash',
  bank: 'Bank',
  income: (head: string) => `Fee income - ${head}`,
  deposit: (head: string) => `Refundable deposits - ${head}`,
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
    'Receipts debit Cash (cash) or Bank (every other mode) and credit “Fee income - <head>” net of tax, “Output tax <rate>%”, “Refundable deposits - <head>” (a deposit is held for the student, never income) and “Advance fees from students”; cancellations and bounces are the opposite entry on their own day. A refund voucher is its own voucher on its day: it credits Cash or Bank with what it paid out and debits the fee income and tax, the deposit or the advance it paid back; a deposit set off against a due credits that due’s income. Debits equal credits per voucher.',
};

function* journalRows(f: F<'journal'>, ctx: ReportContext): Generator<ReportRow> {
  let voucher: Line[] = [];
  const lines = ctx.raw.prepare(JOURNAL_SQL).iterate({ from: f.from, to: f.to, ...utcWindow(f.from, f.to) }) as Iterable<Line>;
  for (const line of lines) {
    const head = voucher[0];
    if (head && (head.receipt_no !== line.receipt_no || head.voucher !== line.voucher || head.day !== line.day)) {
      yield* voucherRows(voucher, f.layout);
      voucher = [];
    }
    voucher.push(line);
  }
  if (voucher.length > 0) yield* voucherRows(voucher, f.layout);
}

function narration(first: Line): string {
  const who = `${first.full_name} (${first.admission_no}), ${paymentModeLabel(first.mode)}`;
  if (first.voucher === 'refund') return `Refund ${first.receipt_no} (${REFUND_KIND_LABELS[first.refund_kind!].toLowerCase()}), ${who}`;
  const reversal = first.voucher === 'cancelled' ? 'Cancelled: ' : first.voucher === 'bounced' ? 'Bounced: ' : '';
  return `${reversal}receipt ${first.receipt_no}, ${who}`;
}

/** The account a line goes to and its signed amount (positive a credit); tax is split off a fee head's line. */
function* postings(lines: Line[]): Generator<[account: string, signed: number]> {
  const first = lines[0]!;
  yield [first.mode === 'cash' ? ACCOUNTS.cash : ACCOUNTS.bank, -lines.reduce((a, l) => a + l.amount, 0)];
  const taxByRate = new Map<number, number>();
  for (const l of lines) {
    if (l.head === null) yield [ACCOUNTS.advance, l.amount];
    else if (l.deposit) yield [ACCOUNTS.deposit(l.head), l.amount];
    else {
      // Tax of the size of the line, whichever way it goes: a reversal takes back exactly the tax its receipt showed.
      const tax = Math.sign(l.amount) * taxOf(Math.abs(l.amount), l.rate);
      if (tax !== 0) taxByRate.set(l.rate, (taxByRate.get(l.rate) ?? 0) + tax);
      yield [ACCOUNTS.income(l.head), l.amount - tax];
    }
  }
  for (const [rate, tax] of taxByRate) yield [ACCOUNTS.tax(rate), tax];
}

function* voucherRows(lines: Line[], layoutName: F<'journal'>['layout']): Generator<ReportRow> {
  const layout = LAYOUTS[layoutName];
  const first = lines[0]!;
  const paidOut = lines.reduce((a, l) => a + l.amount, 0) !== 0;
  const base = {
    date: layout.date(first.day),
    voucherType: layout.voucherType(first.voucher, paidOut),
    voucherNo: `${first.receipt_no}${SUFFIX[first.voucher]}`,
    narration: narration(first),
    ...(layoutName === 'quickbooks' ? { name: first.full_name } : {}),
  };
  for (const [account, signed] of postings(lines)) {
    if (signed !== 0) yield { ...base, account, debit: Math.max(0, -signed), credit: Math.max(0, signed) };
  }
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

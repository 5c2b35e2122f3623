// Bank reconciliation: the fee credits of the bank statements imported against the books, day by day and account by
// account — the money in both, the receipts the bank has not shown yet, and the bank's money no receipt holds.
import { paymentModeLabel } from '../../shared/contract/payments';
import type { BankAccount } from '../../shared/contract/reconcile';
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { daysBetween } from '../../shared/domain/dates';
import { col, day, type ReportContext, type ReportDefinition, referenceText, sized } from './definition';

type F = Extract<ReportFilters, { report: 'reconciliation' }>;

/** Each section's name, and the short one its items carry in the Section column (the printed page is narrow). */
const SECTIONS = {
  both: { name: 'In both', short: 'In both' },
  books: { name: 'In the books, not yet in the bank', short: 'Not yet in the bank' },
  bank: { name: 'In the bank, not in the books', short: 'Not in the books' },
} as const;

const standing = (payment: string) => `not exists (select 1 from payment_event e where e.payment_id = ${payment})`;
const lineWhere = `b.line_date between :from and :to and (:account is null or b.account = :account)`;

// One list, each item once, in its section: 1 in both, 2 in the books only, 3 in the bank only.
const ITEMS_SQL = `
  select 1 as section, b.line_date as day, b.account, p.receipt_no, s.full_name, s.admission_no, b.kind as mode,
    coalesce(b.reference, b.narration) as reference, null as reference_json, b.outcome as how, b.amount
  from bank_line b join payment p on p.id = b.payment_id join student s on s.id = p.student_id
  where ${lineWhere} and ${standing('p.id')}
  union all
  select 1, c.cleared_on, null, p.receipt_no, s.full_name, s.admission_no, p.mode, null, p.reference_json, 'by hand', p.amount
  from cheque_clearance c join payment p on p.id = c.payment_id join student s on s.id = p.student_id
  where :account is null and c.cleared_on between :from and :to and ${standing('p.id')}
    and not exists (select 1 from bank_line b where b.payment_id = p.id)
  union all
  select 2, p.business_date, null, p.receipt_no, s.full_name, s.admission_no, p.mode, null, p.reference_json, null, p.amount
  from payment p join student s on s.id = p.student_id
  where p.mode in ('upi', 'bank_transfer', 'cheque', 'dd') and p.business_date between :from and :to and ${standing('p.id')}
    and not exists (select 1 from bank_line b where b.payment_id = p.id)
    and not exists (select 1 from cheque_clearance c where c.payment_id = p.id)
  union all
  select 3, b.line_date, b.account, p.receipt_no, s.full_name, s.admission_no, b.kind, coalesce(b.reference, b.narration), null,
    (select e.kind from payment_event e where e.payment_id = b.payment_id), b.amount
  from bank_line b left join payment p on p.id = b.payment_id left join student s on s.id = p.student_id
  where ${lineWhere} and (b.payment_id is null or exists (select 1 from payment_event e where e.payment_id = b.payment_id))`;

type Item = {
  section: 1 | 2 | 3;
  day: string;
  account: string | null;
  receipt_no: string | null;
  full_name: string | null;
  admission_no: string | null;
  mode: string;
  reference: string | null;
  reference_json: string | null;
  how: string | null;
  amount: number;
};

const params = (f: F) => ({ from: f.from, to: f.to, account: f.account ?? null });

/** The school's accounts whose statements are reconciled, from its policies. */
function accountsOf(ctx: ReportContext): BankAccount[] {
  const row = ctx.raw.prepare(`select value_json from policy where key = 'bankAccounts'`).get() as { value_json: string } | undefined;
  return row ? (JSON.parse(row.value_json) as BankAccount[]) : [];
}

const accountName = (number: string, accounts: readonly BankAccount[]) => {
  const account = accounts.find((a) => a.number === number);
  return account ? account.label : number;
};

const accountTitle = (number: string, accounts: readonly BankAccount[]) => {
  const account = accounts.find((a) => a.number === number);
  return account ? `${account.label} (${number})` : `Account ${number}`;
};

/** A bank line's kind as the statement says it; a receipt's mode as the books do. */
const BANK_KINDS: Record<string, string> = { upi: 'UPI', neft: 'NEFT', imps: 'IMPS', rtgs: 'RTGS', cheque: 'Cheque' };
const modeOf = (item: Item) =>
  item.section === 2 || item.how === 'by hand' ? paymentModeLabel(item.mode) : (BANK_KINDS[item.mode] ?? 'Other credit');

const HOW: Record<string, string> = {
  recorded: 'Recorded',
  confirmed: 'Confirmed',
  cleared: 'Cleared',
  'by hand': 'Cleared by hand',
  cancelled: 'Cancelled',
  bounced: 'Bounced',
};
const statusOf = (item: Item) => (item.section === 2 ? 'Waiting' : item.how ? HOW[item.how]! : 'No receipt');

const sectionKey = { 1: 'both', 2: 'books', 3: 'bank' } as const;

function rowOf(item: Item, f: F, ctx: ReportContext, accounts: readonly BankAccount[]): ReportRow {
  const section = sectionKey[item.section];
  return {
    section: SECTIONS[section].short,
    date: item.day,
    ...(f.account ? {} : { account: item.account ? accountName(item.account, accounts) : null }),
    receiptNo: item.receipt_no,
    student: item.full_name === null ? null : `${item.full_name} (${item.admission_no})`,
    mode: modeOf(item),
    reference: item.reference_json === null ? (item.reference?.slice(0, 120) ?? null) : referenceText(item.reference_json),
    status: statusOf(item),
    days: item.section === 2 ? daysBetween(item.day, ctx.today) : null,
    both: section === 'both' ? item.amount : null,
    books: section === 'books' ? item.amount : null,
    bank: section === 'bank' ? item.amount : null,
  };
}

export const reconciliation: ReportDefinition<F> = {
  title: (f, ctx) => `Bank reconciliation · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: (f, ctx) =>
    `${f.account ? accountTitle(f.account, accountsOf(ctx)) : 'All bank accounts'} · the books as they stand on ${day(ctx.today, ctx)}`,
  columns: (f) => [
    sized(col('section', 'Section'), 1.25),
    col('date', 'Date', 'date'),
    ...(f.account ? [] : [sized(col('account', 'Account'), 0.7)]),
    sized(col('receiptNo', 'Receipt no.'), 1.4),
    sized(col('student', 'Student'), 1.1),
    sized(col('mode', 'Mode'), 0.75),
    sized(col('reference', 'Reference'), 1.2),
    sized(col('status', 'How'), 1.1),
    col('days', 'Days', 'count', true),
    col('both', 'In both', 'money'),
    col('books', 'Not yet in bank', 'money'),
    col('bank', 'Not in books', 'money'),
  ],
  count: (f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${ITEMS_SQL})`).get(params(f)) as { n: number }).n,
  *rows(f, ctx) {
    const accounts = accountsOf(ctx);
    const items = ctx.raw.prepare(`${ITEMS_SQL} order by day, account nulls last, section, receipt_no, reference`).iterate(params(f));
    for (const item of items as Iterable<Item>) yield rowOf(item, f, ctx, accounts);
  },
  summary: (_f, _ctx, totals) => [
    { label: SECTIONS.both.name, amount: totals['both'] ?? 0 },
    { label: SECTIONS.books.name, amount: totals['books'] ?? 0 },
    { label: SECTIONS.bank.name, amount: totals['bank'] ?? 0 },
    { label: 'Fee credits in the bank (in both and not in the books)', amount: (totals['both'] ?? 0) + (totals['bank'] ?? 0) },
  ],
  footnote: (f, ctx) =>
    [
      `${SECTIONS.both.name}: a bank statement line the books hold — Recorded (the line became the receipt), Confirmed (a receipt taken at the counter whose UTR or UPI reference the bank showed) or Cleared (a cheque cleared by its deposit line); a cheque cleared by hand has no statement line and is listed on its clearing day${f.account ? ' when all accounts are shown' : ''}.`,
      `${SECTIONS.books.name} (${SECTIONS.books.short}): UPI, bank transfer, cheque and demand draft receipts of these days that no bank line has confirmed (and cheques not cleared), with the days each has waited until ${day(ctx.today, ctx)}; a receipt belongs to no account until a line confirms it, so these are listed whichever account is chosen.`,
      `${SECTIONS.bank.name} (${SECTIONS.bank.short}): fee credits of the statements imported that no receipt holds, or whose receipt was cancelled or bounced. Cash deposits and debits are not fee credits and are left out.`,
    ].join(' '),
};

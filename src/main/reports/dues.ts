// What is owed: defaulters with ageing (per academic year), concessions granted and the forecast.
// Balances come from the dues' running totals (amount − conceded − waived − paid), kept by the store's triggers.
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { addDays, addMonths } from '../../shared/domain/dates';
import { formatAmount } from '../../shared/domain/money';
import { col, type ReportContext, type ReportDefinition } from './definition';
import { day } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

export const AGEING_BUCKETS = [
  { key: 'd0', label: '0–30 days' },
  { key: 'd31', label: '31–60 days' },
  { key: 'd61', label: '61–90 days' },
  { key: 'd91', label: '90+ days' },
] as const;

/**
 * Open dues fallen due by `asOf`, per student (or per student and academic year, limited to `:yearId` when it is not
 * null), split by days past due. Uses the open-dues index only.
 */
export function overdueByStudentSql(perYear = false): string {
  return `
    select d.student_id${perYear ? ', d.academic_year_id as year_id' : ''},
      sum(d.amount - d.conceded - d.waived - d.paid) as balance,
      sum(case when d.due_on >= :c30 then d.amount - d.conceded - d.waived - d.paid else 0 end) as d0,
      sum(case when d.due_on < :c30 and d.due_on >= :c60 then d.amount - d.conceded - d.waived - d.paid else 0 end) as d31,
      sum(case when d.due_on < :c60 and d.due_on >= :c90 then d.amount - d.conceded - d.waived - d.paid else 0 end) as d61,
      sum(case when d.due_on < :c90 then d.amount - d.conceded - d.waived - d.paid else 0 end) as d91,
      min(d.due_on) as oldest
    from due d
    where d.amount > d.conceded + d.waived + d.paid and d.due_on <= :asOf${perYear ? ' and (:yearId is null or d.academic_year_id = :yearId)' : ''}
    group by d.student_id${perYear ? ', d.academic_year_id' : ''}`;
}

export const ageingCutoffs = (asOf: string) => ({ asOf, c30: addDays(asOf, -30), c60: addDays(asOf, -60), c90: addDays(asOf, -90) });

// One row per student and academic year, oldest year first. The least balance and days overdue are the student's (over
// the years asked for), as before years were shown; advance credit is the student's, on their first row only.
const DEFAULTERS_SQL = `
  select s.id, s.admission_no, s.full_name, c.name as class_name, sec.name as section, cat.name as category, s.guardian_name, s.phone,
    y.name as year, o.balance, o.d0, o.d31, o.d61, o.d91, o.oldest,
    case when row_number() over (partition by s.id order by y.starts_on) = 1
      then coalesce((select sum(amount) from credit_entry ce where ce.student_id = s.id), 0) else 0 end as credit
  from (
    select o.*, sum(o.balance) over (partition by o.student_id) as student_balance,
      min(o.oldest) over (partition by o.student_id) as student_oldest
    from (${overdueByStudentSql(true)}) o
  ) o
  join student s on s.id = o.student_id join class c on c.id = s.class_id join academic_year y on y.id = o.year_id
  left join section sec on sec.id = s.section_id left join category cat on cat.id = s.category_id
  where (:classId is null or s.class_id = :classId) and (:categoryId is null or s.category_id = :categoryId)
    and o.student_balance >= :minBalance and o.student_oldest <= :oldestBy
  order by c.sort_order, class_key(c.name), o.student_balance desc, s.admission_no, y.starts_on`;

const defaulterParams = (f: F<'defaulters'>) => ({
  ...ageingCutoffs(f.asOf),
  yearId: f.yearId ?? null,
  classId: f.classId ?? null,
  categoryId: f.categoryId ?? null,
  minBalance: f.minBalance ?? 1,
  oldestBy: addDays(f.asOf, -(f.minDaysOverdue ?? 0)),
});

/** What one student owes of one academic year's dues fallen due. */
export interface Defaulter {
  id: string;
  admission_no: string;
  full_name: string;
  class_name: string;
  section: string | null;
  category: string | null;
  guardian_name: string;
  phone: string;
  year: string;
  balance: number;
  d0: number;
  d31: number;
  d61: number;
  d91: number;
  oldest: string;
  credit: number;
}

export function* defaulterRecords(f: F<'defaulters'>, ctx: ReportContext): Generator<Defaulter> {
  yield* ctx.raw.prepare(DEFAULTERS_SQL).iterate(defaulterParams(f)) as Iterable<Defaulter>;
}

/** How many students the defaulters report lists (its rows are per student and year): one reminder letter each. */
export const defaultingStudents = (f: F<'defaulters'>, ctx: ReportContext): number =>
  (ctx.raw.prepare(`select count(distinct id) as n from (${DEFAULTERS_SQL})`).get(defaulterParams(f)) as { n: number }).n;

const yearName = (ctx: ReportContext, yearId: string): string =>
  (ctx.raw.prepare('select name from academic_year where id = ?').get(yearId) as { name: string } | undefined)?.name ?? 'an unknown year';

export const defaulters: ReportDefinition<F<'defaulters'>> = {
  title: (f, ctx) => `Outstanding dues and defaulters · as of ${day(f.asOf, ctx)}`,
  subtitle: (f, ctx) =>
    [
      f.yearId ? `dues of ${yearName(ctx, f.yearId)}` : 'all years',
      f.classId ? 'one class' : 'all classes',
      f.categoryId ? 'one category' : 'all categories',
      f.minBalance ? `balance ≥ ${formatAmount(f.minBalance, ctx.school.currency, ctx.school.locale)}` : null,
      f.minDaysOverdue ? `overdue ≥ ${f.minDaysOverdue} days` : null,
    ]
      .filter(Boolean)
      .join(' · '),
  columns: () => [
    col('admissionNo', 'Adm. no.'),
    col('student', 'Student'),
    col('className', 'Class'),
    col('category', 'Category'),
    col('guardian', 'Guardian'),
    col('phone', 'Phone'),
    col('year', 'Year'),
    col('oldest', 'Oldest due', 'date'),
    ...AGEING_BUCKETS.map((b) => col(b.key, b.label, 'money')),
    col('balance', 'Balance', 'money'),
    col('credit', 'Advance credit', 'money'),
  ],
  count: (f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${DEFAULTERS_SQL})`).get(defaulterParams(f)) as { n: number }).n,
  *rows(f, ctx) {
    for (const d of defaulterRecords(f, ctx)) {
      yield {
        studentId: d.id,
        admissionNo: d.admission_no,
        student: d.full_name,
        className: d.section ? `${d.class_name}-${d.section}` : d.class_name,
        category: d.category ?? '',
        guardian: d.guardian_name,
        phone: d.phone,
        year: d.year,
        oldest: d.oldest,
        d0: d.d0,
        d31: d.d31,
        d61: d.d61,
        d91: d.d91,
        balance: d.balance,
        credit: d.credit,
      };
    }
  },
  summary: (_f, _ctx, totals) => AGEING_BUCKETS.map((b) => ({ label: b.label, amount: totals[b.key] ?? 0 })),
  footnote: (_f, ctx) => {
    const current = ctx.raw.prepare('select name from academic_year where is_current = 1').get() as { name: string } | undefined;
    const years = `Year is the academic year of the dues: a student owing dues of more than one year has a row for each${current ? `, and a year before ${current.name} is arrears` : ''}.`;
    return `Balance is what is still owed on dues fallen due by the date: fee less concessions, waivers and payments, plus fines and charges levied. Days are counted from each due’s due date; dues not yet due are left out. ${years}`;
  },
};

export const concessions: ReportDefinition<F<'concessions'>> = {
  title: (f, ctx) => `Concessions granted · ${day(f.from, ctx)} to ${day(f.to, ctx)}`,
  subtitle: () => 'Approved concessions and what they took off the dues',
  columns: () => [
    col('approvedOn', 'Approved on', 'date'),
    col('name', 'Concession'),
    col('rule', 'Rule'),
    col('appliesTo', 'Applies to'),
    col('head', 'Fee head'),
    col('reason', 'Reason'),
    col('requestedBy', 'Requested by'),
    col('approvedBy', 'Approved by'),
    col('students', 'Students', 'count'),
    col('amount', 'Amount', 'money'),
  ],
  count: (f, ctx) => [...concessionRows(f, ctx)].length,
  rows: (f, ctx) => concessionRows(f, ctx),
};

function* concessionRows(f: F<'concessions'>, ctx: ReportContext): Generator<ReportRow> {
  const statement = ctx.raw.prepare(`
    select substr(cd.decided_at, 1, 10) as approved_on, c.name, c.kind, c.value, c.target, c.sibling_rank, s.full_name, s.admission_no,
      cat.name as category, h.name as head, c.reason, rq.full_name as requested_by, ap.full_name as approved_by,
      (select count(distinct d.student_id) from due_concession dc join due d on d.id = dc.due_id where dc.concession_id = c.id) as students,
      coalesce((select sum(dc.amount) from due_concession dc where dc.concession_id = c.id), 0) as amount
    from concession c join concession_decision cd on cd.concession_id = c.id and cd.decision = 'approved'
    left join student s on s.id = c.student_id left join category cat on cat.id = c.category_id left join fee_head h on h.id = c.head_id
    join app_user rq on rq.id = c.requested_by join app_user ap on ap.id = cd.decided_by
    where substr(cd.decided_at, 1, 10) between :from and :to order by cd.decided_at`);
  for (const r of statement.iterate({ from: f.from, to: f.to }) as Iterable<Record<string, string | number | null>>) {
    const rule =
      r['kind'] === 'percent' ? `${Number(r['value']) / 100}%` : formatAmount(r['value'] as number, ctx.school.currency, ctx.school.locale);
    const appliesTo =
      r['target'] === 'student'
        ? `${r['full_name']} (${r['admission_no']})`
        : r['target'] === 'category'
          ? `Category: ${r['category']}`
          : `Sibling no. ${r['sibling_rank']} and later`;
    yield {
      approvedOn: r['approved_on'] as string,
      name: r['name'] as string,
      rule,
      appliesTo,
      head: (r['head'] as string | null) ?? 'All heads',
      reason: r['reason'] as string,
      requestedBy: r['requested_by'] as string,
      approvedBy: r['approved_by'] as string,
      students: r['students'] as number,
      amount: r['amount'] as number,
    };
  }
}

/** Start of each forecast period (weeks start on the given day; months on the 1st). */
function periodStarts(f: F<'forecast'>): string[] {
  const first = f.period === 'month' ? `${f.from.slice(0, 7)}-01` : f.from;
  return Array.from({ length: f.periods + 1 }, (_, i) => (f.period === 'month' ? addMonths(first, i) : addDays(first, i * 7)));
}

/** Of the fees that fell due in the year before `from` (and at least 30 days ago), the share paid within 30 days of falling due. */
export function onTimeRatio(ctx: ReportContext, from: string): { ratio: number; basis: number } {
  const row = ctx.raw
    .prepare(
      `
      select coalesce(sum(d.amount - d.conceded - d.waived), 0) as net,
        coalesce(sum((select sum(a.amount) from allocation a join payment p on p.id = a.payment_id
                      where a.due_id = d.id and p.business_date <= date(d.due_on, '+30 days'))), 0) as on_time
      from due d where d.kind = 'fee' and d.due_on >= :since and d.due_on < :until`,
    )
    .get({ since: addDays(from, -365), until: addDays(from, -30) }) as { net: number; on_time: number };
  return { ratio: row.net > 0 ? Math.min(1, Math.max(0, row.on_time / row.net)) : 0, basis: row.net };
}

export const forecast: ReportDefinition<F<'forecast'>> = {
  title: (f, ctx) => `Expected collections · ${f.periods} ${f.period}${f.periods > 1 ? 's' : ''} from ${day(f.from, ctx)}`,
  subtitle: () => 'What falls due per period, and what the past on-time ratio says will arrive',
  columns: () => [
    col('from', 'From', 'date'),
    col('to', 'To', 'date'),
    col('students', 'Students', 'count', true),
    col('fallsDue', 'Falls due', 'money'),
    col('expected', 'Expected', 'money'),
  ],
  count: (f) => f.periods,
  *rows(f, ctx) {
    const { ratio } = onTimeRatio(ctx, f.from);
    const starts = periodStarts(f);
    const statement = ctx.raw.prepare(`
      select count(distinct student_id) as students, coalesce(sum(amount - conceded - waived - paid), 0) as falls_due
      from due where due_on >= :from and due_on < :to and amount > conceded + waived + paid`);
    for (let i = 0; i < f.periods; i++) {
      const from = starts[i]! < f.from ? f.from : starts[i]!;
      const to = starts[i + 1]!;
      const r = statement.get({ from, to }) as { students: number; falls_due: number };
      yield { from, to: addDays(to, -1), students: r.students, fallsDue: r.falls_due, expected: Math.round(r.falls_due * ratio) };
    }
  },
  footnote: (f, ctx) => {
    const { ratio, basis } = onTimeRatio(ctx, f.from);
    return `Method: “Falls due” is the open balance of dues whose due date is in the period. “Expected” is that × the on-time ratio, ${new Intl.NumberFormat(ctx.school.locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ratio)}: of the fees that fell due in the 365 days before ${f.from} (and at least 30 days ago; ${formatAmount(basis, ctx.school.currency, ctx.school.locale)} net of concessions and waivers), the share paid within 30 days of falling due. Arrears already overdue are not included.`;
  },
};

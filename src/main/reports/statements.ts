// Student and family statements: every due, concession, waiver, payment, reversal and refund with the running balance, and
// under it what is still owed per academic year, a previous year's arrears apart from this year's dues.
import type { ReportFilters, ReportRow } from '../../shared/contract/reports';
import { arrearsLabel } from '../../shared/domain/arrears';
import { arrearsSql } from '../services/dues';
import { studentLedger } from '../services/ledger';
import { col, type ReportContext, type ReportDefinition } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

const LEDGER_KIND: Record<string, string> = {
  due: 'Due',
  fine: 'Fine',
  charge: 'Charge',
  concession: 'Concession',
  waiver: 'Waiver',
  payment: 'Payment',
  reversal: 'Reversal',
  credit_refund: 'Credit refund',
  refund: 'Refund',
  set_off: 'Set off from deposit',
};

const statementColumns = (withStudent: boolean) => [
  col('date', 'Date', 'date'),
  ...(withStudent ? [col('student', 'Student')] : []),
  col('kind', 'Entry'),
  col('description', 'Description'),
  col('debit', 'Debit', 'money'),
  col('credit', 'Credit', 'money'),
  col('balance', 'Balance', 'money', true),
];

async function statementRows(ctx: ReportContext, studentIds: string[], withStudent: boolean): Promise<ReportRow[]> {
  const names = new Map(
    (
      ctx.raw.prepare(`select id, full_name from student where id in (${studentIds.map(() => '?').join(',')})`).all(...studentIds) as {
        id: string;
        full_name: string;
      }[]
    ).map((s) => [s.id, s.full_name]),
  );
  const entries = [];
  for (const id of studentIds) {
    const ledger = await studentLedger(ctx.db, id);
    entries.push(...ledger.entries.map((e, i) => ({ ...e, student: names.get(id) ?? '', order: i })));
  }
  if (withStudent) entries.sort((a, b) => a.date.localeCompare(b.date) || a.student.localeCompare(b.student) || a.order - b.order);
  let balance = 0;
  return entries.map((e) => {
    balance += e.debit - e.credit;
    return {
      date: e.date,
      ...(withStudent ? { student: e.student } : {}),
      kind: LEDGER_KIND[e.kind] ?? e.kind,
      description: e.description,
      debit: e.debit,
      credit: e.credit,
      balance,
    };
  });
}

/**
 * What these students still owe per academic year, once any of it is arrears: each previous year's subtotal and this
 * year's. Fines not yet levied are left out, as in the ledger above it.
 */
function owedByYear(ctx: ReportContext, studentIds: readonly string[]): { label: string; amount: number }[] {
  if (studentIds.length === 0) return [];
  const years = ctx.raw
    .prepare(
      `select y.name as year, ${arrearsSql('y')} as arrears, sum(d.amount - d.conceded - d.waived - d.paid) as owed
       from due d join academic_year y on y.id = d.academic_year_id
       where d.student_id in (${studentIds.map(() => '?').join(',')}) and d.amount > d.conceded + d.waived + d.paid
       group by y.id order by y.starts_on`,
    )
    .all(...studentIds) as { year: string; arrears: number; owed: number }[];
  if (!years.some((y) => y.arrears)) return [];
  return years.map((y) => ({ label: `${y.arrears ? arrearsLabel(y.year) : y.year} still owed`, amount: y.owed }));
}

const familyIds = (ctx: ReportContext, familyId: string): string[] =>
  (ctx.raw.prepare('select id from student where family_id = ? order by joined_on, admission_no').all(familyId) as { id: string }[]).map(
    (s) => s.id,
  );

export const statement: ReportDefinition<F<'statement'>> = {
  title: (f, ctx) => {
    const s = ctx.raw.prepare('select full_name, admission_no from student where id = ?').get(f.studentId) as
      { full_name: string; admission_no: string } | undefined;
    return s ? `Statement · ${s.full_name} (${s.admission_no})` : 'Statement';
  },
  subtitle: () => 'Every due, concession, waiver, payment, reversal and refund with the running balance',
  columns: () => statementColumns(false),
  count: (f, ctx) => (ctx.raw.prepare('select count(*) as n from due where student_id = ?').get(f.studentId) as { n: number }).n,
  rows: (f, ctx) => iterate(statementRows(ctx, [f.studentId], false)),
  summary: (f, ctx) => owedByYear(ctx, [f.studentId]),
  footnote: () => 'Balance: positive is owed by the student, negative is advance credit held.',
};

export const familyStatement: ReportDefinition<F<'family_statement'>> = {
  title: (f, ctx) => {
    const fam = ctx.raw.prepare('select name from family where id = ?').get(f.familyId) as { name: string } | undefined;
    return fam ? `Family statement · ${fam.name}` : 'Family statement';
  },
  subtitle: (f, ctx) => {
    const kids = ctx.raw.prepare('select full_name from student where family_id = ? order by joined_on, admission_no').all(f.familyId) as {
      full_name: string;
    }[];
    return kids.map((k) => k.full_name).join(', ');
  },
  columns: () => statementColumns(true),
  count: (f, ctx) =>
    (
      ctx.raw.prepare('select count(*) as n from due d join student s on s.id = d.student_id where s.family_id = ?').get(f.familyId) as {
        n: number;
      }
    ).n,
  rows: (f, ctx) => {
    const ids = familyIds(ctx, f.familyId);
    return iterate(ids.length === 0 ? Promise.resolve([]) : statementRows(ctx, ids, true));
  },
  summary: (f, ctx) => owedByYear(ctx, familyIds(ctx, f.familyId)),
  footnote: () => 'All the family’s children in one ledger; the balance runs across them.',
};

async function* iterate(rows: Promise<ReportRow[]>): AsyncGenerator<ReportRow> {
  yield* await rows;
}

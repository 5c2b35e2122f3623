// The concessions importer: one row per concession — for a student (by admission no.), a category, or the Nth child of
// every family — as percent or fixed, on one fee head or all. A concession takes effect only when a second person
// approves it, so the import's commit carries an approver's credentials (checked before it starts) and records each
// row as requested by the importer and approved by that person, as if done one by one on the Concessions screen.
import { contract } from '../../shared/contract';
import { formatAmount } from '../../shared/domain/money';
import type { ConcessionTable, Tx } from '../db/schema';
import { decideConcession, insertConcession } from '../services/concessions';
import type { CellError, Checker, ImportContext, Importer, ImportingUser, Planned, WriteEnv } from './importer';
import { cellsOf, field, schoolNames } from './importer';
import { parseAmount } from './values';

export interface ConcessionRow {
  year: string;
  name: string;
  kind: 'percent' | 'fixed';
  /** Basis points (percent) or minor units (fixed). */
  value: number;
  target: 'student' | 'category' | 'sibling';
  admissionNo: string | null;
  category: string | null;
  siblingRank: number | null;
  head: string | null;
  reason: string;
  /** Set by the checker: the ids the row names. */
  resolved?: { yearId: string; studentId: string | null; categoryId: string | null; headId: string | null };
}

const FIELDS = [
  field('year', 'Year', true, ['academic year', 'session'], 'The academic year it applies to, by name.'),
  field('name', 'Concession', true, ['concession name', 'name', 'scheme'], 'What it is called on statements (Staff child, Merit 2026).'),
  field('kind', 'Kind', true, ['type', 'percent or fixed'], '“percent” or “fixed”.'),
  field(
    'value',
    'Value',
    true,
    ['amount', 'percent', 'rate'],
    'For percent: 10 or 12.5% (at most 100); for fixed: an amount taken off the dues of the year.',
  ),
  field(
    'target',
    'Applies to',
    true,
    ['target', 'for'],
    '“student”, “category” (every student of a category) or “sibling” (the Nth child of every family and later ones).',
  ),
  field(
    'admissionNo',
    'Admission no.',
    false,
    ['adm no', 'admission number', 'admission_no', 'admno'],
    'For a student concession: the student.',
  ),
  field('category', 'Category', false, ['student category', 'quota'], 'For a category concession: the category, by name.'),
  field(
    'siblingRank',
    'Sibling rank',
    false,
    ['child no', 'nth child', 'rank'],
    'For a sibling rule: 2 for the second child on, 3 for the third…',
  ),
  field('head', 'Fee head', false, ['head', 'fee type'], 'Only this fee head; empty for every head.'),
  field('reason', 'Reason', true, ['remarks', 'note', 'justification'], 'Why it is given (kept with the approval).'),
];

const labelOf = (key: string) => FIELDS.find((f) => f.key === key)!.label;
const lower = (s: string) => s.trim().toLowerCase();
const TARGETS = ['student', 'category', 'sibling'] as const;

/** "10", "10%", "12.5 %" → basis points. */
function percentOf(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function parse(
  cells: Record<string, unknown>,
  ctx: ImportContext,
): { record: ConcessionRow; text: Record<string, string> } | { errors: CellError[] } {
  const errors: CellError[] = [];
  const { text, required } = cellsOf(cells, FIELDS, errors);
  const year = required('year');
  const name = required('name');
  const kindText = lower(required('kind'));
  const kind = kindText === 'percent' || kindText === '%' ? 'percent' : kindText === 'fixed' || kindText === 'amount' ? 'fixed' : null;
  if (kindText && !kind) errors.push({ column: labelOf('kind'), value: text('kind') ?? '', reason: 'must be percent or fixed' });
  const valueText = required('value');
  let value = 0;
  if (valueText && kind === 'percent') {
    const bp =
      typeof cells['value'] === 'number' && (cells['value'] as number) > 0 && (cells['value'] as number) < 1
        ? Math.round((cells['value'] as number) * 10_000)
        : percentOf(valueText);
    if (bp === null) errors.push({ column: labelOf('value'), value: valueText, reason: 'is not a percentage (write 10 or 12.5%)' });
    else if (bp === 0 || bp > 10_000)
      errors.push({ column: labelOf('value'), value: valueText, reason: 'must be more than 0% and at most 100%' });
    else value = bp;
  } else if (valueText && kind === 'fixed') {
    const a = parseAmount(cells['value'] as never, ctx.school.currency);
    if (!a.ok) errors.push({ column: labelOf('value'), value: valueText, reason: a.reason });
    else if (a.value === 0) errors.push({ column: labelOf('value'), value: valueText, reason: 'is zero: leave the row out' });
    else value = a.value;
  }
  const targetText = lower(required('target'));
  const target = (TARGETS as readonly string[]).includes(targetText) ? (targetText as ConcessionRow['target']) : null;
  if (targetText && !target)
    errors.push({ column: labelOf('target'), value: text('target') ?? '', reason: 'must be student, category or sibling' });
  const admissionNo = text('admissionNo');
  const category = text('category');
  const rankText = text('siblingRank');
  let siblingRank: number | null = null;
  if (target === 'student' && !admissionNo)
    errors.push({ column: labelOf('admissionNo'), value: '', reason: 'is required for a student concession' });
  if (target === 'category' && !category)
    errors.push({ column: labelOf('category'), value: '', reason: 'is required for a category concession' });
  if (target === 'sibling') {
    if (!rankText) errors.push({ column: labelOf('siblingRank'), value: '', reason: 'is required for a sibling rule' });
    else if (!/^\d{1,2}$/.test(rankText) || Number(rankText) < 2 || Number(rankText) > 12)
      errors.push({ column: labelOf('siblingRank'), value: rankText, reason: 'must be a whole number from 2 (the second child) to 12' });
    else siblingRank = Number(rankText);
  }
  const head = text('head');
  const reason = required('reason');
  if (errors.length > 0 || !kind || !target) return { errors };
  // Only the column its target reads is kept: a stray admission no. on a category row means nothing.
  const record: ConcessionRow = {
    year,
    name,
    kind,
    value,
    target,
    admissionNo: target === 'student' ? admissionNo : null,
    category: target === 'category' ? category : null,
    siblingRank,
    head,
    reason,
  };
  const shownValue = kind === 'percent' ? `${value / 100}%` : formatAmount(value, ctx.school.currency, ctx.school.locale);
  return {
    record,
    text: {
      year,
      name,
      kind,
      value: shownValue,
      target,
      admissionNo: record.admissionNo ?? '',
      category: record.category ?? '',
      siblingRank: siblingRank ? String(siblingRank) : '',
      head: head ?? '',
      reason,
    },
  };
}

function checker(ctx: ImportContext): Checker<ConcessionRow> {
  const map = (q: string) => new Map((ctx.raw.prepare(q).all() as { id: string; name: string }[]).map((r) => [lower(r.name), r.id]));
  const years = map('select id, name from academic_year');
  const students = map('select id, admission_no as name from student');
  const categories = map('select id, name from category');
  const heads = map('select id, name from fee_head where system_code is null');
  const existing = ctx.raw.prepare(
    `select c.kind, c.value, c.reason, d.decision from concession c left join concession_decision d on d.concession_id = c.id
     where c.academic_year_id = ? and lower(c.name) = lower(?) and c.target = ? and c.student_id is ? and c.category_id is ? and c.sibling_rank is ? and c.head_id is ?`,
  );
  const seen = new Map<string, number>();
  return {
    check(row, r) {
      const errors: CellError[] = [];
      const yearId = years.get(lower(r.year)) ?? null;
      if (!yearId) errors.push({ column: labelOf('year'), value: r.year, reason: 'is not an academic year of this school' });
      const studentId = r.admissionNo ? (students.get(lower(r.admissionNo)) ?? null) : null;
      if (r.admissionNo && !studentId)
        errors.push({
          column: labelOf('admissionNo'),
          value: r.admissionNo,
          reason: 'is not a student of this school: import the students first',
        });
      const categoryId = r.category ? (categories.get(lower(r.category)) ?? null) : null;
      if (r.category && !categoryId)
        errors.push({ column: labelOf('category'), value: r.category, reason: 'is not a category of this school' });
      const headId = r.head ? (heads.get(lower(r.head)) ?? null) : null;
      if (r.head && !headId) errors.push({ column: labelOf('head'), value: r.head, reason: 'is not a fee head of this school' });
      if (errors.length > 0) return { errors };
      const input = {
        yearId,
        name: r.name,
        kind: r.kind,
        value: r.value,
        target: r.target,
        studentId,
        categoryId,
        siblingRank: r.siblingRank,
        headId,
        reason: r.reason,
      };
      const parsed = contract['concessions.request'].input.safeParse(input);
      if (!parsed.success) {
        const column: Record<string, string> = { name: 'name', reason: 'reason', value: 'value', siblingRank: 'siblingRank' };
        return {
          errors: parsed.error.issues.map((i) => ({ column: labelOf(column[String(i.path[0])] ?? 'name'), value: '', reason: i.message })),
        };
      }
      const key = [yearId, lower(r.name), r.target, studentId, categoryId, r.siblingRank, headId].join('\u0000');
      const first = seen.get(key);
      if (first !== undefined)
        return {
          errors: [
            {
              column: labelOf('name'),
              value: r.name,
              reason: `appears again: row ${first} gives the same concession to the same ${r.target}`,
            },
          ],
        };
      seen.set(key, row);
      r.resolved = { yearId: yearId!, studentId, categoryId, headId };
      const before = existing.get(yearId, r.name, r.target, studentId, categoryId, r.siblingRank, headId) as
        { kind: string; value: number; decision: string | null } | undefined;
      if (!before) return { action: 'new' };
      if (before.kind === r.kind && before.value === r.value) return { action: 'unchanged' };
      const was = before.kind === 'percent' ? `${before.value / 100}%` : formatAmount(before.value, ctx.school.currency, ctx.school.locale);
      return {
        errors: [
          {
            column: labelOf('value'),
            value: r.kind === 'percent' ? `${r.value / 100}%` : formatAmount(r.value, ctx.school.currency, ctx.school.locale),
            reason: `differs from the concession on record (${before.kind} ${was}); it cannot change by import: request a new one`,
          },
        ],
      };
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, actor: ImportingUser, rows: Planned<ConcessionRow>[]): Promise<Record<string, unknown>> {
  if (!actor.approverId) throw new Error('a concessions import needs an approver');
  let applied = 0;
  for (const { record: r } of rows) {
    const ids = r.resolved!;
    const row: ConcessionTable = {
      id: env.ids.uuid(),
      academic_year_id: ids.yearId,
      name: r.name,
      kind: r.kind,
      value: r.value,
      target: r.target,
      student_id: ids.studentId,
      category_id: ids.categoryId,
      sibling_rank: r.siblingRank,
      head_id: ids.headId,
      reason: r.reason,
      requested_by: actor.userId,
      requested_at: env.clock.now().toISOString(),
    };
    await insertConcession(tx, env, row);
    applied += (await decideConcession(tx, env, row, 'approved', actor.approverId, 'imported')).reduce((a, x) => a + x.amount, 0);
  }
  return { concessionsApproved: rows.length, applied };
}

export const concessionsImporter: Importer<ConcessionRow> = {
  name: 'concessions',
  title: 'Concessions',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: (ctx) => {
    const year = ctx.raw.prepare('select name from academic_year order by is_current desc, starts_on desc limit 1').get() as
      { name: string } | undefined;
    return {
      year: year?.name ?? '2026-27',
      name: 'Second child',
      kind: 'percent',
      value: '10%',
      target: 'sibling',
      admissionNo: '',
      category: '',
      siblingRank: '2',
      head: '',
      reason: 'School policy: 10% off for the second child on',
    };
  },
  lists: (ctx) => ({
    year: schoolNames(ctx, 'year'),
    kind: ['percent', 'fixed'],
    target: [...TARGETS],
    category: schoolNames(ctx, 'category'),
    head: schoolNames(ctx, 'head'),
  }),
};

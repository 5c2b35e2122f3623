// A fee structures file's row: its columns and how one row is read (what the rows mean together is structures.ts's).
import type { ParsedInputOf } from '../../shared/contract';
import { PLANS } from '../../shared/domain/installments';
import type { FineRule } from '../../shared/domain/fines';
import { formatAmount } from '../../shared/domain/money';
import type { CellError, ImportContext } from './importer';
import { cellsOf, field } from './importer';
import { fineRuleText, parseFineRuleText } from './fine-text';
import { parseAmount, parseDate } from './values';

export interface StructureRow {
  year: string;
  className: string;
  category: string | null;
  structure: string;
  plan: string;
  installment: string;
  dueOn: string;
  head: string;
  headAmount: number;
  share: number | null;
  fine: FineRule | null;
  fineText: string;
  assign: boolean;
  /** Set by the checker on a structure's first row: what to write. */
  resolved?: { input: ParsedInputOf<'structures.create'>; existingId: string | null; assign: boolean };
}

export const FIELDS = [
  field('year', 'Year', true, ['academic year', 'session'], 'An academic year set up in Fee set-up, by name (2026-27).'),
  field('className', 'Class', true, ['grade', 'std', 'standard', 'class name'], 'A class set up in Fee set-up, by name.'),
  field(
    'category',
    'Category',
    false,
    ['quota', 'student category'],
    'Empty for the class’s general structure; a category’s name for its own one.',
  ),
  field('structure', 'Structure', true, ['structure name', 'fee structure'], 'The structure’s name; the same on all its rows.'),
  field('plan', 'Plan', true, ['installment plan', 'frequency'], `${PLANS.join(', ')}; the same on all its rows.`),
  field(
    'installment',
    'Installment',
    true,
    ['installment name', 'term', 'period'],
    'The installment’s label (Quarter 1, Apr 2026); one row per installment and fee head.',
  ),
  field('dueOn', 'Due on', true, ['due date', 'last date'], 'When the installment falls due; the same on all its rows.'),
  field('head', 'Fee head', true, ['head', 'fee type'], 'A fee head set up in Fee set-up, by name.'),
  field(
    'headAmount',
    'Head amount',
    true,
    ['annual amount', 'head total', 'yearly amount'],
    'The head’s whole amount for the year; the same on all its rows.',
  ),
  field(
    'share',
    'Share',
    false,
    ['installment amount', 'amount'],
    'This installment’s part of the head; leave every share of a head empty to split it evenly. Shares must add up to the head amount.',
  ),
  field(
    'fine',
    'Late fine',
    false,
    ['fine', 'late fee', 'fine rule'],
    '“flat 100 after 10 days”, “per day 5 after 10 days, at most 500” or “slabs after 10 days: day 1 50; day 30 200”; empty for none.',
  ),
  field(
    'assign',
    'Assigned',
    false,
    ['assign'],
    '“yes” to assign the structure (dues for its students, current year only); empty or “no” to leave that for later.',
  ),
];

export const labelOf = (key: string) => FIELDS.find((f) => f.key === key)!.label;
export const lower = (s: string) => s.trim().toLowerCase();
const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

export function parse(
  cells: Record<string, unknown>,
  ctx: ImportContext,
): { record: StructureRow; text: Record<string, string> } | { errors: CellError[] } {
  const errors: CellError[] = [];
  const { text, required } = cellsOf(cells, FIELDS, errors);
  const amountOf = (key: string, needed: boolean): number | null => {
    const raw = needed ? required(key) : text(key);
    if (!raw) return null;
    const a = parseAmount(cells[key] as never, ctx.school.currency);
    if (!a.ok) errors.push({ column: labelOf(key), value: raw, reason: a.reason });
    return a.ok ? a.value : null;
  };
  const year = required('year');
  const className = required('className');
  const category = text('category');
  const structure = required('structure');
  const plan = required('plan');
  if (plan && !(PLANS as readonly string[]).includes(lower(plan)))
    errors.push({ column: labelOf('plan'), value: plan, reason: `must be one of ${PLANS.join(', ')}` });
  const installment = required('installment');
  let dueOn = '';
  const dueText = required('dueOn');
  if (dueText) {
    const d = parseDate(cells['dueOn'] as never);
    if (d.ok) dueOn = d.value;
    else errors.push({ column: labelOf('dueOn'), value: dueText, reason: d.reason });
  }
  const head = required('head');
  const headAmount = amountOf('headAmount', true);
  if (headAmount === 0)
    errors.push({ column: labelOf('headAmount'), value: text('headAmount') ?? '', reason: 'is zero: leave the head out' });
  const share = amountOf('share', false);
  const fineText = text('fine') ?? '';
  let fine: FineRule | null = null;
  if (fineText) {
    const f = parseFineRuleText(fineText, ctx.school.currency);
    if (f.ok) fine = f.value;
    else errors.push({ column: labelOf('fine'), value: fineText, reason: f.reason });
  }
  const assignText = lower(text('assign') ?? '');
  if (!YES.has(assignText) && !NO.has(assignText))
    errors.push({ column: labelOf('assign'), value: text('assign') ?? '', reason: 'must be yes or no' });
  if (errors.length > 0) return { errors };
  const record: StructureRow = {
    year,
    className,
    category,
    structure,
    plan: lower(plan),
    installment,
    dueOn,
    head,
    headAmount: headAmount!,
    share,
    fine,
    fineText,
    assign: YES.has(assignText),
  };
  const money = (minor: number | null) => (minor === null ? '' : formatAmount(minor, ctx.school.currency, ctx.school.locale));
  return {
    record,
    text: {
      year,
      className,
      category: category ?? '',
      structure,
      plan: record.plan,
      installment,
      dueOn,
      head,
      headAmount: money(headAmount),
      share: money(share),
      fine: fineRuleText(fine, ctx.school.currency) ?? '',
      assign: record.assign ? 'yes' : 'no',
    },
  };
}

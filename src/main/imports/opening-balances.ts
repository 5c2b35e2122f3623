// The opening balances importer: arrears carried over from the previous system, one row per student and fee head,
// written as dues of the current year. A student's opening balance for a head is set once: importing it again with
// the same amount changes nothing, with another amount it is refused (waive or add a fine instead).
import type { DueTable, Tx } from '../db/schema';
import { feeDueId } from '../db/sql-functions';
import { enqueueMany } from '../services/outbox';
import { formatAmount } from '../../shared/domain/money';
import type { CellError, Checker, ImportContext, Importer, ImportingUser, Planned, Unparsed, WriteEnv } from './importer';
import { existingStudentField, field, schoolNames } from './importer';
import { cellText, parseAmount, parseDate } from './values';

export interface OpeningRecord {
  admissionNo: string;
  amount: number;
  dueOn: string;
  head: string;
}

const DEFAULT_HEAD = 'Opening balance';

const FIELDS = [
  existingStudentField(),
  field(
    'amount',
    'Amount',
    true,
    ['balance', 'arrears', 'opening balance', 'due amount', 'outstanding'],
    'What the student still owes from before FeeDesk; 1,250.50, ₹1,250.50 or 1250.5 (never negative).',
  ),
  field('dueOn', 'Due on', true, ['due date', 'as of', 'date'], 'The date it fell due: ageing and late reminders count from it.'),
  field(
    'head',
    'Fee head',
    false,
    ['head', 'fee type'],
    `A fee head set up in Fee set-up; empty means “${DEFAULT_HEAD}” (create that head first).`,
  ),
];

const lower = (s: string) => s.trim().toLowerCase();
/** The due's id is fixed by student, year and head, so the same balance imported twice is the same row. */
const openingDueId = (studentId: string, yearId: string, headId: string) => feeDueId(studentId, `opening:${yearId}`, headId);

function parse(
  cells: Record<string, unknown>,
  ctx: ImportContext,
): { record: OpeningRecord; text: Record<string, string> } | Unparsed<OpeningRecord> {
  const errors: CellError[] = [];
  const admissionNo = cellText(cells['admissionNo'] as never);
  if (!admissionNo) errors.push({ column: 'Admission no.', value: '', reason: 'is required' });
  const amountText = cellText(cells['amount'] as never) ?? '';
  const amount = parseAmount(cells['amount'] as never, ctx.school.currency);
  if (!amountText) errors.push({ column: 'Amount', value: '', reason: 'is required' });
  else if (!amount.ok) errors.push({ column: 'Amount', value: amountText, reason: amount.reason });
  else if (amount.value === 0) errors.push({ column: 'Amount', value: amountText, reason: 'is zero: leave the row out' });
  const dueText = cellText(cells['dueOn'] as never) ?? '';
  const dueOn = parseDate(cells['dueOn'] as never);
  if (!dueText) errors.push({ column: 'Due on', value: '', reason: 'is required' });
  else if (!dueOn.ok) errors.push({ column: 'Due on', value: dueText, reason: dueOn.reason });
  const record = {
    admissionNo: admissionNo ?? '',
    amount: amount.ok ? amount.value : 0,
    dueOn: dueOn.ok ? dueOn.value : '',
    head: cellText(cells['head'] as never) ?? DEFAULT_HEAD,
  };
  if (errors.length > 0) return { errors, partial: record };
  return {
    record,
    text: {
      admissionNo: record.admissionNo,
      amount: formatAmount(record.amount, ctx.school.currency, ctx.school.locale),
      dueOn: record.dueOn,
      head: record.head,
    },
  };
}

interface Resolved {
  studentId: string;
  yearId: string;
  headId: string;
}

function resolver(ctx: ImportContext) {
  const students = new Map(
    (ctx.raw.prepare('select id, admission_no from student').all() as { id: string; admission_no: string }[]).map((s) => [
      lower(s.admission_no),
      s.id,
    ]),
  );
  const heads = new Map(
    (ctx.raw.prepare('select id, name from fee_head').all() as { id: string; name: string }[]).map((h) => [lower(h.name), h.id]),
  );
  const year = ctx.raw.prepare('select id from academic_year where is_current = 1').get() as { id: string } | undefined;
  return (r: OpeningRecord): Resolved | CellError[] => {
    const errors: CellError[] = [];
    const studentId = students.get(lower(r.admissionNo));
    if (!studentId)
      errors.push({ column: 'Admission no.', value: r.admissionNo, reason: 'is not a student of this school: import the students first' });
    const headId = heads.get(lower(r.head));
    if (!headId)
      errors.push({
        column: 'Fee head',
        value: r.head,
        reason: `is not a fee head of this school${r.head === DEFAULT_HEAD ? `: create a head named “${DEFAULT_HEAD}” in Fee set-up` : ''}`,
      });
    if (!year) errors.push({ column: 'Due on', value: r.dueOn, reason: 'needs a current academic year: set one in Fee set-up' });
    return errors.length > 0 ? errors : { studentId: studentId!, yearId: year!.id, headId: headId! };
  };
}

function checker(ctx: ImportContext): Checker<OpeningRecord> {
  const resolve = resolver(ctx);
  const existing = ctx.raw.prepare('select amount, due_on from due where id = ?');
  const seen = new Map<string, number>();
  const money = (minor: number) => formatAmount(minor, ctx.school.currency, ctx.school.locale);
  return {
    check(row, r) {
      const ids = resolve(r);
      if (Array.isArray(ids)) return { errors: ids };
      const id = openingDueId(ids.studentId, ids.yearId, ids.headId);
      const first = seen.get(id);
      if (first !== undefined)
        return {
          errors: [
            {
              column: 'Admission no.',
              value: r.admissionNo,
              reason: `appears again for ${r.head}: row ${first} already sets this opening balance`,
            },
          ],
        };
      seen.set(id, row);
      const before = existing.get(id) as { amount: number; due_on: string } | undefined;
      if (!before) return { action: 'new' };
      if (before.amount === r.amount && before.due_on === r.dueOn) return { action: 'unchanged' };
      return {
        errors: [
          {
            column: 'Amount',
            value: money(r.amount),
            reason: `differs from the opening balance on record (${money(before.amount)} due ${before.due_on}); it cannot change by import: waive part of it, or add a fine`,
          },
        ],
      };
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, _actor: ImportingUser, rows: Planned<OpeningRecord>[]): Promise<Record<string, unknown>> {
  const students = new Map(
    (await tx.selectFrom('student').select(['id', 'admission_no']).execute()).map((s) => [lower(s.admission_no), s.id]),
  );
  const heads = new Map((await tx.selectFrom('fee_head').select(['id', 'name']).execute()).map((h) => [lower(h.name), h.id]));
  const year = await tx.selectFrom('academic_year').select('id').where('is_current', '=', 1).executeTakeFirstOrThrow();
  const now = env.clock.now().toISOString();
  const dues: DueTable[] = rows
    .filter((r) => r.action === 'new')
    .map(({ record: r }) => {
      const studentId = students.get(lower(r.admissionNo))!;
      const headId = heads.get(lower(r.head))!;
      return {
        id: openingDueId(studentId, year.id, headId),
        student_id: studentId,
        academic_year_id: year.id,
        installment_id: null,
        head_id: headId,
        kind: 'fee',
        due_on: r.dueOn,
        amount: r.amount,
        created_at: now,
        source_id: null,
      };
    });
  for (let i = 0; i < dues.length; i += 500)
    await tx
      .insertInto('due')
      .values(dues.slice(i, i + 500))
      .execute();
  // Other desks cannot derive these from a structure: they get the rows, a thousand to a change.
  const batches = [];
  for (let i = 0; i < dues.length; i += 1000) batches.push({ dues: dues.slice(i, i + 1000) });
  await enqueueMany(tx, env, 'dues.opening', batches);
  return { duesCreated: dues.length, amount: dues.reduce((a, d) => a + d.amount, 0) };
}

export const openingBalancesImporter: Importer<OpeningRecord> = {
  name: 'opening_balances',
  title: 'Opening balances',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: () => ({ admissionNo: 'GV001234', amount: '2,500.00', dueOn: '2026-03-31', head: DEFAULT_HEAD }),
  lists: (ctx) => ({ head: schoolNames(ctx, 'head') }),
};

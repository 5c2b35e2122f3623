// The fee structures importer: one row per structure × installment × fee head (the structures list's layout).
// A structure is the rows of one year, class and category; its rows are checked together once the file is read:
// the same name, plan, fine and assignment on every row, one due date per installment, one amount per head, and a
// head's shares adding up to its amount. A structure on record is unchanged or refused, never edited by import.
import { contract, type ParsedInputOf } from '../../shared/contract';
import { PLANS } from '../../shared/domain/installments';
import { formatAmount } from '../../shared/domain/money';
import { splitEvenly } from '../../shared/domain/installments';
import type { Tx } from '../db/schema';
import { assignStructure, createStructure } from '../services/structures';
import type { CellError, Checker, ImportContext, Importer, ImportingUser, Outcome, Planned, WriteEnv } from './importer';
import { schoolNames } from './importer';
import { FIELDS, labelOf, lower, parse, type StructureRow } from './structure-rows';

interface Masters {
  years: Map<string, { id: string; name: string; current: boolean }>;
  classes: Map<string, string>;
  categories: Map<string, string>;
  heads: Map<string, { id: string; name: string }>;
}

function readMasters(ctx: ImportContext): Masters {
  const rows = <T>(q: string) => ctx.raw.prepare(q).all() as T[];
  return {
    years: new Map(
      rows<{ id: string; name: string; is_current: number }>('select id, name, is_current from academic_year').map((y) => [
        lower(y.name),
        { id: y.id, name: y.name, current: y.is_current === 1 },
      ]),
    ),
    classes: new Map(rows<{ id: string; name: string }>('select id, name from class').map((c) => [lower(c.name), c.id])),
    categories: new Map(rows<{ id: string; name: string }>('select id, name from category').map((c) => [lower(c.name), c.id])),
    heads: new Map(
      rows<{ id: string; name: string }>('select id, name from fee_head where system_code is null').map((h) => [
        lower(h.name),
        { id: h.id, name: h.name },
      ]),
    ),
  };
}

/** A structure on record, in the same shape the file's rows make, to tell unchanged from changed. */
function existingStructure(ctx: ImportContext, yearId: string, classId: string, categoryId: string | null) {
  const s = ctx.raw
    .prepare(
      'select id, name, plan, fine_rule_json, assigned_at from fee_structure where academic_year_id = ? and class_id = ? and category_id is ?',
    )
    .get(yearId, classId, categoryId) as
    { id: string; name: string; plan: string; fine_rule_json: string | null; assigned_at: string | null } | undefined;
  if (!s) return null;
  const installments = ctx.raw.prepare('select id, label, due_on from installment where structure_id = ? order by seq').all(s.id) as {
    id: string;
    label: string;
    due_on: string;
  }[];
  const items = ctx.raw
    .prepare(
      'select si.installment_id, si.head_id, si.amount from structure_item si join installment i on i.id = si.installment_id where i.structure_id = ?',
    )
    .all(s.id) as { installment_id: string; head_id: string; amount: number }[];
  const heads = new Map<string, number[]>();
  for (const it of items) {
    const shares = heads.get(it.head_id) ?? installments.map(() => 0);
    shares[installments.findIndex((i) => i.id === it.installment_id)] = it.amount;
    heads.set(it.head_id, shares);
  }
  return { ...s, installments, heads };
}

/** What differs between a structure on record and the file's, in words, or null when they are the same. */
function difference(
  before: NonNullable<ReturnType<typeof existingStructure>>,
  input: ParsedInputOf<'structures.create'>,
  shares: number[][],
): string | null {
  if (before.name !== input.name) return `its name on record is “${before.name}”`;
  if (before.plan !== input.plan) return `its plan on record is ${before.plan}`;
  const installments = before.installments.map((i) => `${i.label} ${i.due_on}`).join(', ');
  if (installments !== input.installments.map((i) => `${i.label} ${i.dueOn}`).join(', '))
    return `its installments on record are ${installments}`;
  if (
    before.heads.size !== input.heads.length ||
    input.heads.some((h, i) => before.heads.get(h.headId)?.join(',') !== shares[i]!.join(','))
  )
    return 'its fee heads or amounts on record differ';
  if ((before.fine_rule_json ?? 'null') !== JSON.stringify(input.fineRule)) return 'its late fine on record differs';
  return null;
}

/** Contract path → the column to point at. */
const COLUMN_OF: Record<string, string> = {
  name: 'structure',
  plan: 'plan',
  installments: 'installment',
  heads: 'head',
  fineRule: 'fine',
  classId: 'className',
  yearId: 'year',
  categoryId: 'category',
};

function checker(ctx: ImportContext): Checker<StructureRow> {
  const rows = new Map<number, StructureRow>();
  const money = (minor: number) => formatAmount(minor, ctx.school.currency, ctx.school.locale);
  return {
    check(row, r) {
      rows.set(row, r);
      return { deferred: true };
    },
    finish() {
      const masters = readMasters(ctx);
      const outcomes = new Map<number, Outcome>();
      const fail = (row: number, e: CellError) => {
        const now = outcomes.get(row);
        outcomes.set(row, { errors: [...(now && 'errors' in now ? now.errors : []), e] });
      };
      const groups = new Map<string, number[]>();
      for (const [row, r] of rows) {
        const key = [r.year, r.className, r.category ?? ''].map(lower).join('\u0000');
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const members of groups.values()) {
        const first = rows.get(members[0]!)!;
        // Names the school must have.
        const year = masters.years.get(lower(first.year));
        const classId = masters.classes.get(lower(first.className)) ?? null;
        const categoryId = first.category ? (masters.categories.get(lower(first.category)) ?? null) : null;
        if (!year)
          fail(members[0]!, {
            column: labelOf('year'),
            value: first.year,
            reason: `is not an academic year of this school (${[...masters.years.values()].map((y) => y.name).join(', ') || 'none set up yet'})`,
          });
        if (!classId) fail(members[0]!, { column: labelOf('className'), value: first.className, reason: 'is not a class of this school' });
        if (first.category && !categoryId)
          fail(members[0]!, { column: labelOf('category'), value: first.category, reason: 'is not a category of this school' });
        if (first.assign && year && !year.current)
          fail(members[0]!, {
            column: labelOf('assign'),
            value: 'yes',
            reason: `can be yes for the current year only; ${year.name} is not current`,
          });
        // What every row of the structure must agree on.
        const installments = new Map<string, { label: string; dueOn: string; row: number }>();
        const heads = new Map<
          string,
          { id: string; name: string; amount: number; row: number; shares: Map<string, number>; anyShare: boolean }
        >();
        const seen = new Map<string, number>();
        for (const row of members) {
          const r = rows.get(row)!;
          if (r.structure !== first.structure)
            fail(row, {
              column: labelOf('structure'),
              value: r.structure,
              reason: `differs from row ${members[0]}’s “${first.structure}” for the same year, class and category`,
            });
          if (r.plan !== first.plan)
            fail(row, { column: labelOf('plan'), value: r.plan, reason: `differs from row ${members[0]}’s ${first.plan}` });
          if (JSON.stringify(r.fine) !== JSON.stringify(first.fine))
            fail(row, { column: labelOf('fine'), value: r.fineText, reason: `differs from row ${members[0]}’s late fine` });
          if (r.assign !== first.assign)
            fail(row, { column: labelOf('assign'), value: r.assign ? 'yes' : 'no', reason: `differs from row ${members[0]}` });
          const inst = installments.get(lower(r.installment));
          if (!inst) installments.set(lower(r.installment), { label: r.installment, dueOn: r.dueOn, row });
          else if (inst.dueOn !== r.dueOn)
            fail(row, {
              column: labelOf('dueOn'),
              value: r.dueOn,
              reason: `differs from row ${inst.row}, where ${inst.label} falls due on ${inst.dueOn}`,
            });
          const head = masters.heads.get(lower(r.head));
          if (!head) {
            fail(row, { column: labelOf('head'), value: r.head, reason: 'is not a fee head of this school' });
            continue;
          }
          const h = heads.get(head.id) ?? { ...head, amount: r.headAmount, row, shares: new Map<string, number>(), anyShare: false };
          heads.set(head.id, h);
          if (h.amount !== r.headAmount)
            fail(row, {
              column: labelOf('headAmount'),
              value: money(r.headAmount),
              reason: `differs from row ${h.row}, where ${h.name} is ${money(h.amount)}`,
            });
          const cell = `${head.id}\u0000${lower(r.installment)}`;
          if (seen.has(cell))
            fail(row, { column: labelOf('head'), value: r.head, reason: `appears twice in ${r.installment} (row ${seen.get(cell)} too)` });
          seen.set(cell, row);
          if (r.share !== null) {
            h.shares.set(lower(r.installment), r.share);
            h.anyShare = true;
          }
        }
        const plan = [...installments.values()].sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
        const shares: number[][] = [];
        for (const h of heads.values()) {
          if (!h.anyShare) {
            shares.push(splitEvenly(h.amount, plan.length));
            continue;
          }
          const list = plan.map((i) => h.shares.get(lower(i.label)) ?? 0);
          const sum = list.reduce((a, b) => a + b, 0);
          shares.push(list);
          if (sum !== h.amount)
            fail(h.row, {
              column: labelOf('share'),
              value: money(sum),
              reason: `${h.name}’s shares add up to ${money(sum)} but its head amount is ${money(h.amount)}`,
            });
        }
        const input = {
          yearId: year?.id ?? '',
          classId: classId ?? '',
          categoryId,
          name: first.structure,
          plan: first.plan,
          installments: plan.map((i) => ({ label: i.label, dueOn: i.dueOn })),
          heads: [...heads.values()].map((h, i) => ({ headId: h.id, amount: h.amount, shares: shares[i]! })),
          fineRule: first.fine,
        };
        const bad = members.some((m) => outcomes.has(m));
        if (!bad) {
          const parsed = contract['structures.create'].input.safeParse(input);
          if (!parsed.success) {
            for (const issue of parsed.error.issues)
              fail(members[0]!, { column: labelOf(COLUMN_OF[String(issue.path[0])] ?? 'structure'), value: '', reason: issue.message });
          } else {
            const before = existingStructure(ctx, input.yearId, input.classId, categoryId);
            const differs = before ? difference(before, parsed.data, shares) : null;
            if (before && differs) {
              fail(members[0]!, {
                column: labelOf('structure'),
                value: first.structure,
                reason: `differs from the structure on record for ${first.className} ${first.year}${first.category ? ` (${first.category})` : ''}: ${differs}; a structure cannot change by import`,
              });
            } else if (before && before.assigned_at && !first.assign) {
              fail(members[0]!, {
                column: labelOf('assign'),
                value: 'no',
                reason: 'the structure on record is assigned already: it cannot be unassigned',
              });
            } else {
              const action = !before ? 'new' : !before.assigned_at && first.assign ? 'updated' : 'unchanged';
              first.resolved = { input: parsed.data, existingId: before?.id ?? null, assign: first.assign };
              for (const m of members) outcomes.set(m, { action });
            }
          }
        }
        // A structure is all its rows or none: the rows without a fault of their own say where the fault is.
        const faulty = members.filter((m) => outcomes.has(m) && 'errors' in outcomes.get(m)!);
        if (faulty.length > 0) {
          for (const m of members)
            if (!outcomes.has(m))
              outcomes.set(m, {
                errors: [
                  {
                    column: labelOf('structure'),
                    value: first.structure,
                    reason: `belongs to a structure with errors (row ${faulty.join(', ')})`,
                  },
                ],
              });
        }
      }
      return outcomes;
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, _actor: ImportingUser, rows: Planned<StructureRow>[]): Promise<Record<string, unknown>> {
  let created = 0;
  let assigned = 0;
  let duesCreated = 0;
  for (const { record } of rows) {
    if (!record.resolved) continue;
    const id = record.resolved.existingId ?? (await createStructure(tx, env, record.resolved.input)).id;
    if (!record.resolved.existingId) created += 1;
    if (record.resolved.assign) {
      duesCreated += (await assignStructure(tx, env, id)).duesCreated;
      assigned += 1;
    }
  }
  return { structuresCreated: created, structuresAssigned: assigned, duesCreated };
}

export const structuresImporter: Importer<StructureRow> = {
  name: 'structures',
  title: 'Fee structures',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: (ctx) => {
    const year = ctx.raw.prepare('select name, starts_on from academic_year order by is_current desc, starts_on desc limit 1').get() as
      { name: string; starts_on: string } | undefined;
    const cls = schoolNames(ctx, 'className')[0];
    const category = schoolNames(ctx, 'category').at(-1);
    const head = schoolNames(ctx, 'head')[0];
    const className = cls ?? 'Class 5';
    return {
      year: year?.name ?? '2026-27',
      className,
      category: category ?? '',
      structure: `${className} ${category ?? 'general'}`,
      plan: 'annual',
      installment: 'Annual',
      dueOn: year?.starts_on ?? '2026-04-10',
      head: head ?? 'Tuition',
      headAmount: '12,000.00',
      share: '',
      fine: 'flat 100 after 10 days',
      assign: 'no',
    };
  },
  lists: (ctx) => ({
    year: schoolNames(ctx, 'year'),
    className: schoolNames(ctx, 'className'),
    category: schoolNames(ctx, 'category'),
    plan: [...PLANS],
    head: schoolNames(ctx, 'head'),
    assign: ['yes', 'no'],
  }),
};

// Fee structures and the dues they generate (student x installment x head), set-based in SQL.
import { sql } from 'kysely';
import type { Structure } from '../../shared/contract/structures';
import type { MutationArgs } from '../../shared/sync/protocol';
import type { ParsedInputOf } from '../../shared/contract';
import { AppError } from '../../shared/contract/errors';
import type { FineRule } from '../../shared/domain/fines';
import { splitEvenly, splitProblem } from '../../shared/domain/installments';
import type { Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { applyApprovedConcessions } from './concessions';
import { assertYearOpen } from './masters';
import type { ServiceDeps } from './context';
import { enqueue } from './outbox';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

/** The per-installment amounts of every head, checked to sum to the head amount. */
function shareTable(input: ParsedInputOf<'structures.create'>, heads: Map<string, string>): number[][] {
  return input.heads.map((h, index) => {
    const headName = heads.get(h.headId);
    if (!headName) throw new AppError('not_found', 'no fee head has this id', `heads.${index}.headId`);
    if (!h.shares) return splitEvenly(h.amount, input.installments.length);
    const problem = splitProblem(h.amount, h.shares, input.installments.length);
    if (problem) throw new AppError('invalid_input', `installment shares for ${headName} ${problem}`, `heads.${index}.shares`);
    return h.shares;
  });
}

export async function readStructures(db: Store | Tx, filter: { yearId?: string; structureId?: string }): Promise<Structure[]> {
  let q = db
    .selectFrom('fee_structure as s')
    .innerJoin('academic_year as y', 'y.id', 's.academic_year_id')
    .innerJoin('class as c', 'c.id', 's.class_id')
    .select([
      's.id',
      's.academic_year_id',
      'y.name as year_name',
      's.class_id',
      'c.name as class_name',
      's.category_id',
      's.name',
      's.plan',
      's.assigned_at',
      's.fine_rule_json',
    ])
    .orderBy('c.sort_order')
    .orderBy(sql`class_key(c.name)`)
    .orderBy('s.name');
  if (filter.yearId) q = q.where('s.academic_year_id', '=', filter.yearId);
  if (filter.structureId) q = q.where('s.id', '=', filter.structureId);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const installments = await db.selectFrom('installment').selectAll().where('structure_id', 'in', ids).orderBy('seq').execute();
  const items = await db
    .selectFrom('structure_item as si')
    .innerJoin('installment as i', 'i.id', 'si.installment_id')
    .innerJoin('fee_head as h', 'h.id', 'si.head_id')
    .select(['i.structure_id', 'i.seq', 'si.installment_id', 'si.head_id', 'h.name', 'h.sort_order', 'si.amount'])
    .where('i.structure_id', 'in', ids)
    .orderBy('h.sort_order')
    .orderBy('i.seq')
    .execute();
  return rows.map((r) => {
    const mine = installments.filter((i) => i.structure_id === r.id);
    const myItems = items.filter((i) => i.structure_id === r.id);
    const headIds = [...new Set(myItems.map((i) => i.head_id))];
    const heads = headIds.map((headId) => {
      const lines = myItems.filter((i) => i.head_id === headId);
      const shares = mine.map((inst) => lines.find((l) => l.installment_id === inst.id)?.amount ?? 0);
      return { headId, name: lines[0]!.name, amount: shares.reduce((a, b) => a + b, 0), shares };
    });
    return {
      id: r.id,
      yearId: r.academic_year_id,
      yearName: r.year_name,
      classId: r.class_id,
      className: r.class_name,
      categoryId: r.category_id,
      name: r.name,
      plan: r.plan as Structure['plan'],
      assignedAt: r.assigned_at,
      total: heads.reduce((a, h) => a + h.amount, 0),
      installments: mine.map((i) => ({
        id: i.id,
        seq: i.seq,
        label: i.label,
        dueOn: i.due_on,
        amount: myItems.filter((x) => x.installment_id === i.id).reduce((a, x) => a + x.amount, 0),
      })),
      heads,
      fineRule: r.fine_rule_json ? (JSON.parse(r.fine_rule_json) as FineRule) : null,
    };
  });
}

/**
 * Creates the fee dues assigned structures imply for active students (all, or the ones listed),
 * from each student's joining installment on; existing dues are left alone. Returns rows created.
 * A student gets their category's structure where the class has one, else the class's general one.
 */
export async function generateDues(
  tx: Tx,
  env: Env,
  scope: {
    studentIds?: string[];
    structureIds?: string[];
    /** The structures were written in this transaction: no due of theirs can exist yet. */
    fresh?: boolean;
  },
): Promise<number> {
  const unmade = scope.fresh
    ? sql``
    : sql`and not exists (select 1 from due d where d.student_id = s.id and d.installment_id = i.id and d.head_id = si.head_id and d.kind = 'fee')`;
  const students = scope.studentIds ? sql`and s.id in (${sql.join(scope.studentIds)})` : sql``;
  const structure = scope.structureIds ? sql`and fs.id in (${sql.join(scope.structureIds)})` : sql``;
  const result = await sql`
    insert into due (id, student_id, academic_year_id, installment_id, head_id, kind, due_on, amount, created_at, source_id)
    select fee_due_id(s.id, i.id, si.head_id), s.id, fs.academic_year_id, i.id, si.head_id, 'fee', i.due_on, si.amount, ${env.clock.now().toISOString()}, fs.id
    from student s
    join fee_structure fs on fs.class_id = s.class_id and fs.assigned_at is not null
      and (fs.category_id = s.category_id or (fs.category_id is null and not exists (
        select 1 from fee_structure f2 where f2.academic_year_id = fs.academic_year_id and f2.class_id = s.class_id
          and f2.category_id = s.category_id and f2.assigned_at is not null)))
    join academic_year y on y.id = fs.academic_year_id and y.is_current = 1
    join installment i on i.structure_id = fs.id
    join structure_item si on si.installment_id = i.id and si.amount > 0
    where s.status = 'active' ${students} ${structure}
      and i.seq >= coalesce((select max(i2.seq) from installment i2 where i2.structure_id = fs.id and i2.due_on <= s.joined_on), 1)
      ${unmade}
    order by s.id
  `.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The dues (and the approved concessions on them) that `studentIds` are owed and do not have yet. While a pull brings the
 * school in, a student's dues are made a chunk of students at a time after their structure's assignment arrives; the
 * counter calls this for the students it opens, so the cashier sees and collects against them at once. The rows are
 * the ones the pull would make (the same ids), so the pull finds them there and goes on.
 */
export async function duesOwedNow(tx: Tx, env: Env, studentIds: readonly string[]): Promise<void> {
  if ((await generateDues(tx, env, { studentIds: [...studentIds] })) > 0) await applyApprovedConcessions(tx, env, { studentIds });
}

/** Writes a structure made elsewhere (another desk, or the rollover) as it is described, once: again does nothing. */
export async function insertStructureRows(
  tx: Tx,
  a: MutationArgs<'structures.create'>,
  when: { createdAt: string; assignedAt: string | null },
): Promise<boolean> {
  if (await tx.selectFrom('fee_structure').select('id').where('id', '=', a.id).executeTakeFirst()) return false;
  await tx
    .insertInto('fee_structure')
    .values({
      id: a.id,
      academic_year_id: a.yearId,
      class_id: a.classId,
      category_id: a.categoryId,
      name: a.name,
      plan: a.plan,
      fine_rule_json: a.fineRule ? JSON.stringify(a.fineRule) : null,
      assigned_at: when.assignedAt,
      created_at: when.createdAt,
    })
    .execute();
  for (const [index, i] of a.installments.entries()) {
    await tx.insertInto('installment').values({ id: i.id, structure_id: a.id, seq: i.seq, label: i.label, due_on: i.dueOn }).execute();
    await tx
      .insertInto('structure_item')
      .values(a.heads.map((h) => ({ installment_id: i.id, head_id: h.headId, amount: h.shares[index] ?? 0 })))
      .execute();
  }
  return true;
}

/** Checks a structure against the store, writes it and tells the other desks (the caller holds the transaction and audits). */
export async function createStructure(tx: Tx, env: Env, input: ParsedInputOf<'structures.create'>): Promise<Structure> {
  const year = await tx.selectFrom('academic_year').select('id').where('id', '=', input.yearId).executeTakeFirst();
  if (!year) throw new AppError('not_found', 'no academic year has this id', 'yearId');
  await assertYearOpen(tx, input.yearId, 'yearId', 'fee structures');
  const cls = await tx.selectFrom('class').select('id').where('id', '=', input.classId).executeTakeFirst();
  if (!cls) throw new AppError('not_found', 'no class has this id', 'classId');
  if (input.categoryId && !(await tx.selectFrom('category').select('id').where('id', '=', input.categoryId).executeTakeFirst())) {
    throw new AppError('not_found', 'no category has this id', 'categoryId');
  }
  const clash = await tx
    .selectFrom('fee_structure')
    .select('id')
    .where('academic_year_id', '=', input.yearId)
    .where('class_id', '=', input.classId)
    .where((eb) => (input.categoryId ? eb('category_id', '=', input.categoryId) : eb('category_id', 'is', null)))
    .executeTakeFirst();
  if (clash) throw new AppError('conflict', 'this class already has a structure for that year and category', 'classId');
  const heads = new Map(
    (await tx.selectFrom('fee_head').select(['id', 'name']).where('system_code', 'is', null).execute()).map((h) => [h.id, h.name]),
  );
  const shares = shareTable(input, heads);

  const id = env.ids.uuid();
  await tx
    .insertInto('fee_structure')
    .values({
      id,
      academic_year_id: input.yearId,
      class_id: input.classId,
      category_id: input.categoryId,
      name: input.name,
      plan: input.plan,
      fine_rule_json: input.fineRule ? JSON.stringify(input.fineRule) : null,
      assigned_at: null,
      created_at: env.clock.now().toISOString(),
    })
    .execute();
  for (const [seq, inst] of input.installments.entries()) {
    const installmentId = env.ids.uuid();
    await tx
      .insertInto('installment')
      .values({ id: installmentId, structure_id: id, seq: seq + 1, label: inst.label, due_on: inst.dueOn })
      .execute();
    await tx
      .insertInto('structure_item')
      .values(input.heads.map((h, i) => ({ installment_id: installmentId, head_id: h.headId, amount: shares[i]![seq]! })))
      .execute();
  }
  const created = (await readStructures(tx, { structureId: id }))[0]!;
  await enqueue(tx, env, 'structures.create', created);
  return created;
}

/** Assigns a structure of the current year: its dues for the class's students, then the concessions that cover them. */
export async function assignStructure(tx: Tx, env: Env, structureId: string): Promise<{ students: number; duesCreated: number }> {
  const [structure] = await readStructures(tx, { structureId });
  if (!structure) throw new AppError('not_found', 'no fee structure has this id', 'structureId');
  const year = await tx.selectFrom('academic_year').select('is_current').where('id', '=', structure.yearId).executeTakeFirstOrThrow();
  if (year.is_current !== 1)
    throw new AppError('conflict', `dues are generated for the current year only; ${structure.yearName} is not current`, 'structureId');
  const now = env.clock.now().toISOString();
  if (!structure.assignedAt) await tx.updateTable('fee_structure').set({ assigned_at: now }).where('id', '=', structureId).execute();
  const duesCreated = await generateDues(tx, env, { structureIds: [structureId] });
  // The class's students with dues from this structure, each found through its own dues (due_student).
  const students = await tx
    .selectFrom('student as s')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('s.class_id', '=', structure.classId)
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('due as d').select('d.id').whereRef('d.student_id', '=', 's.id').where('d.source_id', '=', structureId)),
    )
    .executeTakeFirstOrThrow();
  const studentIds = (await tx.selectFrom('student').select('id').where('class_id', '=', structure.classId).execute()).map((s) => s.id);
  if (studentIds.length > 0) await applyApprovedConcessions(tx, env, { studentIds });
  await enqueue(tx, env, 'structures.assign', { structureId, assignedAt: structure.assignedAt ?? now });
  return { students: Number(students.n), duesCreated };
}

/** A new fee structure (a class's heads and installments for a year), audited, in one transaction. */
export function createStructureAudited(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'structures.create'>): Promise<Structure> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const created = await createStructure(tx, deps, input);
      await recordAudit(tx, deps, { actorId, action: 'structures.create', entity: 'fee_structure', entityId: created.id, after: created });
      return created;
    });
}

/** Assigns a structure to its class: every student's dues, audited, in one transaction. */
export function assignStructureAudited(
  deps: ServiceDeps,
  actorId: string,
  structureId: string,
): Promise<{ students: number; duesCreated: number }> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const result = await assignStructure(tx, deps, structureId);
      await recordAudit(tx, deps, { actorId, action: 'structures.assign', entity: 'fee_structure', entityId: structureId, after: result });
      return result;
    });
}

// Concessions: requests, approval by a second person, and their effect on dues (as due_concession rows).
import { sql } from 'kysely';
import type { ParsedInputOf } from '../../shared/contract';
import type { Concession } from '../../shared/contract/concessions';
import { AppError } from '../../shared/contract/errors';
import { concessionAmounts } from '../../shared/domain/concessions';
import type { ConcessionTable, DueConcessionTable, Store, Tx } from '../db/schema';
import { verifyApprover } from './approvals';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { assertYearOpen } from './masters';
import { enqueue } from './outbox';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

/** Up to this many students are named in the statement that finds the covered ones; a longer list is checked here. */
const NAMED_IN_SQL = 1000;

/** Students a concession covers (sibling rules: the Nth child of a family and every later one, by joining order). */
async function coveredStudents(tx: Tx, c: ConcessionTable, among?: readonly string[]): Promise<string[]> {
  if (c.target === 'student') return c.student_id && (!among || among.includes(c.student_id)) ? [c.student_id] : [];
  // A rollover's whole school: reading every student the rule covers and keeping those listed is far quicker than
  // looking up 50,000 ids one by one.
  const named = among && among.length <= NAMED_IN_SQL ? among : undefined;
  const listed = among && !named ? new Set(among) : null;
  const limit = named ? sql`and s.id in (${sql.join(named)})` : sql``;
  const rows =
    c.target === 'category'
      ? await sql<{
          id: string;
        }>`select s.id from student s where s.category_id = ${c.category_id} and s.status = 'active' ${limit}`.execute(tx)
      : await sql<{ id: string }>`
    select s.id from student s
    where s.family_id is not null and s.status = 'active' ${limit}
      and (select count(*) from student o where o.family_id = s.family_id and o.status = 'active'
           and (o.joined_on < s.joined_on or (o.joined_on = s.joined_on and o.admission_no < s.admission_no))) + 1 >= ${c.sibling_rank}`.execute(
          tx,
        );
  const ids = rows.rows.map((r) => r.id);
  return listed ? ids.filter((id) => listed.has(id)) : ids;
}

/** A list of ids as one bound value: a rollover's 50,000 students are more than SQLite's 32,766 bound values. */
const idSet = (ids: readonly string[]) => sql`(select value from json_each(${JSON.stringify(ids)}))`;

/**
 * Applies one approved concession to the open fee dues it covers and has not been applied to yet: per student, the
 * open fee dues of the concession's own year (the dues of another year, arrears after a rollover, are not its to
 * reduce; nor, for a concession on all heads, a refundable deposit, which is not a fee), in the order a student's dues are shown (due date, head). Set-based: every covered student's dues in one
 * read and their rows in a few inserts (a year-end rollover brings 50,000 students' new dues at once).
 */
async function applyConcession(tx: Tx, c: ConcessionTable, among?: readonly string[]): Promise<DueConcessionTable[]> {
  const students = await coveredStudents(tx, c, among);
  if (students.length === 0) return [];
  const dues = await sql<{ id: string; student_id: string; balance: number }>`
    select d.id, d.student_id, d.amount - d.conceded - d.waived - d.paid as balance
    from due d join fee_head h on h.id = d.head_id
    where d.student_id in ${idSet(students)} and d.kind = 'fee' and d.academic_year_id = ${c.academic_year_id}
      and d.amount > d.conceded + d.waived + d.paid ${c.head_id === null ? sql`and h.deposit = 0` : sql`and d.head_id = ${c.head_id}`}
      and not exists (select 1 from due_concession dc where dc.due_id = d.id and dc.concession_id = ${c.id})
    order by d.student_id, d.due_on, h.sort_order, d.id`.execute(tx);
  if (dues.rows.length === 0) return [];
  // A fixed concession is an amount per student: what it took off their earlier dues is spent.
  const spent = new Map<string, number>();
  if (c.kind === 'fixed') {
    const already = await sql<{ student_id: string; amount: number }>`
      select d.student_id, sum(dc.amount) as amount from due_concession dc join due d on d.id = dc.due_id
      where dc.concession_id = ${c.id} and d.student_id in ${idSet(students)} group by d.student_id`.execute(tx);
    for (const a of already.rows) spent.set(a.student_id, Number(a.amount));
  }
  const rows: DueConcessionTable[] = [];
  for (let from = 0; from < dues.rows.length;) {
    const studentId = dues.rows[from]!.student_id;
    let to = from;
    while (to < dues.rows.length && dues.rows[to]!.student_id === studentId) to++;
    const mine = dues.rows.slice(from, to);
    from = to;
    const value = c.kind === 'fixed' ? c.value - (spent.get(studentId) ?? 0) : c.value;
    if (value <= 0) continue;
    const amounts = concessionAmounts(
      { kind: c.kind, value },
      mine.map((d) => d.balance),
    );
    mine.forEach((d, k) => {
      if (amounts[k]! > 0) rows.push({ due_id: d.id, concession_id: c.id, amount: amounts[k]! });
    });
  }
  // Three bound values a row.
  for (let r = 0; r < rows.length; r += 5000)
    await tx
      .insertInto('due_concession')
      .values(rows.slice(r, r + 5000))
      .execute();
  return rows;
}

/** Brings every approved concession of the current year to bear on new dues (after assignment or admission). */
export async function applyApprovedConcessions(tx: Tx, _env: Env, scope: { studentIds: readonly string[] }): Promise<void> {
  const approved = await tx
    .selectFrom('concession as c')
    .innerJoin('concession_decision as d', 'd.concession_id', 'c.id')
    .innerJoin('academic_year as y', 'y.id', 'c.academic_year_id')
    .selectAll('c')
    .where('d.decision', '=', 'approved')
    .where('y.is_current', '=', 1)
    .orderBy('d.decided_at')
    .execute();
  for (const c of approved) await applyConcession(tx, c, scope.studentIds);
}

export async function listConcessions(db: Store | Tx, filter: { status?: Concession['status']; id?: string }): Promise<Concession[]> {
  let q = db
    .selectFrom('concession as c')
    .leftJoin('concession_decision as d', 'd.concession_id', 'c.id')
    .leftJoin('student as s', 's.id', 'c.student_id')
    .leftJoin('fee_head as h', 'h.id', 'c.head_id')
    .innerJoin('app_user as r', 'r.id', 'c.requested_by')
    .leftJoin('app_user as a', 'a.id', 'd.decided_by')
    .selectAll('c')
    .select([
      'd.decision',
      'd.decided_at',
      's.full_name as student_name',
      'h.name as head_name',
      'r.username as requester',
      'a.username as decider',
    ])
    .select((eb) =>
      eb
        .selectFrom('due_concession')
        .select((e) => e.fn.coalesce(e.fn.sum<number>('amount'), e.lit(0)).as('t'))
        .whereRef('concession_id', '=', 'c.id')
        .as('applied'),
    )
    .orderBy('c.requested_at', 'desc');
  if (filter.id) q = q.where('c.id', '=', filter.id);
  if (filter.status === 'requested') q = q.where('d.decision', 'is', null);
  else if (filter.status) q = q.where('d.decision', '=', filter.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    yearId: r.academic_year_id,
    name: r.name,
    kind: r.kind,
    value: r.value,
    target: r.target,
    studentId: r.student_id,
    studentName: r.student_name,
    categoryId: r.category_id,
    siblingRank: r.sibling_rank,
    headId: r.head_id,
    headName: r.head_name,
    reason: r.reason,
    requestedBy: r.requester,
    requestedAt: r.requested_at,
    status: r.decision ?? 'requested',
    decidedBy: r.decider,
    decidedAt: r.decided_at,
    applied: Number(r.applied ?? 0),
  }));
}

async function pendingConcession(tx: Tx, id: string): Promise<ConcessionTable> {
  const c = await tx.selectFrom('concession').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw new AppError('not_found', 'no concession has this id', 'concessionId');
  const decided = await tx.selectFrom('concession_decision').select('decision').where('concession_id', '=', id).executeTakeFirst();
  if (decided) throw new AppError('conflict', `this concession was already ${decided.decision}`, 'concessionId');
  return c;
}

/** Records a concession request and tells the other desks (the caller audits). */
export async function insertConcession(tx: Tx, env: Env, row: ConcessionTable): Promise<void> {
  await tx.insertInto('concession').values(row).execute();
  await enqueue(tx, env, 'concessions.request', row);
}

/** Records the decision on a pending concession; an approval takes effect on the dues it covers. Returns those. */
export async function decideConcession(
  tx: Tx,
  env: Env,
  c: ConcessionTable,
  decision: 'approved' | 'rejected',
  approverId: string,
  note: string | null,
): Promise<DueConcessionTable[]> {
  const at = env.clock.now().toISOString();
  await tx
    .insertInto('concession_decision')
    .values({ concession_id: c.id, decision, decided_by: approverId, decided_at: at, note })
    .execute();
  const rows = decision === 'approved' ? await applyConcession(tx, c) : [];
  await enqueue(tx, env, `concessions.${decision}`, { concessionId: c.id, decidedBy: approverId, decidedAt: at, note, rows });
  return rows;
}

/**
 * Approves or rejects a pending concession. The approver is not the one at this desk and not the one who asked for the
 * concession (they may ask at one desk or window and type their own password as the "approver" at another).
 */
export async function decidePendingConcession(
  deps: ServiceDeps,
  requesterId: string,
  decision: 'approved' | 'rejected',
  input: ParsedInputOf<'concessions.approve'> | ParsedInputOf<'concessions.reject'>,
): Promise<Concession> {
  const asked = await deps.store().selectFrom('concession').select('requested_by').where('id', '=', input.concessionId).executeTakeFirst();
  const approverId = await verifyApprover(deps, input.approver, asked ? [requesterId, asked.requested_by] : [requesterId]);
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const c = await pendingConcession(tx, input.concessionId);
      if (decision === 'approved') await assertYearOpen(tx, c.academic_year_id, 'concessionId', 'concessions');
      const rows = await decideConcession(tx, deps, c, decision, approverId, input.note);
      const applied = rows.reduce((a, r) => a + r.amount, 0);
      await recordAudit(tx, deps, {
        actorId: approverId,
        action: `concessions.${decision === 'approved' ? 'approve' : 'reject'}`,
        entity: 'concession',
        entityId: c.id,
        after: { decision, applied, requestedOnDeskBy: requesterId },
      });
      return (await listConcessions(tx, { id: c.id }))[0]!;
    });
}

/** Asks for a concession: it applies to nothing until a second person approves it. */
export function requestConcession(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'concessions.request'>): Promise<Concession> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const refs: [string | null, 'academic_year' | 'student' | 'category' | 'fee_head', string][] = [
        [input.yearId, 'academic_year', 'yearId'],
        [input.studentId, 'student', 'studentId'],
        [input.categoryId, 'category', 'categoryId'],
        [input.headId, 'fee_head', 'headId'],
      ];
      for (const [value, table, field] of refs) {
        if (value && !(await tx.selectFrom(table).select('id').where('id', '=', value).executeTakeFirst())) {
          throw new AppError('not_found', `no ${table.replace('_', ' ')} has this id`, field);
        }
      }
      await assertYearOpen(tx, input.yearId, 'yearId', 'concessions');
      const row: ConcessionTable = {
        id: deps.ids.uuid(),
        academic_year_id: input.yearId,
        name: input.name,
        kind: input.kind,
        value: input.value,
        target: input.target,
        student_id: input.target === 'student' ? input.studentId : null,
        category_id: input.target === 'category' ? input.categoryId : null,
        sibling_rank: input.target === 'sibling' ? input.siblingRank : null,
        head_id: input.headId,
        reason: input.reason,
        requested_by: actorId,
        requested_at: deps.clock.now().toISOString(),
      };
      await insertConcession(tx, deps, row);
      await recordAudit(tx, deps, { actorId, action: 'concessions.request', entity: 'concession', entityId: row.id, after: row });
      return (await listConcessions(tx, { id: row.id }))[0]!;
    });
}

// Charges by student: plans of optional fees (transport by route and stop, hostel, activities), students put on them
// from a day and taken off on another, and one-off charges. Their dues are fee dues with a label of their own,
// written here and sent to the other desks as rows (every desk holds the same dues under the same ids).
import { sql } from 'kysely';
import type { ParsedInputOf } from '../../shared/contract';
import type { ChargePlan } from '../../shared/contract/charges';
import { AppError } from '../../shared/contract/errors';
import { formatDate } from '../../shared/domain/date-input';
import type { MutationArgs } from '../../shared/sync/protocol';
import type { DueTable, Store, StudentChargeTable, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { applyApprovedConcessions } from './concessions';
import type { ServiceDeps } from './context';
import { dueRows } from './dues';
import { assertYearOpen } from './masters';
import { enqueue } from './outbox';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;

const SLICE = 5000;
const slices = <T>(list: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += SLICE) out.push(list.slice(i, i + SLICE));
  return out;
};

async function localeOf(db: Store | Tx) {
  return (await db.selectFrom('school').select(['locale']).executeTakeFirst()) ?? { locale: 'en-IN' };
}

export async function readPlans(db: Store | Tx, filter: { yearId?: string; planId?: string }): Promise<ChargePlan[]> {
  let q = db
    .selectFrom('charge_plan as p')
    .innerJoin('academic_year as y', 'y.id', 'p.academic_year_id')
    .innerJoin('fee_head as h', 'h.id', 'p.head_id')
    .select(['p.id', 'p.academic_year_id', 'y.name as year_name', 'p.head_id', 'h.name as head_name', 'p.name', 'p.kind'])
    .select((eb) =>
      eb
        .selectFrom('student_charge as sc')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('sc.plan_id', '=', 'p.id')
        .where('sc.stops_on', 'is', null)
        .as('students'),
    )
    .orderBy('y.starts_on', 'desc')
    .orderBy('p.name');
  if (filter.yearId) q = q.where('p.academic_year_id', '=', filter.yearId);
  if (filter.planId) q = q.where('p.id', '=', filter.planId);
  const plans = await q.execute();
  if (plans.length === 0) return [];
  const ids = plans.map((p) => p.id);
  const installments = await db.selectFrom('charge_installment').selectAll().where('plan_id', 'in', ids).orderBy('seq').execute();
  const stops = await db.selectFrom('charge_stop').selectAll().where('plan_id', 'in', ids).orderBy('route').orderBy('name').execute();
  const rates = await db
    .selectFrom('charge_rate as r')
    .innerJoin('charge_installment as i', 'i.id', 'r.installment_id')
    .select(['i.plan_id', 'i.seq', 'r.stop_id', 'r.amount'])
    .where('i.plan_id', 'in', ids)
    .execute();
  return plans.map((p) => {
    const mine = installments.filter((i) => i.plan_id === p.id);
    const fareOf = (stopId: string | null) =>
      mine.map((i) => rates.find((r) => r.plan_id === p.id && r.seq === i.seq && r.stop_id === stopId)?.amount ?? 0);
    return {
      id: p.id,
      yearId: p.academic_year_id,
      yearName: p.year_name,
      headId: p.head_id,
      headName: p.head_name,
      name: p.name,
      kind: p.kind,
      installments: mine.map((i) => ({ id: i.id, seq: i.seq, label: i.label, dueOn: i.due_on })),
      stops: stops.filter((s) => s.plan_id === p.id).map((s) => ({ id: s.id, route: s.route, name: s.name, fares: fareOf(s.id) })),
      fares: p.kind === 'transport' ? [] : fareOf(null),
      students: Number(p.students ?? 0),
    };
  });
}

/** Writes a plan as it is described (here, or by another desk), once. */
export async function insertPlanRows(tx: Tx, plan: MutationArgs<'charges.plan'>, createdAt: string): Promise<void> {
  if (await tx.selectFrom('charge_plan').select('id').where('id', '=', plan.id).executeTakeFirst()) return;
  await tx
    .insertInto('charge_plan')
    .values({ id: plan.id, academic_year_id: plan.yearId, head_id: plan.headId, name: plan.name, kind: plan.kind, created_at: createdAt })
    .execute();
  await tx
    .insertInto('charge_installment')
    .values(plan.installments.map((i) => ({ id: i.id, plan_id: plan.id, seq: i.seq, label: i.label, due_on: i.dueOn })))
    .execute();
  if (plan.stops.length > 0)
    await tx
      .insertInto('charge_stop')
      .values(plan.stops.map((s) => ({ id: s.id, plan_id: plan.id, route: s.route, name: s.name })))
      .execute();
  const rates = [
    ...plan.stops.flatMap((s) => plan.installments.map((i, n) => ({ installment_id: i.id, stop_id: s.id, amount: s.fares[n] ?? 0 }))),
    ...(plan.kind === 'transport'
      ? []
      : plan.installments.map((i, n) => ({ installment_id: i.id, stop_id: null, amount: plan.fares[n] ?? 0 }))),
  ];
  for (const part of slices(rates)) await tx.insertInto('charge_rate').values(part).execute();
}

async function chargeableHead(tx: Tx, headId: string, field: string) {
  const head = await tx.selectFrom('fee_head').select(['id', 'name', 'system_code']).where('id', '=', headId).executeTakeFirst();
  if (!head) throw new AppError('not_found', 'no fee head has this id', field);
  if (head.system_code) throw new AppError('invalid_input', `${head.name} is levied by FeeDesk itself, not charged`, field);
  return head;
}

export function createPlan(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'charges.createPlan'>): Promise<ChargePlan> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const year = await tx.selectFrom('academic_year').select(['id']).where('id', '=', input.yearId).executeTakeFirst();
      if (!year) throw new AppError('not_found', 'no academic year has this id', 'yearId');
      await assertYearOpen(tx, input.yearId, 'yearId', 'charges');
      await chargeableHead(tx, input.headId, 'headId');
      const clash = await tx
        .selectFrom('charge_plan')
        .select('id')
        .where('academic_year_id', '=', input.yearId)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (clash) throw new AppError('conflict', `a plan named ${input.name} exists already in that year`, 'name');
      const plan = {
        id: deps.ids.uuid(),
        yearId: input.yearId,
        headId: input.headId,
        name: input.name,
        kind: input.kind,
        installments: input.installments.map((i, n) => ({ id: deps.ids.uuid(), seq: n + 1, label: i.label, dueOn: i.dueOn })),
        stops: input.stops.map((s) => ({ id: deps.ids.uuid(), route: s.route, name: s.name, fares: s.fares })),
        fares: input.fares ?? [],
      };
      await insertPlanRows(tx, plan, deps.clock.now().toISOString());
      await enqueue(tx, deps, 'charges.plan', plan);
      const created = (await readPlans(tx, { planId: plan.id }))[0]!;
      await recordAudit(tx, deps, { actorId, action: 'charges.createPlan', entity: 'charge_plan', entityId: plan.id, after: created });
      return created;
    });
}

/** The dues an assignment makes: each installment from the one in force on its first day, up to its last day. */
async function assignmentDues(tx: Tx, env: Env, a: StudentChargeTable, plan: ChargePlan, yearId: string): Promise<DueTable[]> {
  const rates = a.stop_id ? plan.stops.find((s) => s.id === a.stop_id)!.fares : plan.fares;
  const inForce = plan.installments.filter((i) => i.dueOn <= a.starts_on).at(-1)?.seq ?? 1;
  const now = env.clock.now().toISOString();
  return plan.installments
    .map((inst, n) => ({ inst, amount: rates[n] ?? 0 }))
    .filter(({ inst, amount }) => amount > 0 && inst.seq >= inForce && (a.stops_on === null || inst.dueOn <= a.stops_on))
    .map(({ inst, amount }) => ({
      id: env.ids.uuid(),
      student_id: a.student_id,
      academic_year_id: yearId,
      installment_id: null,
      head_id: plan.headId,
      kind: 'fee' as const,
      due_on: inst.dueOn,
      amount,
      created_at: now,
      source_id: a.id,
      label: `${plan.name} — ${inst.label}`,
    }));
}

/** Puts students on a plan in the caller's transaction (the channel, or an import) and tells the other desks. */
export async function assignTx(tx: Tx, deps: Env, actorId: string, input: ParsedInputOf<'charges.assign'>) {
  const plan = (await readPlans(tx, { planId: input.planId }))[0];
  if (!plan) throw new AppError('not_found', 'no charge plan has this id', 'planId');
  await assertYearOpen(tx, plan.yearId, 'planId', 'charges');
  const { locale } = await localeOf(tx);
  const year = await tx
    .selectFrom('academic_year')
    .select(['starts_on', 'ends_on', 'name'])
    .where('id', '=', plan.yearId)
    .executeTakeFirstOrThrow();
  if (input.startsOn < year.starts_on || input.startsOn > year.ends_on)
    throw new AppError(
      'invalid_input',
      `must fall in ${year.name} (${formatDate(year.starts_on, locale)} to ${formatDate(year.ends_on, locale)}), the plan's year`,
      'startsOn',
    );
  if (plan.kind === 'transport') {
    if (!input.stopId) throw new AppError('invalid_input', `is required: ${plan.name} charges by the stop a student boards at`, 'stopId');
    if (!plan.stops.some((s) => s.id === input.stopId)) throw new AppError('invalid_input', `is not a stop on ${plan.name}`, 'stopId');
  } else if (input.stopId) throw new AppError('invalid_input', `${plan.name} has no stops: leave the stop out`, 'stopId');
  const unique = [...new Set(input.studentIds)];
  const students = new Map<string, { id: string; full_name: string; admission_no: string; status: string }>();
  for (const ids of slices(unique))
    for (const s of await tx.selectFrom('student').select(['id', 'full_name', 'admission_no', 'status']).where('id', 'in', ids).execute())
      students.set(s.id, s);
  const on = new Map<string, { starts_on: string; stops_on: string | null }>();
  for (const ids of slices(unique))
    for (const c of await tx
      .selectFrom('student_charge')
      .select(['student_id', 'starts_on', 'stops_on'])
      .where('plan_id', '=', plan.id)
      .where('student_id', 'in', ids)
      .execute())
      if (c.stops_on === null || c.stops_on >= input.startsOn) on.set(c.student_id, c);
  input.studentIds.forEach((id, i) => {
    const s = students.get(id);
    if (!s) throw new AppError('not_found', 'no student has this id', `studentIds.${i}`);
    if (s.status !== 'active')
      throw new AppError('conflict', `${s.full_name} (${s.admission_no}) is not at the school now`, `studentIds.${i}`);
    const held = on.get(id);
    if (held)
      throw new AppError(
        'conflict',
        `${s.full_name} (${s.admission_no}) is on ${plan.name} already from ${formatDate(held.starts_on, locale)}${held.stops_on ? ` to ${formatDate(held.stops_on, locale)}` : ''}: stop that first`,
        `studentIds.${i}`,
      );
  });
  const now = deps.clock.now().toISOString();
  const assignments: StudentChargeTable[] = unique.map((studentId) => ({
    id: deps.ids.uuid(),
    student_id: studentId,
    plan_id: plan.id,
    stop_id: input.stopId,
    starts_on: input.startsOn,
    stops_on: input.stopsOn,
    stop_reason: null,
    created_at: now,
    by_user: actorId,
  }));
  const dues: DueTable[] = [];
  for (const a of assignments) dues.push(...(await assignmentDues(tx, deps, a, plan, plan.yearId)));
  for (const part of slices(assignments)) await tx.insertInto('student_charge').values(part).execute();
  for (const part of slices(dues)) await tx.insertInto('due').values(part).execute();
  for (const ids of slices(unique)) await applyApprovedConcessions(tx, deps, { studentIds: ids });
  await enqueue(tx, deps, 'charges.assign', { assignments, dues });
  return {
    plan,
    students: unique,
    result: { assigned: assignments.length, duesCreated: dues.length, amount: dues.reduce((a, d) => a + d.amount, 0) },
  };
}

export function assignCharge(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'charges.assign'>) {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const { plan, students, result } = await assignTx(tx, deps, actorId, input);
      await recordAudit(tx, deps, {
        actorId,
        action: 'charges.assign',
        entity: 'charge_plan',
        entityId: plan.id,
        after: { plan: plan.name, stopId: input.stopId, startsOn: input.startsOn, stopsOn: input.stopsOn, students, ...result },
      });
      return result;
    });
}

export function stopCharge(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'charges.stop'>) {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const a = await tx.selectFrom('student_charge').selectAll().where('id', '=', input.assignmentId).executeTakeFirst();
      if (!a) throw new AppError('not_found', 'no charge of a student has this id', 'assignmentId');
      const plan = await tx.selectFrom('charge_plan').select('name').where('id', '=', a.plan_id).executeTakeFirstOrThrow();
      const { locale } = await localeOf(tx);
      if (a.stops_on !== null)
        throw new AppError('conflict', `${plan.name} was stopped already, on ${formatDate(a.stops_on, locale)}`, 'assignmentId');
      if (input.stopsOn < a.starts_on)
        throw new AppError('invalid_input', `must not be before the charge started (${formatDate(a.starts_on, locale)})`, 'stopsOn');
      const ours = new Set(
        (await tx.selectFrom('due').select('id').where('student_id', '=', a.student_id).where('source_id', '=', a.id).execute()).map(
          (d) => d.id,
        ),
      );
      const later = (await dueRows(tx, [a.student_id])).filter((d) => ours.has(d.id) && d.due_on > input.stopsOn);
      const at = deps.clock.now().toISOString();
      const reason = `${plan.name} stopped on ${formatDate(input.stopsOn, locale)}: ${input.reason}`;
      const waivers = later
        .filter((d) => d.balance > 0)
        .map((d) => ({ id: deps.ids.uuid(), due_id: d.id, amount: d.balance, reason, approved_by: actorId, at }));
      if (waivers.length > 0) await tx.insertInto('due_waiver').values(waivers).execute();
      await tx.updateTable('student_charge').set({ stops_on: input.stopsOn, stop_reason: input.reason }).where('id', '=', a.id).execute();
      const result = {
        duesWaived: waivers.length,
        amountWaived: waivers.reduce((s, w) => s + w.amount, 0),
        paidAfterStop: later.reduce((s, d) => s + d.paid, 0),
      };
      await recordAudit(tx, deps, {
        actorId,
        action: 'charges.stop',
        entity: 'student_charge',
        entityId: a.id,
        before: { stopsOn: null },
        after: { stopsOn: input.stopsOn, reason: input.reason, ...result },
      });
      await enqueue(tx, deps, 'charges.stop', { id: a.id, stopsOn: input.stopsOn, reason: input.reason, waivers });
      return result;
    });
}

export async function chargesOf(db: Store, studentId: string) {
  const rows = await sql<{
    id: string;
    student_id: string;
    plan_id: string;
    plan_name: string;
    kind: ChargePlan['kind'];
    stop: string | null;
    starts_on: string;
    stops_on: string | null;
    stop_reason: string | null;
  }>`
    select sc.id, sc.student_id, sc.plan_id, p.name as plan_name, p.kind, case when st.id is null then null else st.route || ' — ' || st.name end as stop,
      sc.starts_on, sc.stops_on, sc.stop_reason
    from student_charge sc join charge_plan p on p.id = sc.plan_id left join charge_stop st on st.id = sc.stop_id
    where sc.student_id = ${studentId} order by sc.starts_on, p.name`.execute(db);
  const dues = await dueRows(db, [studentId]);
  const bySource = new Map(
    (await db.selectFrom('due').select(['id', 'source_id']).where('student_id', '=', studentId).execute()).map((d) => [d.id, d.source_id]),
  );
  return rows.rows.map((r) => {
    const mine = dues.filter((d) => bySource.get(d.id) === r.id);
    return {
      id: r.id,
      studentId: r.student_id,
      planId: r.plan_id,
      planName: r.plan_name,
      kind: r.kind,
      stop: r.stop,
      startsOn: r.starts_on,
      stopsOn: r.stops_on,
      stopReason: r.stop_reason,
      charged: mine.reduce((a, d) => a + d.gross, 0),
      waived: mine.reduce((a, d) => a + d.waived + d.concession, 0),
      paid: mine.reduce((a, d) => a + d.paid, 0),
      balance: mine.reduce((a, d) => a + d.balance, 0),
    };
  });
}

/** A one-off charge in the caller's transaction (the channel, or an import), told to the other desks. */
export async function chargeOnceTx(tx: Tx, deps: Env, input: ParsedInputOf<'charges.oneOff'>) {
  const head = await chargeableHead(tx, input.headId, 'headId');
  const year = await tx.selectFrom('academic_year').select('id').where('is_current', '=', 1).executeTakeFirst();
  if (!year) throw new AppError('not_found', 'no academic year is current: an admin must create one first');
  const unique = [...new Set(input.studentIds)];
  const known = new Set<string>();
  for (const ids of slices(unique))
    for (const s of await tx.selectFrom('student').select('id').where('id', 'in', ids).execute()) known.add(s.id);
  input.studentIds.forEach((id, i) => {
    if (!known.has(id)) throw new AppError('not_found', 'no student has this id', `studentIds.${i}`);
  });
  const now = deps.clock.now().toISOString();
  const event = deps.ids.uuid();
  const dues: DueTable[] = unique.map((studentId) => ({
    id: deps.ids.uuid(),
    student_id: studentId,
    academic_year_id: year.id,
    installment_id: null,
    head_id: head.id,
    kind: 'fee',
    due_on: input.dueOn,
    amount: input.amount,
    created_at: now,
    source_id: event,
    label: input.label,
  }));
  for (const part of slices(dues)) await tx.insertInto('due').values(part).execute();
  await enqueue(tx, deps, 'charges.oneOff', { dues });
  return { event, head: head.name, students: unique, result: { duesCreated: dues.length, amount: dues.length * input.amount } };
}

export function chargeOnce(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'charges.oneOff'>) {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const { event, head, students, result } = await chargeOnceTx(tx, deps, input);
      await recordAudit(tx, deps, {
        actorId,
        action: 'charges.oneOff',
        entity: 'charge',
        entityId: event,
        after: { head, label: input.label, each: input.amount, dueOn: input.dueOn, students, ...result },
      });
      return result;
    });
}

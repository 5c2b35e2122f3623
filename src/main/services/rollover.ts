// The year-end rollover written: the new year made current and the old one closed, structures copied and assigned,
// sections added, concessions carried, every student moved (with the class history kept), and the new year's dues
// derived. The desk that does it and every desk that pulls it write the same rows from the same arguments.
import { sql } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { RolloverInput, RolloverReview } from '../../shared/contract/years';
import type { OutputOf } from '../../shared/contract';
import type { PromotionOutcome, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { applyApprovedConcessions } from './concessions';
import type { ServiceDeps } from './context';
import { enqueue } from './outbox';
import { planRollover, type RolloverArgs } from './rollover-plan';
import { generateDues, insertStructureRows } from './structures';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;
type Result = OutputOf<'years.rollover'>;

/** SQLite's limit on bound values is 32,766: lists of ids go in slices well under it. */
const SLICE = 5000;
const slices = <T>(list: readonly T[], size = SLICE): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

const STATUS: Record<PromotionOutcome, 'active' | 'left' | 'alumni'> = {
  promoted: 'active',
  detained: 'active',
  left: 'left',
  graduated: 'alumni',
};

/**
 * Writes a rollover from its arguments, once: a rollover of the same year already here (this one, or another desk's)
 * writes nothing. Returns how many dues the new year got, or null when nothing was written.
 */
export async function writeRollover(
  tx: Tx,
  env: Env,
  a: RolloverArgs,
  deskCode: string,
  summaryOf: (duesCreated: number) => unknown,
): Promise<number | null> {
  const done = await tx
    .selectFrom('rollover')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', a.id), eb('from_year_id', '=', a.fromYearId)]))
    .executeTakeFirst();
  if (done) return null;
  const now = env.clock.now().toISOString();
  await tx
    .insertInto('academic_year')
    .values({
      ...{ id: a.toYear.id, name: a.toYear.name, starts_on: a.toYear.startsOn, ends_on: a.toYear.endsOn },
      is_current: 0,
      created_at: a.at,
      closed_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await tx.updateTable('academic_year').set({ is_current: 0 }).where('is_current', '=', 1).execute();
  await tx.updateTable('academic_year').set({ is_current: 1 }).where('id', '=', a.toYear.id).execute();
  await tx.updateTable('academic_year').set({ closed_at: a.at }).where('id', '=', a.fromYearId).execute();
  if (a.sections.length > 0)
    await tx
      .insertInto('section')
      .values(a.sections.map((s) => ({ id: s.id, class_id: s.classId, name: s.name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  const fresh: string[] = [];
  for (const s of a.structures) if (await insertStructureRows(tx, s, { createdAt: a.at, assignedAt: a.at })) fresh.push(s.id);
  for (const ids of slices(a.assignStructureIds))
    await tx.updateTable('fee_structure').set({ assigned_at: a.at }).where('id', 'in', ids).where('assigned_at', 'is', null).execute();
  for (const c of a.concessions) {
    await tx
      .insertInto('concession')
      .values(c)
      .onConflict((oc) => oc.doNothing())
      .execute();
    await tx
      .insertInto('concession_decision')
      .values({
        concession_id: c.id,
        decision: 'approved',
        decided_by: a.approvedBy,
        decided_at: a.at,
        note: 'carried over by the year-end rollover',
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const staying: string[] = [];
  for (const m of a.moves) {
    const status = STATUS[m.outcome];
    if (status === 'active') staying.push(...m.studentIds);
    // Students go in runs of one version: the version each had where the rollover was done, plus one; never lower
    // than a desk's own (an edit of its own not yet sent is refused by the server, and the server's copy taken).
    const byVersion = new Map<number, string[]>();
    m.studentIds.forEach((id, i) => {
      const run = byVersion.get(m.versions[i]!);
      if (run) run.push(id);
      else byVersion.set(m.versions[i]!, [id]);
    });
    for (const [version, all] of byVersion)
      for (const ids of slices(all)) {
        await tx
          .updateTable('student')
          .set({
            class_id: m.toClassId,
            section_id: m.toSectionId,
            status,
            left_on: status === 'active' ? null : a.closedOn,
            version: sql<number>`max(version, ${version})`,
            updated_at: now,
          })
          .where('id', 'in', ids)
          .execute();
      }
  }
  // The structures written just now have no dues yet (their installments are new): no need to look for any.
  const mayHaveDues = [...a.structures.map((s) => s.id).filter((id) => !fresh.includes(id)), ...a.assignStructureIds];
  const duesCreated =
    (fresh.length > 0 ? await generateDues(tx, env, { structureIds: fresh, fresh: true }) : 0) +
    (mayHaveDues.length > 0 ? await generateDues(tx, env, { structureIds: mayHaveDues }) : 0);
  // Every staying student at once: the concessions read each rule's students once, not once per slice of the school.
  await applyApprovedConcessions(tx, env, { studentIds: staying });
  await tx
    .insertInto('rollover')
    .values({
      id: a.id,
      from_year_id: a.fromYearId,
      to_year_id: a.toYear.id,
      at: a.at,
      requested_by: a.requestedBy,
      approved_by: a.approvedBy,
      desk_code: deskCode,
      summary_json: JSON.stringify(summaryOf(duesCreated)),
    })
    .execute();
  // The class history, under the rollover it belongs to.
  for (const m of a.moves)
    for (const ids of slices(m.studentIds, 1000))
      await tx
        .insertInto('promotion')
        .values(
          ids.map((studentId) => ({
            rollover_id: a.id,
            student_id: studentId,
            from_class_id: m.fromClassId,
            from_section_id: m.fromSectionId,
            to_class_id: m.toClassId,
            to_section_id: m.toSectionId,
            outcome: m.outcome,
            reason: m.reason,
          })),
        )
        .execute();
  return duesCreated;
}

/** What the rollover of a year did, as it was recorded (a second request for the same year gets this back). */
async function recorded(tx: Tx, fromYearId: string): Promise<Result | null> {
  const row = await tx
    .selectFrom('rollover as r')
    .innerJoin('academic_year as f', 'f.id', 'r.from_year_id')
    .innerJoin('academic_year as t', 't.id', 'r.to_year_id')
    .select(['r.id', 'r.at', 'r.summary_json', 'r.desk_code', 'f.name as from_name', 't.name as to_name'])
    .where('r.from_year_id', '=', fromYearId)
    .executeTakeFirst();
  if (!row) return null;
  const summary = JSON.parse(row.summary_json) as { review: RolloverReview; duesCreated: number } | null;
  // Another desk's rollover, pulled: its review stayed there.
  if (!summary)
    throw new AppError('conflict', `${row.from_name} was rolled over into ${row.to_name} already, on desk ${row.desk_code}`, 'fromYearId');
  return { ...summary.review, rolloverId: row.id, at: row.at, duesCreated: summary.duesCreated, alreadyDone: true };
}

/**
 * The rollover in one transaction (the caller's: on the background worker's own connection), with its one audit row
 * and its one mutation for the other desks. The approver was checked before; a year rolled over already is answered
 * with what that rollover did, and nothing is written.
 */
export async function rolloverTx(
  tx: Tx,
  env: Env,
  input: RolloverInput,
  actor: { requestedBy: string; approvedBy: string },
): Promise<Result> {
  const before = await recorded(tx, input.fromYearId);
  if (before) return before;
  const plan = await planRollover(tx, env, input, actor);
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  const duesCreated = (await writeRollover(tx, env, plan.args, desk.code, (n) => ({ review: plan.review, duesCreated: n }))) ?? 0;
  await recordAudit(tx, env, {
    actorId: actor.requestedBy,
    action: 'years.rollover',
    entity: 'academic_year',
    entityId: plan.args.toYear.id,
    after: {
      from: plan.review.fromYear.name,
      to: plan.review.toYear.name,
      approvedBy: actor.approvedBy,
      ...plan.review.totals,
      duesCreated,
    },
  });
  await enqueue(tx, env, 'years.rollover', plan.args);
  return { ...plan.review, rolloverId: plan.args.id, at: plan.args.at, duesCreated, alreadyDone: false };
}

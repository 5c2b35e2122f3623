// Applying one change another desk (or the server) made: each writes exactly the rows the origin desk wrote, and
// each is idempotent, since a full resync (or a page cut off half-way) replays changes this desk already has.
import type { ChangeArgs, ChangeName, MutationArgs } from '../../shared/sync/protocol';
import type { Tx } from '../db/schema';
import { applyApprovedConcessions } from '../services/concessions';
import { writePolicies } from '../services/settings';
import { insertStructureRows } from '../services/structures';
import { writeRollover } from '../services/rollover';
import { insertPlanRows } from '../services/charges';
import { confirmRemoteBankLine, overpaid, recordRemotePayment, recordRemoteRefund, reverseRemote } from './money-appliers';
import { chunks, ensureRemoteUser, type Env, insertDues } from './remote-rows';

export { chunks, type Env } from './remote-rows';

type Applier<N extends ChangeName> = (tx: Tx, env: Env, args: ChangeArgs<N>, deskCode: string) => Promise<void>;

async function setCurrentYear(tx: Tx, yearId: string) {
  if (!(await tx.selectFrom('academic_year').select('id').where('id', '=', yearId).executeTakeFirst())) return;
  await tx.updateTable('academic_year').set({ is_current: 0 }).where('is_current', '=', 1).where('id', '<>', yearId).execute();
  await tx.updateTable('academic_year').set({ is_current: 1 }).where('id', '=', yearId).execute();
}

async function upsertClass(tx: Tx, a: MutationArgs<'masters.createClass' | 'masters.addSection'>) {
  await tx
    .insertInto('class')
    .values({ id: a.id, name: a.name, sort_order: a.sortOrder })
    .onConflict((oc) => oc.doNothing())
    .execute();
  for (const s of a.sections) {
    await tx
      .insertInto('section')
      .values({ id: s.id, class_id: a.id, name: s.name })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

async function updateStudent(
  tx: Tx,
  a: MutationArgs<'students.update'> & Partial<Pick<MutationArgs<'students.leave'>, 'waivers'>>,
  env: Env,
  force = false,
) {
  const exists = await tx.selectFrom('student').select('version').where('id', '=', a.id).executeTakeFirst();
  if (!exists || (!force && exists.version >= a.version)) return;
  await tx
    .updateTable('student')
    .set({
      full_name: a.fullName,
      class_id: a.classId,
      section_id: a.sectionId,
      guardian_name: a.guardianName,
      phone: a.phone,
      phone2: a.phone2,
      email: a.email,
      category_id: a.categoryId,
      family_id: a.familyId,
      status: a.status,
      left_on: a.leftOn,
      version: a.version,
      updated_at: env.clock.now().toISOString(),
    })
    .where('id', '=', a.id)
    .execute();
  for (const w of a.waivers ?? []) {
    await ensureRemoteUser(tx, env, w.approved_by);
    await tx
      .insertInto('due_waiver')
      .values(w)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await applyApprovedConcessions(tx, env, { studentIds: [a.id] });
}

async function decideRemoteConcession(
  tx: Tx,
  env: Env,
  a: MutationArgs<'concessions.approved' | 'concessions.rejected'>,
  decision: 'approved' | 'rejected',
) {
  if (await tx.selectFrom('concession_decision').select('concession_id').where('concession_id', '=', a.concessionId).executeTakeFirst())
    return;
  await ensureRemoteUser(tx, env, a.decidedBy);
  await tx
    .insertInto('concession_decision')
    .values({ concession_id: a.concessionId, decision, decided_by: a.decidedBy, decided_at: a.decidedAt, note: a.note })
    .execute();
  for (const part of chunks(a.rows, 3))
    await tx
      .insertInto('due_concession')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
}

async function insertDayClose(tx: Tx, env: Env, a: MutationArgs<'dayClose.close' | 'dayClose.reopen'>) {
  await ensureRemoteUser(tx, env, a.by_user);
  await tx
    .insertInto('day_close')
    .values(a)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * The server refused this desk's edit as stale: its version wins here too (master data is server-authoritative);
 * the refused edit stays in the rejected list for the accountant.
 */
export async function takeServerVersion(tx: Tx, env: Env, name: string, server: unknown): Promise<void> {
  if ((name === 'students.update' || name === 'students.leave') && server && typeof server === 'object') {
    // The server's copy of the student, sent back with the refusal: its record, not a change's arguments.
    await updateStudent(tx, { ...(server as MutationArgs<'students.update'>), waivers: [] }, env, true);
  }
}

/** Changes applied a run at a time, many rows per statement (apply-remote.ts, BULK_RUNS), not one by one here. */
export type AppliedInBulk = 'students.create' | 'families.create' | 'structures.assign';

/** Each change this desk applies on its own, by name; the ones in AppliedInBulk are applied a run at a time (apply-remote.ts). */
export const APPLIERS: { [N in Exclude<ChangeName, AppliedInBulk>]: Applier<N> } = {
  'masters.createYear': async (tx, env, a) => {
    await tx
      .insertInto('academic_year')
      .values({
        id: a.id,
        name: a.name,
        starts_on: a.startsOn,
        ends_on: a.endsOn,
        is_current: 0,
        created_at: env.clock.now().toISOString(),
        closed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (a.isCurrent) await setCurrentYear(tx, a.id);
  },
  'masters.setCurrentYear': (tx, _env, a) => setCurrentYear(tx, a.id),
  'masters.createClass': (tx, _env, a) => upsertClass(tx, a),
  'masters.addSection': (tx, _env, a) => upsertClass(tx, a),
  'masters.createCategory': async (tx, _env, a) => {
    await tx
      .insertInto('category')
      .values({ id: a.id, name: a.name })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'masters.createHead': async (tx, _env, a) => {
    const last = await tx
      .selectFrom('fee_head')
      .select((eb) => eb.fn.max('sort_order').as('max'))
      .where('system_code', 'is', null)
      .executeTakeFirst();
    await tx
      .insertInto('fee_head')
      .values({
        id: a.id,
        name: a.name,
        tax_rate_bp: a.taxRateBp,
        system_code: null,
        sort_order: (last?.max ?? 0) + 10,
        deposit: a.deposit ? 1 : 0,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'students.update': (tx, env, a) => updateStudent(tx, a, env),
  'students.leave': (tx, env, a) => updateStudent(tx, a, env),
  // The wire does not say when the structure was made (the server keeps only the fields MUTATION_ARGS names).
  'structures.create': async (tx, _env, a) => {
    await insertStructureRows(tx, a, { createdAt: new Date(0).toISOString(), assignedAt: null });
  },
  'concessions.request': async (tx, env, a) => {
    await ensureRemoteUser(tx, env, a.requested_by);
    await tx
      .insertInto('concession')
      .values(a)
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'concessions.approved': (tx, env, a) => decideRemoteConcession(tx, env, a, 'approved'),
  'concessions.rejected': (tx, env, a) => decideRemoteConcession(tx, env, a, 'rejected'),
  'payments.record': (tx, env, a) => recordRemotePayment(tx, env, a),
  'payments.cancel': (tx, env, a, deskCode) => reverseRemote(tx, env, a, 'cancelled', deskCode),
  // A bounce has no approver and names its reason for what the bank said.
  'payments.bounce': (tx, env, a, deskCode) =>
    reverseRemote(tx, env, { ...a, reason: a.bankReason, approvedBy: null }, 'bounced', deskCode, a.chargeDue),
  'payments.refundCredit': async (tx, env, a) => {
    await ensureRemoteUser(tx, env, a.approvedBy);
    await tx
      .insertInto('credit_entry')
      .values({
        id: a.id,
        student_id: a.studentId,
        amount: -a.amount,
        kind: 'refund',
        payment_id: null,
        event_id: null,
        at: a.at,
        note: a.reason,
        approved_by: a.approvedBy,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'refunds.record': (tx, env, a) => recordRemoteRefund(tx, env, a),
  'payments.waive': async (tx, env, a) => {
    await ensureRemoteUser(tx, env, a.approvedBy);
    await insertDues(tx, [a.fineDue]);
    await tx
      .insertInto('due_waiver')
      .values({ id: a.id, due_id: a.dueId, amount: a.amount, reason: a.reason, approved_by: a.approvedBy, at: a.at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'deskKeys.publish': async (tx, _env, a) => {
    await tx
      .insertInto('desk_key')
      .values({ key_id: a.key_id, desk_code: a.desk_code, public_key: a.public_key, private_key: null, created_at: a.created_at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'payments.overpaid': (tx, env, a) => overpaid(tx, env, a),
  'dayClose.close': (tx, env, a) => insertDayClose(tx, env, a),
  'dayClose.reopen': (tx, env, a) => insertDayClose(tx, env, a),
  'dues.opening': (tx, _env, a) => insertDues(tx, a.dues),
  'payments.clear': async (tx, env, a) => {
    await ensureRemoteUser(tx, env, a.by_user);
    await tx
      .insertInto('cheque_clearance')
      .values(a)
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'settings.update': (tx, _env, a) => writePolicies(tx, a),
  'charges.plan': (tx, _env, a) => insertPlanRows(tx, a, new Date(0).toISOString()),
  'charges.assign': async (tx, env, a) => {
    for (const by of new Set(a.assignments.map((x) => x.by_user))) await ensureRemoteUser(tx, env, by);
    for (const part of chunks(a.assignments, 9))
      await tx
        .insertInto('student_charge')
        .values(part)
        .onConflict((oc) => oc.doNothing())
        .execute();
    await insertDues(tx, a.dues);
    await applyApprovedConcessions(tx, env, { studentIds: [...new Set(a.assignments.map((x) => x.student_id))] });
  },
  'charges.stop': async (tx, env, a) => {
    await tx.updateTable('student_charge').set({ stops_on: a.stopsOn, stop_reason: a.reason }).where('id', '=', a.id).execute();
    for (const w of a.waivers) {
      await ensureRemoteUser(tx, env, w.approved_by);
      await tx
        .insertInto('due_waiver')
        .values(w)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  },
  'charges.oneOff': (tx, _env, a) => insertDues(tx, a.dues),
  // The review stayed on the desk that did it; this desk keeps the rollover and derives the same dues.
  'years.rollover': async (tx, env, a, deskCode) => {
    await ensureRemoteUser(tx, env, a.requestedBy);
    await ensureRemoteUser(tx, env, a.approvedBy);
    await writeRollover(tx, env, a, deskCode, () => null);
  },
  'upi.reference': async (tx, _env, a) => {
    await tx
      .insertInto('upi_reference')
      .values({
        ref: a.ref,
        kind: a.kind,
        student_id: a.studentId,
        amount: a.amount,
        covers_json: JSON.stringify(a.covers),
        issued_on: a.issuedOn,
        desk_code: a.deskCode,
        seq: a.seq,
        created_at: a.createdAt,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'bank.confirm': (tx, env, a) => confirmRemoteBankLine(tx, env, a),
};

export async function applyOne(tx: Tx, env: Env, name: string, args: unknown, deskCode: string): Promise<void> {
  if (!Object.hasOwn(APPLIERS, name)) throw new Error(`this desk does not know the change '${name}': update FeeDesk`);
  // Where a pulled change's arguments get their type. The desk does not check them again: the server passes on only
  // what parsed as MUTATION_ARGS[name] (server/push.ts) and types the changes it makes itself.
  const apply = APPLIERS[name as keyof typeof APPLIERS] as (tx: Tx, env: Env, args: unknown, deskCode: string) => Promise<void>;
  await apply(tx, env, args, deskCode);
}

// Applying one change another desk (or the server) made: each writes exactly the rows the origin desk wrote, and
// each is idempotent, since a full resync (or a page cut off half-way) replays changes this desk already has.
import { sql } from 'kysely';
import type { ChangeArgs, ChangeName, MutationArgs } from '../../shared/sync/protocol';
import type { DueTable, Tx } from '../db/schema';
import { applyApprovedConcessions } from '../services/concessions';
import type { Clock, IdSource } from '../services/context';
import { writePolicies } from '../services/settings';
import { writeReversal } from '../services/reversals';

export interface Env {
  clock: Clock;
  ids: IdSource;
}
type Applier<N extends ChangeName> = (tx: Tx, env: Env, args: ChangeArgs<N>, deskCode: string) => Promise<void>;

/** People from other desks appear in payments and approvals; here they are names that cannot log in. */
async function ensureRemoteUser(tx: Tx, env: Env, userId: string | null, fullName?: string): Promise<void> {
  if (typeof userId !== 'string') return;
  const now = env.clock.now().toISOString();
  await tx
    .insertInto('app_user')
    .values({
      id: userId,
      username: `remote-${userId.slice(0, 8)}`,
      full_name: fullName ?? 'Staff of another desk',
      role: 'cashier',
      password_hash: '!remote',
      active: 0,
      failed_attempts: 0,
      locked_until: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Splits a list so one insert stays under SQLite's limit of bound parameters (32,766). */
export function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(30_000 / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const insertDues = async (tx: Tx, dues: (DueTable | null | undefined)[]) => {
  for (const part of chunks(
    dues.filter((d): d is DueTable => !!d),
    10,
  ))
    await tx
      .insertInto('due')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
};

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

async function createStructure(tx: Tx, a: MutationArgs<'structures.create'>) {
  if (await tx.selectFrom('fee_structure').select('id').where('id', '=', a.id).executeTakeFirst()) return;
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
      assigned_at: null,
      // The wire does not say when the structure was made (the server keeps only the fields MUTATION_ARGS names).
      created_at: new Date(0).toISOString(),
    })
    .execute();
  for (const [index, i] of a.installments.entries()) {
    await tx.insertInto('installment').values({ id: i.id, structure_id: a.id, seq: i.seq, label: i.label, due_on: i.dueOn }).execute();
    await tx
      .insertInto('structure_item')
      .values(a.heads.map((h) => ({ installment_id: i.id, head_id: h.headId, amount: h.shares[index] ?? 0 })))
      .execute();
  }
}

async function recordRemotePayment(tx: Tx, env: Env, a: MutationArgs<'payments.record'>) {
  const payment = a.payment;
  if (await tx.selectFrom('payment').select('id').where('id', '=', payment.id).executeTakeFirst()) return;
  const snapshot = JSON.parse(payment.snapshot_json) as { cashier?: { name?: string } };
  await ensureRemoteUser(tx, env, payment.cashier_id, snapshot.cashier?.name);
  await insertDues(tx, a.fineDues);
  await tx.insertInto('payment').values(payment).execute();
  for (const part of chunks(a.allocations, 5)) await tx.insertInto('allocation').values(part).execute();
  for (const c of a.credit) {
    await tx
      .insertInto('credit_entry')
      .values({
        id: env.ids.uuid(),
        student_id: c.studentId,
        amount: c.amount,
        kind: c.kind,
        payment_id: payment.id,
        event_id: null,
        at: payment.received_at,
        note: null,
        approved_by: null,
      })
      .execute();
  }
}

type RemoteReversal = Pick<MutationArgs<'payments.cancel'>, 'paymentId' | 'eventId' | 'at' | 'reason' | 'byUser' | 'approvedBy'>;

async function reverseRemote(
  tx: Tx,
  env: Env,
  a: RemoteReversal,
  kind: 'cancelled' | 'bounced',
  deskCode: string,
  chargeDue: DueTable | null = null,
) {
  // A receipt is reversed once. This desk may have reversed it itself, offline, before another desk's reversal reached
  // the server first: that one is refused there and listed here as refused; this desk's stands as it is.
  if (await tx.selectFrom('payment_event').select('id').where('payment_id', '=', a.paymentId).executeTakeFirst()) return;
  await ensureRemoteUser(tx, env, a.byUser);
  await ensureRemoteUser(tx, env, a.approvedBy);
  await writeReversal(tx, env, {
    paymentId: a.paymentId,
    kind,
    eventId: a.eventId,
    at: a.at,
    reason: a.reason,
    byUser: a.byUser,
    approvedBy: a.approvedBy,
    deskCode,
  });
  await insertDues(tx, [chargeDue]);
}

async function overpaid(tx: Tx, env: Env, a: ChangeArgs<'payments.overpaid'>) {
  const { id, amount } = a;
  if (await tx.selectFrom('sync_alert').select('id').where('id', '=', id).executeTakeFirst()) return;
  await tx
    .insertInto('allocation')
    .values({ payment_id: a.paymentId, due_id: a.dueId, student_id: a.studentId, amount: -amount, event_id: id })
    .execute();
  await tx
    .insertInto('credit_entry')
    .values({
      id: env.ids.uuid(),
      student_id: a.studentId,
      amount,
      kind: 'overpayment',
      payment_id: a.paymentId,
      event_id: id,
      at: a.at,
      note: 'overpaid on two desks',
      approved_by: null,
    })
    .execute();
  await tx
    .insertInto('sync_alert')
    .values({
      id,
      kind: 'overpayment',
      message: a.message,
      payment_id: a.paymentId,
      student_id: a.studentId,
      amount,
      at: a.at,
      seen_at: null,
    })
    .execute();
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
      .values({ id: a.id, name: a.name, tax_rate_bp: a.taxRateBp, system_code: null, sort_order: (last?.max ?? 0) + 10 })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },
  'students.update': (tx, env, a) => updateStudent(tx, a, env),
  'students.leave': (tx, env, a) => updateStudent(tx, a, env),
  'structures.create': (tx, _env, a) => createStructure(tx, a),
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
  'bank.confirm': async (tx, env, a) => {
    await ensureRemoteUser(tx, env, a.byUser);
    const confirmed = {
      payment_id: a.paymentId,
      outcome: a.outcome,
      confirmed_at: a.confirmedAt,
      by_user: a.byUser,
      desk_code: a.deskCode,
    };
    // A line this desk imported and left waiting is the same line: it is in the books now. A line this desk confirmed
    // itself, with a receipt still standing and the server not refusing it, stays: the server took this desk's
    // confirmation after the pulled one (the line's receipt there was reversed in between), and a full resync replays
    // other desks' confirmations but never this desk's own.
    await tx
      .insertInto('bank_line')
      .values({
        key: a.key,
        account: a.account,
        line_date: a.lineDate,
        amount: a.amount,
        narration: a.narration,
        kind: a.kind,
        reference: a.reference,
        imported_at: a.confirmedAt,
        ...confirmed,
      })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet(confirmed)
          .where(
            sql<boolean>`not (bank_line.payment_id is not null
              and bank_line.desk_code = (select code from desk)
              and not exists (select 1 from payment_event e where e.payment_id = bank_line.payment_id)
              and not exists (select 1 from outbox o where o.state = 'rejected' and (
                (o.name = 'bank.confirm' and json_extract(o.args_json, '$.key') = bank_line.key
                  and json_extract(o.args_json, '$.paymentId') = bank_line.payment_id)
                or (o.name = 'payments.record' and json_extract(o.args_json, '$.payment.id') = bank_line.payment_id))))`,
          ),
      )
      .execute();
  },
};

export async function applyOne(tx: Tx, env: Env, name: string, args: unknown, deskCode: string): Promise<void> {
  if (!Object.hasOwn(APPLIERS, name)) throw new Error(`this desk does not know the change '${name}': update FeeDesk`);
  // Where a pulled change's arguments get their type. The desk does not check them again: the server passes on only
  // what parsed as MUTATION_ARGS[name] (server/push.ts) and types the changes it makes itself.
  const apply = APPLIERS[name as keyof typeof APPLIERS] as (tx: Tx, env: Env, args: unknown, deskCode: string) => Promise<void>;
  await apply(tx, env, args, deskCode);
}

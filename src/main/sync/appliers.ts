// Applying one change another desk (or the server) made: each writes exactly the rows the origin desk wrote, and
// each is idempotent, since a full resync (or a page cut off half-way) replays changes this desk already has.
import type { ChequeClearanceTable, ConcessionTable, DayCloseTable, DueConcessionTable, DueTable, StudentTable, Tx } from '../db/schema';
import type { Policies } from '../../shared/contract/settings';
import { applyApprovedConcessions } from '../services/concessions';
import type { Clock, IdSource } from '../services/context';
import { writePolicies } from '../services/settings';
import { writeReversal } from '../services/reversals';

export interface Env {
  clock: Clock;
  ids: IdSource;
}
export type Args = Record<string, unknown>;
type StudentView = { id: string; fullName: string; classId: string; sectionId: string | null; guardianName: string; phone: string; phone2: string | null; email: string | null; categoryId: string | null; familyId: string | null; status: StudentTable['status']; leftOn: string | null; version: number };

/** People from other desks appear in payments and approvals; here they are names that cannot log in. */
async function ensureRemoteUser(tx: Tx, env: Env, userId: unknown, fullName?: string): Promise<void> {
  if (typeof userId !== 'string') return;
  const now = env.clock.now().toISOString();
  await tx
    .insertInto('app_user')
    .values({ id: userId, username: `remote-${userId.slice(0, 8)}`, full_name: fullName ?? 'Staff of another desk', role: 'cashier', password_hash: '!remote', active: 0, failed_attempts: 0, locked_until: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Splits a list so one insert stays under SQLite's limit of bound parameters (32,766). */
export function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(30_000 / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const insertDues = async (tx: Tx, dues: (DueTable | null | undefined)[]) => {
  for (const part of chunks(dues.filter((d): d is DueTable => !!d), 10)) await tx.insertInto('due').values(part).onConflict((oc) => oc.doNothing()).execute();
};

async function setCurrentYear(tx: Tx, yearId: string) {
  if (!(await tx.selectFrom('academic_year').select('id').where('id', '=', yearId).executeTakeFirst())) return;
  await tx.updateTable('academic_year').set({ is_current: 0 }).where('is_current', '=', 1).where('id', '<>', yearId).execute();
  await tx.updateTable('academic_year').set({ is_current: 1 }).where('id', '=', yearId).execute();
}

async function upsertClass(tx: Tx, a: Args) {
  await tx.insertInto('class').values({ id: a['id'] as string, name: a['name'] as string, sort_order: a['sortOrder'] as number }).onConflict((oc) => oc.doNothing()).execute();
  for (const s of a['sections'] as { id: string; name: string }[]) {
    await tx.insertInto('section').values({ id: s.id, class_id: a['id'] as string, name: s.name }).onConflict((oc) => oc.doNothing()).execute();
  }
}

async function updateStudent(tx: Tx, a: StudentView & { waivers?: { id: string; due_id: string; amount: number; reason: string; approved_by: string | null; at: string }[] }, env: Env, force = false) {
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
    await tx.insertInto('due_waiver').values(w).onConflict((oc) => oc.doNothing()).execute();
  }
  await applyApprovedConcessions(tx, env, { studentIds: [a.id] });
}

async function createStructure(tx: Tx, a: Args) {
  const id = a['id'] as string;
  if (await tx.selectFrom('fee_structure').select('id').where('id', '=', id).executeTakeFirst()) return;
  await tx
    .insertInto('fee_structure')
    .values({
      id,
      academic_year_id: a['yearId'] as string,
      class_id: a['classId'] as string,
      category_id: (a['categoryId'] as string | null) ?? null,
      name: a['name'] as string,
      plan: a['plan'] as string,
      fine_rule_json: a['fineRule'] ? JSON.stringify(a['fineRule']) : null,
      assigned_at: null,
      created_at: (a['createdAt'] as string | undefined) ?? new Date(0).toISOString(),
    })
    .execute();
  const installments = a['installments'] as { id: string; seq: number; label: string; dueOn: string }[];
  const heads = a['heads'] as { headId: string; shares: number[] }[];
  for (const [index, i] of installments.entries()) {
    await tx.insertInto('installment').values({ id: i.id, structure_id: id, seq: i.seq, label: i.label, due_on: i.dueOn }).execute();
    await tx.insertInto('structure_item').values(heads.map((h) => ({ installment_id: i.id, head_id: h.headId, amount: h.shares[index] ?? 0 }))).execute();
  }
}

async function recordRemotePayment(tx: Tx, env: Env, a: Args) {
  const payment = a['payment'] as Record<string, unknown> & { id: string; cashier_id: string; snapshot_json: string };
  if (await tx.selectFrom('payment').select('id').where('id', '=', payment.id).executeTakeFirst()) return;
  const snapshot = JSON.parse(payment.snapshot_json) as { cashier?: { name?: string } };
  await ensureRemoteUser(tx, env, payment.cashier_id, snapshot.cashier?.name);
  await insertDues(tx, a['fineDues'] as DueTable[]);
  await tx.insertInto('payment').values(payment as never).execute();
  const allocations = a['allocations'] as { payment_id: string; due_id: string; student_id: string; amount: number; event_id: null }[];
  for (const part of chunks(allocations, 5)) await tx.insertInto('allocation').values(part).execute();
  for (const c of a['credit'] as { studentId: string; amount: number; kind: 'overpayment' | 'applied' }[]) {
    await tx
      .insertInto('credit_entry')
      .values({ id: env.ids.uuid(), student_id: c.studentId, amount: c.amount, kind: c.kind, payment_id: payment.id, event_id: null, at: payment['received_at'] as string, note: null, approved_by: null })
      .execute();
  }
}

async function reverseRemote(tx: Tx, env: Env, a: Args, kind: 'cancelled' | 'bounced', deskCode: string) {
  if (await tx.selectFrom('payment_event').select('id').where('id', '=', a['eventId'] as string).executeTakeFirst()) return;
  await ensureRemoteUser(tx, env, a['byUser']);
  await ensureRemoteUser(tx, env, a['approvedBy']);
  const reason = (kind === 'cancelled' ? a['reason'] : a['bankReason']) as string;
  await writeReversal(tx, env, { paymentId: a['paymentId'] as string, kind, eventId: a['eventId'] as string, at: a['at'] as string, reason, byUser: a['byUser'] as string, approvedBy: (a['approvedBy'] as string | null) ?? null, deskCode });
  if (kind === 'bounced') await insertDues(tx, [a['chargeDue'] as DueTable | null]);
}

async function overpaid(tx: Tx, env: Env, a: Args) {
  const id = a['id'] as string;
  if (await tx.selectFrom('sync_alert').select('id').where('id', '=', id).executeTakeFirst()) return;
  const amount = a['amount'] as number;
  await tx.insertInto('allocation').values({ payment_id: a['paymentId'] as string, due_id: a['dueId'] as string, student_id: a['studentId'] as string, amount: -amount, event_id: id }).execute();
  await tx
    .insertInto('credit_entry')
    .values({ id: env.ids.uuid(), student_id: a['studentId'] as string, amount, kind: 'overpayment', payment_id: a['paymentId'] as string, event_id: id, at: a['at'] as string, note: 'overpaid on two desks', approved_by: null })
    .execute();
  await tx
    .insertInto('sync_alert')
    .values({ id, kind: 'overpayment', message: a['message'] as string, payment_id: a['paymentId'] as string, student_id: a['studentId'] as string, amount, at: a['at'] as string, seen_at: null })
    .execute();
}

/**
 * The server refused this desk's edit as stale: its version wins here too (master data is server-authoritative);
 * the refused edit stays in the rejected list for the accountant.
 */
export async function takeServerVersion(tx: Tx, env: Env, name: string, server: unknown): Promise<void> {
  if ((name === 'students.update' || name === 'students.leave') && server && typeof server === 'object') {
    await updateStudent(tx, { ...(server as StudentView), waivers: [] }, env, true);
  }
}

export async function applyOne(tx: Tx, env: Env, name: string, a: Args, deskCode: string): Promise<void> {
  switch (name) {
    case 'masters.createYear':
      await tx
        .insertInto('academic_year')
        .values({ id: a['id'] as string, name: a['name'] as string, starts_on: a['startsOn'] as string, ends_on: a['endsOn'] as string, is_current: 0, created_at: env.clock.now().toISOString() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      if (a['isCurrent']) await setCurrentYear(tx, a['id'] as string);
      return;
    case 'masters.setCurrentYear':
      return setCurrentYear(tx, a['id'] as string);
    case 'masters.createClass':
    case 'masters.addSection':
      return upsertClass(tx, a);
    case 'masters.createCategory':
      await tx.insertInto('category').values({ id: a['id'] as string, name: a['name'] as string }).onConflict((oc) => oc.doNothing()).execute();
      return;
    case 'masters.createHead': {
      const last = await tx.selectFrom('fee_head').select((eb) => eb.fn.max('sort_order').as('max')).where('system_code', 'is', null).executeTakeFirst();
      await tx
        .insertInto('fee_head')
        .values({ id: a['id'] as string, name: a['name'] as string, tax_rate_bp: a['taxRateBp'] as number, system_code: null, sort_order: (last?.max ?? 0) + 10 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return;
    }
    case 'students.update':
    case 'students.leave':
      return updateStudent(tx, a as unknown as StudentView, env);
    case 'structures.create':
      return createStructure(tx, a);
    case 'concessions.request':
      await ensureRemoteUser(tx, env, a['requested_by']);
      await tx.insertInto('concession').values(a as unknown as ConcessionTable).onConflict((oc) => oc.doNothing()).execute();
      return;
    case 'concessions.approved':
    case 'concessions.rejected': {
      const concessionId = a['concessionId'] as string;
      if (await tx.selectFrom('concession_decision').select('concession_id').where('concession_id', '=', concessionId).executeTakeFirst()) return;
      await ensureRemoteUser(tx, env, a['decidedBy']);
      const decision = name === 'concessions.approved' ? 'approved' : 'rejected';
      await tx.insertInto('concession_decision').values({ concession_id: concessionId, decision, decided_by: a['decidedBy'] as string, decided_at: a['decidedAt'] as string, note: (a['note'] as string | null) ?? null }).execute();
      const rows = ((a['rows'] as DueConcessionTable[] | undefined) ?? []);
      for (const part of chunks(rows, 3)) await tx.insertInto('due_concession').values(part).onConflict((oc) => oc.doNothing()).execute();
      return;
    }
    case 'payments.record':
      return recordRemotePayment(tx, env, a);
    case 'payments.cancel':
      return reverseRemote(tx, env, a, 'cancelled', deskCode);
    case 'payments.bounce':
      return reverseRemote(tx, env, a, 'bounced', deskCode);
    case 'payments.refundCredit':
      await ensureRemoteUser(tx, env, a['approvedBy']);
      await tx
        .insertInto('credit_entry')
        .values({ id: a['id'] as string, student_id: a['studentId'] as string, amount: -(a['amount'] as number), kind: 'refund', payment_id: null, event_id: null, at: a['at'] as string, note: a['reason'] as string, approved_by: (a['approvedBy'] as string | null) ?? null })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return;
    case 'payments.waive':
      await ensureRemoteUser(tx, env, a['approvedBy']);
      await insertDues(tx, [a['fineDue'] as DueTable | null]);
      await tx
        .insertInto('due_waiver')
        .values({ id: a['id'] as string, due_id: a['dueId'] as string, amount: a['amount'] as number, reason: a['reason'] as string, approved_by: (a['approvedBy'] as string | null) ?? null, at: a['at'] as string })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return;
    case 'deskKeys.publish':
      await tx
        .insertInto('desk_key')
        .values({ key_id: a['key_id'] as string, desk_code: a['desk_code'] as string, public_key: a['public_key'] as string, private_key: null, created_at: a['created_at'] as string })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return;
    case 'payments.overpaid':
      return overpaid(tx, env, a);
    case 'dayClose.close':
    case 'dayClose.reopen':
      await ensureRemoteUser(tx, env, a['by_user']);
      await tx.insertInto('day_close').values(a as unknown as DayCloseTable).onConflict((oc) => oc.doNothing()).execute();
      return;
    case 'dues.opening':
      return insertDues(tx, a['dues'] as DueTable[]);
    case 'payments.clear':
      await ensureRemoteUser(tx, env, a['by_user']);
      await tx.insertInto('cheque_clearance').values(a as unknown as ChequeClearanceTable).onConflict((oc) => oc.doNothing()).execute();
      return;
    case 'settings.update':
      return writePolicies(tx, a as Partial<Policies>);
    default:
      throw new Error(`this desk does not know the change '${name}': update FeeDesk`);
  }
}


// The batch's view of a school on the sync server: everything a batch of mutations needs, read up front (one query per
// table), and the rows the decisions in push-rules.ts and bank-rules.ts add, which push.ts writes in bulk.
import { type InferResult, type SelectQueryBuilder, sql } from 'kysely';
import { paymentBankKey } from '../shared/domain/bank-reference';
import type { MutationArgs as Args, MutationName, PushResult } from '../shared/sync/protocol';
import type { ServerDB, ServerTx } from './db/schema';

export interface DeskIdentity {
  deskId: string;
  schoolId: string;
  deskCode: string;
}

interface StudentState {
  id: string;
  admissionNo: string;
  version: number;
  data: unknown;
  isNew: boolean;
  changed: boolean;
}

interface PaymentState {
  id: string;
  receiptNo: string;
  status: 'valid' | 'cancelled' | 'bounced';
  isNew: boolean;
  statusChanged: boolean;
}

interface AllocationRow {
  payment_id: string;
  due_id: string;
  student_id: string;
  amount: number;
  event_id: string | null;
}

interface CreditRow {
  student_id: string;
  payment_id: string | null;
  amount: number;
  kind: string;
  event_id: string | null;
}

/** The batch's view of the school, and the rows it will write. */
export class BatchState {
  readonly students = new Map<string, StudentState>();
  readonly admissionNos = new Map<string, string>();
  readonly payments = new Map<string, PaymentState>();
  readonly receiptNos = new Set<string>();
  readonly knownIds = new Set<string>();
  /** Mutation ids an earlier, revoked enrollment of this desk code applied: the same desk sending its outbox again. */
  readonly appliedEarlier = new Set<string>();
  /** Each key id's holder, and whether it proved it holds the private key. */
  readonly keyOwners = new Map<string, { deskId: string; proven: boolean }>();
  /** Record ids another school already holds (ids are global; a clash is refused, never a database error). */
  readonly elsewhere = new Set<string>();
  /** The school's years, classes, categories and heads: by id, and by kind and name (names are unique per kind). */
  readonly masterIds = new Set<string>();
  readonly masterNames = new Map<string, string>();
  /** Allocations and credit per payment still standing (not reversed), from the database and this batch. */
  readonly standing = new Map<string, { allocations: AllocationRow[]; credit: CreditRow[] }>();
  readonly newPayments: { id: string; receipt_no: string; student_id: string; amount: number; business_date: string }[] = [];
  readonly allocations: AllocationRow[] = [];
  readonly credits: CreditRow[] = [];
  readonly dueCaps = new Map<string, { student_id: string; net: number }>();
  readonly capCuts = new Map<string, number>();
  readonly keys: { key_id: string; desk_code: string; public_key: string; proven: boolean }[] = [];
  /** UPI references this school issued already, from the change log and this batch. */
  readonly upiRefs = new Set<string>();
  /** The batch's bank references and the payment each is in the books as (its status as loaded, for one not in `payments`). */
  readonly bankRefs = new Map<string, { paymentId: string; receiptNo: string; status: PaymentState['status'] }>();
  readonly newBankRefs = new Map<string, string>();
  /** The bank line confirming each payment the batch confirms, from the change log and this batch: one line a payment. */
  readonly confirmingLines = new Map<string, string>();
  /** What each payment holds on each due (`payment:due`), net of every later allocation: what a refund may take back. */
  private readonly shares = new Map<string, number>();
  /** Payments a refund took money back from: these can no longer be cancelled or bounced. */
  readonly refunded = new Set<string>();
  /** Refund voucher numbers this school used already, from the change log and this batch. */
  readonly voucherNos = new Set<string>();
  /** The years rolled over already (from the change log and this batch), and the rollover that did each. */
  readonly rolledOver = new Map<string, string>();

  constructor(readonly desk: DeskIdentity) {}

  static async load(tx: ServerTx, desk: DeskIdentity, mutations: { name: MutationName; args: unknown; id: string }[]): Promise<BatchState> {
    const state = new BatchState(desk);
    const studentIds = new Set<string>();
    const admissionNos = new Set<string>();
    const paymentIds = new Set<string>();
    const receiptNos = new Set<string>();
    const keyIds = new Set<string>();
    for (const m of mutations) {
      const a = m.args as Record<string, unknown>;
      if (m.name === 'students.create') {
        studentIds.add(a['id'] as string);
        admissionNos.add((a['admission_no'] as string).toLowerCase());
      } else if (m.name === 'students.update' || m.name === 'students.leave') studentIds.add(a['id'] as string);
      else if (m.name === 'families.create') for (const id of (a as Args<'families.create'>).studentIds) studentIds.add(id);
      else if (m.name === 'payments.record') {
        const p = (a as Args<'payments.record'>).payment;
        paymentIds.add(p.id);
        receiptNos.add(p.receipt_no);
        studentIds.add(p.student_id);
        for (const al of (a as Args<'payments.record'>).allocations) studentIds.add(al.student_id);
      } else if (m.name === 'payments.cancel' || m.name === 'payments.bounce' || m.name === 'bank.confirm')
        paymentIds.add(a['paymentId'] as string);
      else if (m.name === 'payments.refundCredit') studentIds.add(a['studentId'] as string);
      else if (m.name === 'refunds.record') {
        studentIds.add((a as Args<'refunds.record'>).refund.student_id);
        for (const x of (a as Args<'refunds.record'>).allocations) paymentIds.add(x.payment_id);
      } else if (m.name === 'dues.opening' || m.name === 'charges.assign' || m.name === 'charges.oneOff')
        for (const d of (a as Args<'dues.opening'>).dues) studentIds.add(d.student_id);
      else if (m.name === 'deskKeys.publish') keyIds.add(a['key_id'] as string);
      else if (m.name === 'years.rollover')
        for (const move of (a as Args<'years.rollover'>).moves) for (const id of move.studentIds) studentIds.add(id);
    }
    const school = desk.schoolId;
    const none = ['00000000-0000-0000-0000-000000000000'];
    const list = (s: Set<string>) => (s.size > 0 ? [...s] : none);
    const studentSlices = slices(list(studentIds));
    const { masters, students, byAdmission, payments, byReceipt, allocations, credits, known, keys, earlier } = await readTogether(tx, {
      masters: tx
        .selectFrom('change')
        .select(['name', sql<string>`args->>'id'`.as('id'), sql<string>`lower(args->>'name')`.as('label')])
        .where('school_id', '=', school)
        .where('name', 'in', MASTER_CREATIONS),
      // A rollover names every student of the school: read in slices, under PostgreSQL's limit of bind parameters.
      students: tx
        .selectFrom('student')
        .select(['id', 'school_id', 'admission_no', 'version', 'data'])
        .where('id', 'in', studentSlices[0]!),
      byAdmission: tx
        .selectFrom('student')
        .select(['id', 'admission_no'])
        .where('school_id', '=', school)
        .where((eb) => eb(eb.fn('lower', ['admission_no']), 'in', list(admissionNos))),
      payments: tx.selectFrom('payment').select(['id', 'school_id', 'receipt_no', 'status']).where('id', 'in', list(paymentIds)),
      byReceipt: tx.selectFrom('payment').select('receipt_no').where('school_id', '=', school).where('receipt_no', 'in', list(receiptNos)),
      allocations: tx
        .selectFrom('allocation')
        .select(['payment_id', 'due_id', 'student_id', 'amount', 'event_id'])
        .where('payment_id', 'in', list(paymentIds)),
      credits: tx
        .selectFrom('credit')
        .select(['payment_id', 'student_id', 'amount', 'kind', 'event_id'])
        .where('payment_id', 'in', list(paymentIds)),
      known: tx
        .selectFrom('mutation')
        .select(['id', 'desk_id'])
        .where('status', '=', 'applied')
        .where('id', 'in', list(new Set(mutations.map((m) => m.id)))),
      keys: tx.selectFrom('desk_key').select(['key_id', 'desk_id', 'proven']).where('key_id', 'in', list(keyIds)),
      earlier: tx
        .selectFrom('desk')
        .select('id')
        .where('school_id', '=', school)
        .where('code', '=', desk.deskCode)
        .where('id', '!=', desk.deskId)
        .where('revoked_at', 'is not', null),
    });
    for (const ids of studentSlices.slice(1))
      students.push(
        ...(await tx.selectFrom('student').select(['id', 'school_id', 'admission_no', 'version', 'data']).where('id', 'in', ids).execute()),
      );
    const refs = mutations.filter((m) => m.name === 'upi.reference').map((m) => (m.args as Args<'upi.reference'>).ref);
    if (refs.length > 0) {
      const issued = await tx
        .selectFrom('change')
        .select(sql<string>`args->>'ref'`.as('ref'))
        .where('school_id', '=', school)
        .where('name', '=', 'upi.reference')
        .where(sql`args->>'ref'`, 'in', refs)
        .execute();
      for (const r of issued) state.upiRefs.add(r.ref);
    }
    const vouchers = mutations.filter((m) => m.name === 'refunds.record').map((m) => (m.args as Args<'refunds.record'>).refund.voucher_no);
    if (vouchers.length > 0) {
      const used = await tx
        .selectFrom('change')
        .select(sql<string>`args->'refund'->>'voucher_no'`.as('voucher_no'))
        .where('school_id', '=', school)
        .where('name', '=', 'refunds.record')
        .where(sql`args->'refund'->>'voucher_no'`, 'in', vouchers)
        .execute();
      for (const v of used) state.voucherNos.add(v.voucher_no);
    }
    await state.loadBankRefs(tx, mutations);
    // A rollover makes its new year (unless the year was made before): its name is taken like any year's. Read only
    // for a batch that names a year.
    const namesYear = mutations.some((m) => m.name === 'years.rollover' || m.name === 'masters.createYear');
    const rollovers = !namesYear
      ? []
      : await tx
          .selectFrom('change')
          .select([
            sql<string>`args->>'fromYearId'`.as('from'),
            sql<string>`args->>'id'`.as('id'),
            sql<string>`args->'toYear'->>'id'`.as('year_id'),
            sql<string>`lower(args->'toYear'->>'name')`.as('year_name'),
          ])
          .where('school_id', '=', school)
          .where('name', '=', 'years.rollover')
          .execute();
    for (const r of rollovers) {
      state.rolledOver.set(r.from, r.id);
      state.addMaster('masters.createYear', r.year_id, r.year_name);
    }
    const earlierDesks = new Set(earlier.map((d) => d.id));
    for (const m of masters) state.addMaster(m.name, m.id, m.label);
    for (const s of students) {
      if (s.school_id === school)
        state.students.set(s.id, { id: s.id, admissionNo: s.admission_no, version: s.version, data: s.data, isNew: false, changed: false });
      else state.elsewhere.add(s.id);
    }
    for (const s of byAdmission) state.admissionNos.set(s.admission_no.toLowerCase(), s.id);
    for (const p of payments) {
      if (p.school_id === school)
        state.payments.set(p.id, { id: p.id, receiptNo: p.receipt_no, status: p.status, isNew: false, statusChanged: false });
      else state.elsewhere.add(p.id);
    }
    for (const r of byReceipt) state.receiptNos.add(r.receipt_no);
    for (const k of known) (earlierDesks.has(k.desk_id) ? state.appliedEarlier : state.knownIds).add(k.id);
    for (const k of keys) state.keyOwners.set(k.key_id, { deskId: k.desk_id, proven: k.proven });
    for (const a of allocations) if (a.event_id === null) state.standingOf(a.payment_id).allocations.push(a);
    // A negative allocation under an event that is no overpayment found by the server is a refund's.
    const overpaidEvents = new Set(credits.filter((c) => c.kind === 'overpayment' && c.event_id).map((c) => c.event_id));
    for (const a of allocations) {
      state.addShare(`${a.payment_id}:${a.due_id}`, a.amount);
      if (a.event_id !== null && a.amount < 0 && !overpaidEvents.has(a.event_id) && state.payments.get(a.payment_id)?.status === 'valid')
        state.refunded.add(a.payment_id);
    }
    for (const c of credits)
      if (c.event_id === null && c.payment_id) state.standingOf(c.payment_id).credit.push({ ...c, payment_id: c.payment_id });
    return state;
  }

  private async loadBankRefs(tx: ServerTx, mutations: { name: MutationName; args: unknown }[]) {
    const refs = new Set<string>();
    const confirmed = new Set<string>();
    for (const m of mutations) {
      for (const ref of bankRefsOf(m)) refs.add(ref);
      if (m.name === 'bank.confirm') confirmed.add((m.args as Args<'bank.confirm'>).paymentId);
    }
    if (refs.size === 0) return;
    if (confirmed.size > 0) {
      const lines = await tx
        .selectFrom('change')
        .select([sql<string>`args->>'paymentId'`.as('payment_id'), sql<string>`args->>'key'`.as('key')])
        .where('school_id', '=', this.desk.schoolId)
        .where('name', '=', 'bank.confirm')
        .where(sql`args->>'paymentId'`, 'in', [...confirmed])
        .execute();
      for (const l of lines) this.confirmingLines.set(l.payment_id, l.key);
    }
    const held = await tx
      .selectFrom('bank_reference as r')
      .innerJoin('payment as p', 'p.id', 'r.payment_id')
      .select(['r.ref', 'r.payment_id', 'p.receipt_no', 'p.status'])
      .where('r.school_id', '=', this.desk.schoolId)
      .where('r.ref', 'in', [...refs])
      .execute();
    for (const h of held) this.bankRefs.set(h.ref, { paymentId: h.payment_id, receiptNo: h.receipt_no, status: h.status });
  }

  /** The payment holding a bank reference, while it stands. */
  bankRefHolder(ref: string) {
    const holder = this.bankRefs.get(ref);
    if (!holder) return null;
    const status = this.payments.get(holder.paymentId)?.status ?? holder.status;
    return status === 'valid' ? holder : null;
  }

  holdBankRef(ref: string, paymentId: string, receiptNo: string) {
    this.bankRefs.set(ref, { paymentId, receiptNo, status: 'valid' });
    this.newBankRefs.set(ref, paymentId);
  }

  addMaster(kind: string, id: string, label: string) {
    this.masterIds.add(id);
    this.masterNames.set(`${kind}:${label}`, id);
  }

  shareOf(key: string): number {
    return this.shares.get(key) ?? 0;
  }

  addShare(key: string, amount: number): void {
    this.shares.set(key, this.shareOf(key) + amount);
  }

  standingOf(paymentId: string) {
    let s = this.standing.get(paymentId);
    if (!s) this.standing.set(paymentId, (s = { allocations: [], credit: [] }));
    return s;
  }
}

/** Bind parameters one statement may carry (PostgreSQL's limit is 65,535). */
export const MAX_PARAMETERS = 60_000;

/**
 * Several reads as one statement, one round trip: each query's rows gathered as a JSON array under its name (the
 * values come back as they would on their own: INT8 and jsonb as numbers and objects, text and uuid as strings).
 * Compiled once; reads with more parameters in all than one statement may bind go one at a time.
 */
export async function readTogether<Q extends Record<string, SelectQueryBuilder<ServerDB, keyof ServerDB, object>>>(
  tx: ServerTx,
  queries: Q,
  maxParameters = MAX_PARAMETERS,
): Promise<{ [K in keyof Q]: InferResult<Q[K]> }> {
  const names = Object.keys(queries) as (keyof Q & string)[];
  const columns = names.map((name) => sql`(select coalesce(json_agg(t), '[]'::json) from (${queries[name]!}) as t) as ${sql.ref(name)}`);
  const together = sql<{ [K in keyof Q]: InferResult<Q[K]> }>`select ${sql.join(columns)}`.compile(tx);
  if (together.parameters.length > maxParameters) {
    const rows = await Promise.all(names.map((name) => queries[name]!.execute()));
    return Object.fromEntries(names.map((name, i) => [name, rows[i]])) as { [K in keyof Q]: InferResult<Q[K]> };
  }
  return (await tx.executeQuery(together)).rows[0]!;
}

/** A long list of ids in slices a query can bind (PostgreSQL takes at most 65,535 parameters). */
const slices = (ids: string[], size = 30_000): string[][] => {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
};

export const MASTER_CREATIONS = ['masters.createYear', 'masters.createClass', 'masters.createCategory', 'masters.createHead'];

export type Outcome = Omit<PushResult, 'mutationId'>;
export const applied: Outcome = { status: 'applied' };
export const rejected = (reason: string, detail?: unknown): Outcome => ({
  status: 'rejected',
  reason,
  ...(detail === undefined ? {} : { detail }),
});

/**
 * The references a mutation puts into the books, each of which one standing payment holds: a payment's UTR or bank
 * reference and the UPI QR reference it names (as `QR:<ref>`), a confirmed bank line's key.
 */
export function bankRefsOf(m: { name: MutationName; args: unknown }): string[] {
  if (m.name === 'bank.confirm') return [(m.args as Args<'bank.confirm'>).key];
  if (m.name !== 'payments.record') return [];
  const p = (m.args as Args<'payments.record'>).payment;
  let references: Record<string, unknown>;
  try {
    references = JSON.parse(p.reference_json) as Record<string, unknown>;
  } catch {
    return [];
  }
  const bank = paymentBankKey(p.mode, references);
  const qr = p.mode === 'upi' && typeof references['upiRef'] === 'string' ? `${QR_PREFIX}${references['upiRef']}` : null;
  return [bank, qr].filter((r): r is string => r !== null);
}

/** How a UPI QR reference is held among the bank references: apart from any UTR. */
export const QR_PREFIX = 'QR:';

/**
 * The server's copy of a student in the shape a desk edits and applies (`students.update`'s): a student never edited
 * since admission is still stored as the admission row its desk sent.
 */
export function studentRecord(data: unknown, version: number): Record<string, unknown> {
  const d = data as Record<string, unknown>;
  if (!('admission_no' in d)) return { ...d, version };
  const a = d as Args<'students.create'>;
  return {
    id: a.id,
    admissionNo: a.admission_no,
    fullName: a.full_name,
    classId: a.class_id,
    sectionId: a.section_id,
    guardianName: a.guardian_name,
    phone: a.phone,
    phone2: a.phone2,
    email: a.email,
    categoryId: a.category_id,
    familyId: a.family_id,
    status: a.status,
    joinedOn: a.joined_on,
    leftOn: a.left_on,
    version,
  };
}

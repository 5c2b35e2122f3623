// What the server checks and records for each mutation it applies. Everything is read up front for the whole batch
// (one query per table), decided in memory in the desks' order, and written in bulk by push.ts.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { keyIdOf, keyProofBytes, verifyWith } from '../node-shared/receipt-keys';
import { paymentBankKey } from '../shared/domain/bank-reference';
import type { Mutation, MutationArgs as Args, MutationName, OverpaidArgs, PushResult } from '../shared/sync/protocol';
import type { ServerTx } from './db/schema';

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
      else if (m.name === 'dues.opening') for (const d of (a as Args<'dues.opening'>).dues) studentIds.add(d.student_id);
      else if (m.name === 'deskKeys.publish') keyIds.add(a['key_id'] as string);
    }
    const school = desk.schoolId;
    const none = ['00000000-0000-0000-0000-000000000000'];
    const list = (s: Set<string>) => (s.size > 0 ? [...s] : none);
    const [masters, students, byAdmission, payments, byReceipt, allocations, credits, known, keys, earlier] = await Promise.all([
      tx
        .selectFrom('change')
        .select(['name', sql<string>`args->>'id'`.as('id'), sql<string>`lower(args->>'name')`.as('label')])
        .where('school_id', '=', school)
        .where('name', 'in', MASTER_CREATIONS)
        .execute(),
      tx.selectFrom('student').select(['id', 'school_id', 'admission_no', 'version', 'data']).where('id', 'in', list(studentIds)).execute(),
      tx
        .selectFrom('student')
        .select(['id', 'admission_no'])
        .where('school_id', '=', school)
        .where((eb) => eb(eb.fn('lower', ['admission_no']), 'in', list(admissionNos)))
        .execute(),
      tx.selectFrom('payment').select(['id', 'school_id', 'receipt_no', 'status']).where('id', 'in', list(paymentIds)).execute(),
      tx.selectFrom('payment').select('receipt_no').where('school_id', '=', school).where('receipt_no', 'in', list(receiptNos)).execute(),
      tx
        .selectFrom('allocation')
        .select(['payment_id', 'due_id', 'student_id', 'amount', 'event_id'])
        .where('payment_id', 'in', list(paymentIds))
        .execute(),
      tx
        .selectFrom('credit')
        .select(['payment_id', 'student_id', 'amount', 'kind', 'event_id'])
        .where('payment_id', 'in', list(paymentIds))
        .execute(),
      tx
        .selectFrom('mutation')
        .select(['id', 'desk_id'])
        .where('status', '=', 'applied')
        .where('id', 'in', list(new Set(mutations.map((m) => m.id))))
        .execute(),
      tx.selectFrom('desk_key').select(['key_id', 'desk_id', 'proven']).where('key_id', 'in', list(keyIds)).execute(),
      tx
        .selectFrom('desk')
        .select('id')
        .where('school_id', '=', school)
        .where('code', '=', desk.deskCode)
        .where('id', '!=', desk.deskId)
        .where('revoked_at', 'is not', null)
        .execute(),
    ]);
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
    await state.loadBankRefs(tx, mutations);
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
    for (const c of credits)
      if (c.event_id === null && c.payment_id) state.standingOf(c.payment_id).credit.push({ ...c, payment_id: c.payment_id });
    return state;
  }

  private async loadBankRefs(tx: ServerTx, mutations: { name: MutationName; args: unknown }[]) {
    const refs = new Set<string>();
    const confirmed = new Set<string>();
    for (const m of mutations) {
      const ref = bankRefOf(m);
      if (ref) refs.add(ref);
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

  standingOf(paymentId: string) {
    let s = this.standing.get(paymentId);
    if (!s) this.standing.set(paymentId, (s = { allocations: [], credit: [] }));
    return s;
  }
}

const MASTER_CREATIONS = ['masters.createYear', 'masters.createClass', 'masters.createCategory', 'masters.createHead'];

type Outcome = Omit<PushResult, 'mutationId'>;
const applied: Outcome = { status: 'applied' };
const rejected = (reason: string, detail?: unknown): Outcome => ({
  status: 'rejected',
  reason,
  ...(detail === undefined ? {} : { detail }),
});

/** The bank reference a mutation puts into the books: a payment's UTR or bank reference, a confirmed line's key. */
function bankRefOf(m: { name: MutationName; args: unknown }): string | null {
  if (m.name === 'bank.confirm') return (m.args as Args<'bank.confirm'>).key;
  if (m.name !== 'payments.record') return null;
  const p = (m.args as Args<'payments.record'>).payment;
  try {
    return paymentBankKey(p.mode, JSON.parse(p.reference_json) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** The same money twice: a bank reference a standing payment of the school holds, named by another payment. */
function bankRefTaken(state: BatchState, ref: string | null, paymentId: string, what: string): Outcome | null {
  if (ref === null) return null;
  const holder = state.bankRefHolder(ref);
  if (holder && holder.paymentId !== paymentId)
    return rejected(`${what} is in the school's books already, by receipt ${holder.receiptNo}: the same money cannot be recorded twice`);
  return null;
}

function confirmBankLine(state: BatchState, a: Args<'bank.confirm'>): Outcome {
  // The money held by another receipt comes first: the same line confirmed on two desks offline names, on the second,
  // a payment the server just refused for that very reason, and the accountant needs the receipt that has the money.
  const what = `the bank line of ${a.lineDate} for ${a.amount} (${a.reference ?? a.key})`;
  const taken = bankRefTaken(state, a.key, a.paymentId, what);
  if (taken) return taken;
  const payment = state.payments.get(a.paymentId);
  if (!payment) return rejected(`bank line ${a.key} confirms a payment the server does not know (${a.paymentId})`);
  if (payment.status !== 'valid') return rejected(`bank line ${a.key} confirms receipt ${payment.receiptNo}, which was ${payment.status}`);
  // Two desks offline may each confirm one receipt with a different line (a payer who paid twice under one QR): the
  // second credit would vanish into a receipt that has its money already, so it stays the bank's, as on a desk.
  const earlier = state.confirmingLines.get(a.paymentId);
  if (earlier !== undefined && earlier !== a.key)
    return rejected(
      `bank line ${a.key} confirms receipt ${payment.receiptNo}, which the bank line ${earlier} confirms already: one receipt is one bank credit`,
    );
  state.confirmingLines.set(a.paymentId, a.key);
  state.holdBankRef(a.key, a.paymentId, payment.receiptNo);
  return applied;
}

function unknownStudent(state: BatchState, ids: Iterable<string>): string | null {
  for (const id of ids) if (!state.students.has(id)) return id;
  return null;
}

function recordPayment(state: BatchState, a: Args<'payments.record'>): Outcome {
  const p = a.payment;
  if (state.payments.has(p.id) || state.elsewhere.has(p.id)) return rejected(`payment ${p.id} was already recorded`);
  if (state.receiptNos.has(p.receipt_no)) return rejected(`receipt number ${p.receipt_no} is already used in this school`);
  if (p.desk_code !== state.desk.deskCode)
    return rejected(`receipt ${p.receipt_no} was written by desk ${p.desk_code}, but this is desk ${state.desk.deskCode}`);
  const missing = unknownStudent(state, [p.student_id, ...a.allocations.map((x) => x.student_id)]);
  if (missing) return rejected(`payment for a student the server does not know (${missing})`);
  if (a.allocations.some((x) => x.payment_id !== p.id || x.event_id !== null)) return rejected('allocations must belong to this payment');
  const allocated = a.allocations.reduce((s, x) => s + x.amount, 0);
  const credited = a.credit.reduce((s, c) => s + c.amount, 0);
  if (allocated + credited !== p.amount)
    return rejected(`allocations (${allocated}) and credit (${credited}) do not add up to the amount paid (${p.amount})`);
  const ref = bankRefOf({ name: 'payments.record', args: a });
  const taken = bankRefTaken(state, ref, p.id, `bank reference ${ref} of receipt ${p.receipt_no}`);
  if (taken) return taken;
  if (ref) state.holdBankRef(ref, p.id, p.receipt_no);
  state.payments.set(p.id, { id: p.id, receiptNo: p.receipt_no, status: 'valid', isNew: true, statusChanged: false });
  state.receiptNos.add(p.receipt_no);
  state.newPayments.push({
    id: p.id,
    receipt_no: p.receipt_no,
    student_id: p.student_id,
    amount: p.amount,
    business_date: p.business_date,
  });
  const standing = state.standingOf(p.id);
  for (const x of a.allocations) {
    state.allocations.push(x);
    standing.allocations.push(x);
  }
  for (const c of a.credit) {
    const row = { student_id: c.studentId, payment_id: p.id, amount: c.amount, kind: c.kind, event_id: null };
    state.credits.push(row);
    standing.credit.push(row);
  }
  const studentOfDue = new Map(a.allocations.map((x) => [x.due_id, x.student_id]));
  for (const [dueId, net] of Object.entries(a.dueNet)) {
    const studentId = studentOfDue.get(dueId);
    if (!studentId) continue;
    const prior = state.dueCaps.get(dueId);
    state.dueCaps.set(dueId, { student_id: studentId, net: prior ? Math.min(prior.net, net) : net });
  }
  return applied;
}

function reversePayment(state: BatchState, paymentId: string, eventId: string, kind: 'cancelled' | 'bounced'): Outcome {
  const payment = state.payments.get(paymentId);
  if (!payment) return rejected(`no payment ${paymentId} in this school`);
  if (payment.status !== 'valid') return rejected(`receipt ${payment.receiptNo} was already ${payment.status}`);
  payment.status = kind;
  payment.statusChanged = true;
  const standing = state.standingOf(paymentId);
  for (const x of standing.allocations) state.allocations.push({ ...x, amount: -x.amount, event_id: eventId });
  for (const c of standing.credit) state.credits.push({ ...c, amount: -c.amount, kind: 'reversal', event_id: eventId });
  state.standing.delete(paymentId);
  return applied;
}

/**
 * The server's copy of a student in the shape a desk edits and applies (`students.update`'s): a student never edited
 * since admission is still stored as the admission row its desk sent.
 */
function studentRecord(data: unknown, version: number): Record<string, unknown> {
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

/** Gathering siblings into a family raises each one's version on every desk: an edit made before it is stale here too. */
function gatherFamily(state: BatchState, a: Args<'families.create'>): Outcome {
  for (const id of a.studentIds) {
    const current = state.students.get(id);
    if (!current) continue;
    const version = current.version + 1;
    Object.assign(current, { version, data: { ...studentRecord(current.data, version), familyId: a.id }, changed: true });
  }
  return applied;
}

function changeStudent(state: BatchState, a: Args<'students.update'>): Outcome {
  const current = state.students.get(a.id);
  if (!current) return rejected(`no student ${a.id} in this school`);
  if (current.version !== a.baseVersion) {
    return rejected(
      `stale: ${a.admissionNo} was changed on another desk (server has version ${current.version}, this edit was made on version ${a.baseVersion})`,
      {
        server: studentRecord(current.data, current.version),
        yours: a,
      },
    );
  }
  Object.assign(current, { version: a.version, data: a, changed: true });
  return applied;
}

/**
 * A key id is the key's fingerprint, so no desk can claim another's id with a key of its own. An id stays with the
 * first desk to publish it, unless that desk never proved it holds the private key and the one publishing now does:
 * only the real holder can, so a desk that copied a public key cannot keep it from its owner.
 */
function publishKey(state: BatchState, a: Args<'deskKeys.publish'>): Outcome {
  const derived = keyIdOf(Buffer.from(a.public_key, 'base64'));
  if (derived !== a.key_id) return rejected(`key id ${a.key_id} is not the id of the key sent with it (that key's id is ${derived})`);
  if (a.desk_code !== state.desk.deskCode) return rejected(`key is for desk ${a.desk_code}, but this is desk ${state.desk.deskCode}`);
  const proven =
    a.proof !== undefined && verifyWith(a.key_id, a.public_key, keyProofBytes(a.key_id, a.desk_code), Buffer.from(a.proof, 'base64'));
  if (a.proof !== undefined && !proven) return rejected(`key ${a.key_id} came with a proof that its private key did not sign`);
  const holder = state.keyOwners.get(a.key_id);
  if (holder && holder.deskId !== state.desk.deskId && (holder.proven || !proven))
    return rejected(`key ${a.key_id} is already held by another desk: it cannot be published again`);
  if (!holder || holder.deskId !== state.desk.deskId || (proven && !holder.proven)) {
    state.keys.push({ key_id: a.key_id, desk_code: a.desk_code, public_key: a.public_key, proven });
  }
  state.keyOwners.set(a.key_id, { deskId: state.desk.deskId, proven: proven || (holder?.proven ?? false) });
  return applied;
}

/** Decides one mutation against the batch state; writes nothing itself. */
export function decide(state: BatchState, m: Mutation & { name: MutationName }): Outcome {
  if (state.appliedEarlier.has(m.id)) return { status: 'duplicate' };
  if (state.knownIds.has(m.id)) return rejected(`mutation id ${m.id} was already used by another mutation`);
  const outcome = decideRecord(state, m);
  if (outcome.status === 'applied') state.knownIds.add(m.id);
  return outcome;
}

function decideRecord(state: BatchState, m: Mutation & { name: MutationName }): Outcome {
  if (MASTER_CREATIONS.includes(m.name)) {
    // Two desks naming a class (year, category, head) alike offline: the first to reach the server keeps the name.
    const a = m.args as { id: string; name: string };
    const holder = state.masterNames.get(`${m.name}:${a.name.toLowerCase()}`);
    if (holder && holder !== a.id) return rejected(`'${a.name}' already exists in this school (made on another desk): use that one`);
    state.addMaster(m.name, a.id, a.name.toLowerCase());
    return applied;
  }
  switch (m.name) {
    case 'students.create': {
      const a = m.args as Args<'students.create'>;
      if (state.students.has(a.id) || state.elsewhere.has(a.id)) return rejected(`student ${a.id} already exists`);
      if (!state.masterIds.has(a.class_id))
        return rejected(`student ${a.admission_no} is in a class the server does not know (${a.class_id})`);
      const holder = state.admissionNos.get(a.admission_no.toLowerCase());
      if (holder) return rejected(`admission no. ${a.admission_no} already belongs to another student in this school`);
      state.students.set(a.id, { id: a.id, admissionNo: a.admission_no, version: 1, data: a, isNew: true, changed: false });
      state.admissionNos.set(a.admission_no.toLowerCase(), a.id);
      return applied;
    }
    case 'students.update':
    case 'students.leave':
      return changeStudent(state, m.args as Args<'students.update'>);
    case 'families.create':
      return gatherFamily(state, m.args as Args<'families.create'>);
    case 'upi.reference': {
      // Unique by construction (desk code and the desk's own series), unless a desk code was re-enrolled on a fresh
      // store that had not yet pulled its predecessor's references: the first to reach the server keeps it.
      const a = m.args as Args<'upi.reference'>;
      if (state.upiRefs.has(a.ref))
        return rejected(`UPI reference ${a.ref} was issued already in this school: print the slip or show the QR again for a new one`);
      state.upiRefs.add(a.ref);
      return applied;
    }
    case 'payments.record':
      return recordPayment(state, m.args as Args<'payments.record'>);
    case 'bank.confirm':
      return confirmBankLine(state, m.args as Args<'bank.confirm'>);
    case 'payments.cancel': {
      const a = m.args as Args<'payments.cancel'>;
      return reversePayment(state, a.paymentId, a.eventId, 'cancelled');
    }
    case 'payments.bounce': {
      const a = m.args as Args<'payments.bounce'>;
      const outcome = reversePayment(state, a.paymentId, a.eventId, 'bounced');
      if (outcome.status === 'applied' && a.chargeDue)
        state.dueCaps.set(a.chargeDue.id, { student_id: a.chargeDue.student_id, net: a.chargeDue.amount });
      return outcome;
    }
    case 'payments.refundCredit': {
      const a = m.args as Args<'payments.refundCredit'>;
      if (!state.students.has(a.studentId)) return rejected(`refund for a student the server does not know (${a.studentId})`);
      state.credits.push({ student_id: a.studentId, payment_id: null, amount: -a.amount, kind: 'refund', event_id: null });
      return applied;
    }
    case 'payments.waive': {
      const a = m.args as Args<'payments.waive'>;
      if (a.fineDue) state.dueCaps.set(a.fineDue.id, { student_id: a.fineDue.student_id, net: a.fineDue.amount });
      state.capCuts.set(a.dueId, (state.capCuts.get(a.dueId) ?? 0) + a.amount);
      return applied;
    }
    case 'deskKeys.publish':
      return publishKey(state, m.args as Args<'deskKeys.publish'>);
    case 'dues.opening': {
      const a = m.args as Args<'dues.opening'>;
      const unknown = a.dues.find((d) => !state.students.has(d.student_id));
      if (unknown) return rejected(`opening balance for a student the server does not know (${unknown.student_id})`);
      for (const d of a.dues) state.dueCaps.set(d.id, { student_id: d.student_id, net: d.amount });
      return applied;
    }
    case 'dayClose.close':
    case 'dayClose.reopen': {
      const a = m.args as Args<'dayClose.close'>;
      if (a.desk_code !== state.desk.deskCode)
        return rejected(`day close is for desk ${a.desk_code}, but this is desk ${state.desk.deskCode}`);
      return applied;
    }
    default:
      return applied;
  }
}

/** An over-payment as push-rules finds it; the change desks pull adds its message and time (OverpaidArgs). */
export type Overpaid = Omit<OverpaidArgs, 'message' | 'at'>;

/**
 * Dues this batch took more money for than they were worth (two desks paid them offline): the money was taken, so
 * the payment stands; the excess on the batch's own allocations, newest first, turns into credit for the student.
 */
export async function findOverpaid(tx: ServerTx, state: BatchState): Promise<Overpaid[]> {
  const touched = [...new Set(state.allocations.filter((a) => a.amount > 0).map((a) => a.due_id))];
  if (touched.length === 0) return [];
  const over = await tx
    .selectFrom('allocation as a')
    .innerJoin('due_cap as c', 'c.due_id', 'a.due_id')
    .select(['a.due_id', 'c.net', (eb) => eb.fn.sum<number>('a.amount').as('paid')])
    .where('a.due_id', 'in', touched)
    .groupBy(['a.due_id', 'c.net'])
    .having((eb) => eb(eb.fn.sum('a.amount'), '>', eb.ref('c.net')))
    .execute();
  const result: Overpaid[] = [];
  for (const row of over) {
    let excess = Number(row.paid) - Number(row.net);
    const mine = state.allocations.filter((a) => a.due_id === row.due_id && a.amount > 0 && a.event_id === null).reverse();
    for (const a of mine) {
      if (excess <= 0) break;
      const take = Math.min(a.amount, excess);
      excess -= take;
      result.push({
        id: randomUUID(),
        paymentId: a.payment_id,
        receiptNo: state.payments.get(a.payment_id)?.receiptNo ?? '',
        dueId: a.due_id,
        studentId: a.student_id,
        amount: take,
      });
    }
  }
  return result;
}

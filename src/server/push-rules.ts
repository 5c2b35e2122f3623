// What the server checks and records for each mutation it applies, decided in memory in the desks' order on the
// batch's view of the school (batch-state.ts); the bank references' rules are in bank-rules.ts.
import { randomUUID } from 'node:crypto';
import { keyIdOf, keyProofBytes, verifyWith } from '../node-shared/receipt-keys';
import type { Mutation, MutationArgs as Args, MutationName, OverpaidArgs } from '../shared/sync/protocol';
import type { ServerStore, ServerTx } from './db/schema';
import { applied, type BatchState, MASTER_CREATIONS, type Outcome, rejected, studentRecord } from './batch-state';
import { confirmBankLine, holdPaymentRefs } from './bank-rules';
import { rollOver } from './year-rules';
import { stopCharge, takeDues } from './charge-rules';
import { recordRefund } from './refund-rules';

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
  const taken = holdPaymentRefs(state, a);
  if (taken) return taken;
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
    state.addShare(`${x.payment_id}:${x.due_id}`, x.amount);
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
  if (state.refunded.has(paymentId))
    return rejected(`receipt ${payment.receiptNo} has money paid back on a refund voucher (another desk): it can no longer be ${kind}`);
  payment.status = kind;
  payment.statusChanged = true;
  const standing = state.standingOf(paymentId);
  for (const x of standing.allocations) {
    state.allocations.push({ ...x, amount: -x.amount, event_id: eventId });
    state.addShare(`${x.payment_id}:${x.due_id}`, -x.amount);
  }
  for (const c of standing.credit) state.credits.push({ ...c, amount: -c.amount, kind: 'reversal', event_id: eventId });
  state.standing.delete(paymentId);
  return applied;
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
    case 'years.rollover':
      return rollOver(state, m.args as Args<'years.rollover'>);
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
    case 'refunds.record':
      return recordRefund(state, m.args as Args<'refunds.record'>);
    case 'payments.waive': {
      const a = m.args as Args<'payments.waive'>;
      if (a.fineDue) state.dueCaps.set(a.fineDue.id, { student_id: a.fineDue.student_id, net: a.fineDue.amount });
      state.capCuts.set(a.dueId, (state.capCuts.get(a.dueId) ?? 0) + a.amount);
      return applied;
    }
    case 'deskKeys.publish':
      return publishKey(state, m.args as Args<'deskKeys.publish'>);
    case 'dues.opening':
      return takeDues(state, (m.args as Args<'dues.opening'>).dues, 'opening balance');
    case 'charges.assign':
      return takeDues(state, (m.args as Args<'charges.assign'>).dues, 'charge');
    case 'charges.oneOff':
      return takeDues(state, (m.args as Args<'charges.oneOff'>).dues, 'charge');
    case 'charges.stop':
      return stopCharge(state, m.args as Args<'charges.stop'>);
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
 * The dues among `dueIds` paid beyond their cap, with what was paid. Both tables read by the batch's dues: the caps of
 * every school are not scanned (the planner chose that, hashing them all, while it did not see the list on both sides).
 */
export function overpaidDues(db: ServerStore, dueIds: string[]) {
  return db
    .selectFrom('allocation as a')
    .innerJoin('due_cap as c', 'c.due_id', 'a.due_id')
    .select(['a.due_id', 'c.net', (eb) => eb.fn.sum<number>('a.amount').as('paid')])
    .where('a.due_id', 'in', dueIds)
    .where('c.due_id', 'in', dueIds)
    .groupBy(['a.due_id', 'c.net'])
    .having((eb) => eb(eb.fn.sum('a.amount'), '>', eb.ref('c.net')));
}

/**
 * Dues this batch took more money for than they were worth (two desks paid them offline): the money was taken, so
 * the payment stands; the excess on the batch's own allocations, newest first, turns into credit for the student.
 */
export async function findOverpaid(tx: ServerTx, state: BatchState): Promise<Overpaid[]> {
  const touched = [...new Set(state.allocations.filter((a) => a.amount > 0).map((a) => a.due_id))];
  if (touched.length === 0) return [];
  const over = await overpaidDues(tx, touched).execute();
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

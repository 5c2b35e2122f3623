// The ledger checked against the audit chain: each payment, cancellation, bounce and refund voucher of this desk, with
// its allocations, against the row its audit entry recorded; and every other row a money action wrote (fines, credit,
// waivers, vouchers) against its record. audit-chain.ts walks the chain and calls these.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { CreditEntryTable, DueTable, DueWaiverTable, PaymentEventTable, RefundTable } from '../db/schema';

/** A payment as its audit row records it: its columns, the receipt snapshot and QR by their hashes. */
export function paymentRecord(p: Record<string, unknown>): Record<string, unknown> {
  const digest = (v: unknown) => (v === null || v === undefined ? null : createHash('sha256').update(String(v)).digest('hex'));
  return {
    id: p['id'],
    receipt_no: p['receipt_no'],
    desk_code: p['desk_code'],
    academic_year_id: p['academic_year_id'],
    seq: p['seq'],
    received_at: p['received_at'],
    business_date: p['business_date'],
    cashier_id: p['cashier_id'],
    student_id: p['student_id'],
    family_id: p['family_id'],
    amount: p['amount'],
    mode: p['mode'],
    reference_json: p['reference_json'],
    tendered: p['tendered'],
    change_given: p['change_given'],
    credit_used: p['credit_used'],
    credit_added: p['credit_added'],
    snapshot_sha256: digest(p['snapshot_json']),
    qr_sha256: digest(p['qr']),
  };
}

/**
 * The rows besides its own that a ledger action wrote, as its audit row records them (`after.written`): the fines a
 * payment levied and the credit it used or added; the credit a reversal moved back and a bounce's charge; a refund's
 * credit entry; a waiver (and the fine it levied to have a due to waive); a refund voucher and its waivers and credit. Verification looks each up by id.
 */
export interface WrittenRows {
  due?: DueTable[];
  credit_entry?: CreditEntryTable[];
  due_waiver?: DueWaiverTable[];
  refund?: RefundTable[];
}
const WRITTEN_TABLES = ['due', 'credit_entry', 'due_waiver', 'refund'] as const;

/** An audit row that recorded the rows its action wrote, with what wrote them (a payment's or event's id) if any. */
export interface WrittenBy {
  seq: number;
  action: string;
  source: string | null;
  rows: WrittenRows;
}

export interface Finding {
  /** audit_log, audit_checkpoint, payment, payment_event, refund, allocation, due, credit_entry or due_waiver */
  table: string;
  /** The row: audit seq, checkpoint sequence, receipt no. (of the payment, or of the payment an event reverses), voucher no. (of a refund), allocation id, or the id of a due, credit entry or waiver. */
  row: string;
  problem: string;
}

/** The columns of a cancellation or bounce (payment_event) that its audit row records. */
const EVENT_COLUMNS = [
  'id',
  'payment_id',
  'kind',
  'at',
  'reason',
  'by_user',
  'approved_by',
  'desk_code',
] as const satisfies readonly (keyof PaymentEventTable)[];

/** What an audit row of the ledger (a payment, a cancellation or a bounce) recorded: its row as written and its allocations. */
export interface Recorded {
  seq: number;
  after: Record<string, unknown>;
}

export type Add = (f: Finding) => void;

/** Each column of a ledger row against the value its audit row recorded. */
function compareColumns(
  table: string,
  row: string,
  now: Record<string, unknown>,
  recorded: Record<string, unknown>,
  seq: number,
  add: Add,
): void {
  for (const key of Object.keys(now)) {
    if (JSON.stringify(now[key]) !== JSON.stringify(recorded[key])) {
      add({ table, row, problem: `${key} is ${JSON.stringify(now[key])}, but audit row ${seq} recorded ${JSON.stringify(recorded[key])}` });
    }
  }
}

/** The allocations written (a payment's, or the negative ones of its reversal) against those its audit row recorded. */
function compareAllocations(
  what: string,
  receipt: string,
  actual: { id: number; due_id: string; amount: number }[],
  audit: Recorded,
  add: Add,
): void {
  const left = [...((audit.after['allocations'] as [string, number][] | undefined) ?? [])];
  for (const a of actual) {
    const i = left.findIndex(([due, amount]) => due === a.due_id && amount === a.amount);
    if (i >= 0) left.splice(i, 1);
    else
      add({
        table: 'allocation',
        row: String(a.id),
        problem: `allocates ${a.amount} of ${what} to due ${a.due_id}, which audit row ${audit.seq} did not record`,
      });
  }
  for (const [due, amount] of left)
    add({
      table: 'allocation',
      row: receipt,
      problem: `${what}'s allocation of ${amount} to due ${due} (audit row ${audit.seq}) is missing`,
    });
}

/** This desk's payments against their audit rows (another desk's are audited in that desk's chain), and their numbering. */
export function checkPayments(raw: Database.Database, audits: Map<string, Recorded>, add: Add): number {
  let count = 0;
  const allocations = raw.prepare('select id, due_id, amount from allocation where payment_id = ? and event_id is null order by id');
  const receipts = new Map<string, number[]>();
  const own = raw.prepare('select * from payment where desk_code = (select code from desk) order by academic_year_id, seq');
  for (const p of own.iterate() as Iterable<Record<string, unknown>>) {
    count += 1;
    const receipt = String(p['receipt_no']);
    const series = `${String(p['desk_code'])}\0${String(p['academic_year_id'])}`;
    const seqs = receipts.get(series) ?? [];
    seqs.push(Number(p['seq']));
    receipts.set(series, seqs);
    const audit = audits.get(String(p['id']));
    audits.delete(String(p['id']));
    if (!audit) {
      add({ table: 'payment', row: receipt, problem: 'has no audit entry: it was not written by FeeDesk' });
      continue;
    }
    const recorded = audit.after['row'] as Record<string, unknown> | undefined;
    if (!recorded) continue; // written before the chain recorded whole payments
    compareColumns('payment', receipt, paymentRecord(p), recorded, audit.seq, add);
    compareAllocations(
      `receipt ${receipt}`,
      receipt,
      allocations.all(p['id']) as { id: number; due_id: string; amount: number }[],
      audit,
      add,
    );
  }
  for (const [id, audit] of audits)
    add({
      table: 'payment',
      row: String((audit.after['receiptNo'] as string | undefined) ?? id),
      problem: `recorded in audit row ${audit.seq} but missing from the payments`,
    });
  for (const seqs of receipts.values()) {
    seqs.forEach((seq, i) => {
      if (seq !== i + 1 && (i === 0 || seq !== seqs[i - 1]! + 1))
        add({ table: 'payment', row: `sequence ${seq}`, problem: `receipt numbers skip from ${i === 0 ? 0 : seqs[i - 1]} to ${seq}` });
    });
  }
  return count;
}

/** This desk's cancellations and bounces against their audit rows, with the allocations they reversed. */
export function checkReversals(raw: Database.Database, audits: Map<string, Recorded>, add: Add): void {
  const allocations = raw.prepare('select id, due_id, amount from allocation where event_id = ? order by id');
  const own =
    raw.prepare(`select ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')}, p.receipt_no from payment_event e left join payment p on p.id = e.payment_id
    where e.desk_code = (select code from desk) order by e.rowid`);
  for (const { receipt_no, ...e } of own.iterate() as Iterable<PaymentEventTable & { receipt_no: string | null }>) {
    const receipt = receipt_no ?? e.payment_id;
    const audit = audits.get(e.payment_id);
    audits.delete(e.payment_id);
    if (!audit) {
      add({ table: 'payment_event', row: receipt, problem: `its ${e.kind} has no audit entry: it was not written by FeeDesk` });
      continue;
    }
    const recorded = audit.after['row'] as Record<string, unknown> | undefined;
    if (!recorded) continue; // written before the chain recorded whole reversals
    compareColumns('payment_event', receipt, e, recorded, audit.seq, add);
    compareAllocations(
      `the ${e.kind === 'cancelled' ? 'cancellation' : 'bounce'} of receipt ${receipt}`,
      receipt,
      allocations.all(e.id) as { id: number; due_id: string; amount: number }[],
      audit,
      add,
    );
  }
  for (const [paymentId, audit] of audits) {
    const kind = audit.after['status'] === 'bounced' ? 'bounce' : 'cancellation';
    add({
      table: 'payment_event',
      row: String((audit.after['receiptNo'] as string | undefined) ?? paymentId),
      problem: `its ${kind} is recorded in audit row ${audit.seq} but missing from the payment events`,
    });
  }
}

/** Each refund voucher's allocations (money taken back, a deposit's set-off) against those its audit row recorded. */
export function checkRefunds(raw: Database.Database, audits: Map<string, Recorded>, add: Add): void {
  const allocations = raw.prepare('select id, due_id, amount from allocation where event_id = ? order by id');
  const own = raw.prepare('select id, voucher_no from refund where desk_code = (select code from desk) order by rowid');
  for (const r of own.iterate() as Iterable<{ id: string; voucher_no: string }>) {
    const audit = audits.get(r.id);
    if (!audit) {
      add({ table: 'refund', row: r.voucher_no, problem: 'has no audit entry: it was not written by FeeDesk' });
      continue;
    }
    compareAllocations(
      `refund ${r.voucher_no}`,
      r.voucher_no,
      allocations.all(r.id) as { id: number; due_id: string; amount: number }[],
      audit,
      add,
    );
  }
}

/**
 * The dues, credit entries and waivers the ledger's actions wrote, each against its audit row (changed, or missing);
 * and no credit entry or levied due tied to a payment or reversal whose audit row recorded what it wrote, beyond those.
 */
export function checkWrittenRows(raw: Database.Database, written: WrittenBy[], add: Add): void {
  const byId = Object.fromEntries(WRITTEN_TABLES.map((t) => [t, raw.prepare(`select * from ${t} where id = ?`)])) as Record<
    (typeof WRITTEN_TABLES)[number],
    Database.Statement
  >;
  const recorded = new Map<string, number>();
  const covered = new Map<string, number>();
  for (const { seq, action, source, rows } of written) {
    if (source) covered.set(source, seq);
    for (const table of WRITTEN_TABLES) {
      for (const row of rows[table] ?? []) {
        recorded.set(`${table}:${row.id}`, seq);
        const now = byId[table].get(row.id) as Record<string, unknown> | undefined;
        // A voucher is named by its number, as written then; other rows by their id.
        const name = 'voucher_no' in row ? row.voucher_no : row.id;
        // The columns written then (a due's running totals, kept by triggers, move on with later payments).
        if (now)
          compareColumns(
            table,
            name,
            Object.fromEntries(Object.keys(row).map((k) => [k, now[k]])),
            row as unknown as Record<string, unknown>,
            seq,
            add,
          );
        else add({ table, row: name, problem: `written by ${action} (audit row ${seq}) but missing: it was deleted` });
      }
    }
  }
  const tied =
    raw.prepare(`select 'credit_entry' as tbl, id, coalesce(event_id, payment_id) as source from credit_entry where payment_id is not null
    union all select 'due', id, source_id from due where kind in ('fine', 'bounce_charge') and source_id is not null`);
  for (const { tbl, id, source } of tied.iterate() as Iterable<{ tbl: string; id: string; source: string }>) {
    const seq = covered.get(source);
    if (seq !== undefined && !recorded.has(`${tbl}:${id}`))
      add({
        table: tbl,
        row: id,
        problem: `belongs to the action of audit row ${seq}, which did not record it: it was not written by FeeDesk`,
      });
  }
}

// The audit trail as a hash chain: each row's hash is SHA-256(previous hash ‖ the row's canonical bytes), so changing,
// removing or inserting any row breaks every link after it. Every CHECKPOINT_EVERY rows (and at day close) the desk
// signs (sequence, head hash, time) with its Ed25519 key. Verification walks the chain and the checkpoints, and
// cross-checks payments, cancellations and bounces, their allocations and receipt numbers, and the dues, credit and
// waivers the ledger's actions wrote, against what their audit rows recorded.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { chainHash, type ChainRow, checkpointBytes, GENESIS } from '../../node-shared/audit-chain';
import type { CreditEntryTable, DueTable, DueWaiverTable, PaymentEventTable, RefundTable } from '../db/schema';

export const CHECKPOINT_EVERY = 1000;

export function signCheckpoint(
  privateKeyBase64: string,
  c: { desk_code: string; upto_seq: number; head_hash: string; at: string },
): string {
  const key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  return sign(null, checkpointBytes(c), key).toString('base64');
}

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

export interface Finding {
  /** audit_log, audit_checkpoint, payment, payment_event, refund, allocation, due, credit_entry or due_waiver */
  table: string;
  /** The row: audit seq, checkpoint sequence, receipt no. (of the payment, or of the payment an event reverses), voucher no. (of a refund), allocation id, or the id of a due, credit entry or waiver. */
  row: string;
  problem: string;
}

export interface VerifyReport {
  intact: boolean;
  rows: number;
  checkpoints: number;
  payments: number;
  /** The first broken link of the chain (null when intact), then every mismatch found in the ledger. */
  firstBreak: Finding | null;
  findings: Finding[];
}

const MAX_FINDINGS = 200;

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
interface Recorded {
  seq: number;
  after: Record<string, unknown>;
}

type Add = (f: Finding) => void;

interface Walk {
  rows: number;
  hashAt: Map<number, string>;
  firstBreak: Finding | null;
  /** By payment id: the payments.record rows, and the payments.cancel / payments.bounce rows. */
  payments: Map<string, Recorded>;
  reversals: Map<string, Recorded>;
  /** By refund id: the refunds.record rows (their allocations). */
  refunds: Map<string, Recorded>;
  /** Every audit row that recorded the rows its action wrote, with what wrote them (a payment's or event's id) if any. */
  written: { seq: number; action: string; source: string | null; rows: WrittenRows }[];
}

/** Walks the chain row by row: sequence, links and hashes; keeps what the ledger's audit rows recorded. */
function walkChain(raw: Database.Database, add: Add, progress?: (done: number, total: number) => void): Walk {
  const total = (raw.prepare('select count(*) as n from audit_log').get() as { n: number }).n;
  const walk: Walk = {
    rows: 0,
    hashAt: new Map(),
    firstBreak: null,
    payments: new Map(),
    reversals: new Map(),
    refunds: new Map(),
    written: [],
  };
  let prev = GENESIS;
  let expectedSeq = 1;
  const statement = raw.prepare(
    'select seq, id, at, user_id, desk_code, action, entity, entity_id, before_json, after_json, prev_hash, hash from audit_log order by seq',
  );
  for (const r of statement.iterate() as Iterable<ChainRow & { prev_hash: string | null; hash: string | null }>) {
    walk.rows += 1;
    const breakAt = (problem: string) => {
      const f = { table: 'audit_log', row: String(r.seq), problem };
      walk.firstBreak ??= f;
      add(f);
    };
    if (r.seq !== expectedSeq)
      breakAt(r.seq > expectedSeq ? `rows ${expectedSeq}–${r.seq - 1} are missing (deleted)` : `sequence ${r.seq} is out of order`);
    if (r.prev_hash !== prev) breakAt('its link to the row before does not match (a row before it was changed, removed or inserted)');
    const computed = chainHash(r.prev_hash ?? GENESIS, r);
    if (r.hash !== computed)
      breakAt(
        `its content does not match its hash (${r.action} on ${r.entity} ${r.entity_id ?? ''} was changed after it was written)`.replace(
          ' )',
          ')',
        ),
      );
    // The chain continues from what is stored, so one edited row is reported once, not as every row after it.
    prev = r.hash ?? computed;
    walk.hashAt.set(r.seq, prev);
    expectedSeq = r.seq + 1;
    if ((r.action.startsWith('payments.') || r.action === 'refunds.record') && r.after_json) keepLedgerRow(walk, r);
    if (progress && walk.rows % 50_000 === 0) progress(walk.rows, total);
  }
  progress?.(walk.rows, total);
  return walk;
}

/** What a ledger action's audit row recorded: the payment or reversal, and the rows it wrote besides. */
function keepLedgerRow(walk: Walk, r: ChainRow): void {
  let after: Record<string, unknown>;
  try {
    after = JSON.parse(r.after_json!) as Record<string, unknown>;
  } catch {
    return; // unreadable: its hash check has reported it
  }
  const ledger =
    r.action === 'payments.record'
      ? walk.payments
      : r.action === 'payments.cancel' || r.action === 'payments.bounce'
        ? walk.reversals
        : null;
  if (ledger && r.entity_id) ledger.set(r.entity_id, { seq: r.seq, after });
  if (r.action === 'refunds.record' && r.entity_id) walk.refunds.set(r.entity_id, { seq: r.seq, after });
  const rows = after['written'] as WrittenRows | undefined;
  if (!rows) return; // written before the chain recorded these rows
  const event = after['row'] as Record<string, unknown> | undefined;
  const source = r.action === 'payments.record' ? r.entity_id : ledger ? String(event?.['id'] ?? '') : null;
  walk.written.push({ seq: r.seq, action: r.action, source, rows });
}

/** Checkpoints: each signed by its desk's key, over the hash the chain has at that row. */
function checkCheckpoints(raw: Database.Database, walk: Walk, add: Add): number {
  const keys = new Map(
    (raw.prepare('select key_id, public_key from desk_key').all() as { key_id: string; public_key: string }[]).map((k) => [
      k.key_id,
      k.public_key,
    ]),
  );
  const checkpoints = raw
    .prepare('select desk_code, upto_seq, head_hash, at, key_id, signature from audit_checkpoint order by upto_seq')
    .all() as {
    desk_code: string;
    upto_seq: number;
    head_hash: string;
    at: string;
    key_id: string;
    signature: string;
  }[];
  for (const c of checkpoints) {
    const row = String(c.upto_seq);
    const publicKey = keys.get(c.key_id);
    const good = publicKey
      ? verify(
          null,
          checkpointBytes(c),
          createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') },
            format: 'jwk',
          }),
          Buffer.from(c.signature, 'base64'),
        )
      : false;
    if (!publicKey) add({ table: 'audit_checkpoint', row, problem: `is signed by key ${c.key_id}, which this store does not know` });
    else if (!good) add({ table: 'audit_checkpoint', row, problem: 'its signature does not verify: the checkpoint was altered' });
    const at = walk.hashAt.get(c.upto_seq);
    const cut = at === undefined ? `covers audit row ${c.upto_seq}, which is missing: the chain was cut short` : null;
    const rewritten =
      at !== undefined && at !== c.head_hash
        ? `the chain's hash at row ${c.upto_seq} is not the one signed then: rows up to it were rewritten`
        : null;
    const problem = cut ?? rewritten;
    if (problem) {
      const f = { table: 'audit_checkpoint', row, problem };
      walk.firstBreak ??= f;
      add(f);
    }
  }
  return checkpoints.length;
}

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
function checkPayments(raw: Database.Database, audits: Map<string, Recorded>, add: Add): number {
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
function checkReversals(raw: Database.Database, audits: Map<string, Recorded>, add: Add): void {
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
function checkRefunds(raw: Database.Database, audits: Map<string, Recorded>, add: Add): void {
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
function checkWrittenRows(raw: Database.Database, walk: Walk, add: Add): void {
  const byId = Object.fromEntries(WRITTEN_TABLES.map((t) => [t, raw.prepare(`select * from ${t} where id = ?`)])) as Record<
    (typeof WRITTEN_TABLES)[number],
    Database.Statement
  >;
  const recorded = new Map<string, number>();
  const covered = new Map<string, number>();
  for (const { seq, action, source, rows } of walk.written) {
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

/** Walks the whole chain and the ledger on a connection (read-only is enough). */
export function verifyAudit(raw: Database.Database, progress?: (done: number, total: number) => void): VerifyReport {
  const findings: Finding[] = [];
  const add = (f: Finding) => {
    if (findings.length < MAX_FINDINGS) findings.push(f);
  };
  const walk = walkChain(raw, add, progress);
  const checkpoints = checkCheckpoints(raw, walk, add);
  const payments = checkPayments(raw, walk.payments, add);
  checkReversals(raw, walk.reversals, add);
  checkRefunds(raw, walk.refunds, add);
  checkWrittenRows(raw, walk, add);
  return { intact: findings.length === 0, rows: walk.rows, checkpoints, payments, firstBreak: walk.firstBreak, findings };
}

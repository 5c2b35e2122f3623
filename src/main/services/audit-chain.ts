// The audit trail as a hash chain: each row's hash is SHA-256(previous hash ‖ the row's canonical bytes), so changing,
// removing or inserting any row breaks every link after it. Every CHECKPOINT_EVERY rows (and at day close) the desk
// signs (sequence, head hash, time) with its Ed25519 key. Verification walks the chain and the checkpoints, and
// cross-checks the ledger against what its audit rows recorded (audit-ledger.ts): payments, cancellations, bounces and
// refund vouchers, their allocations and receipt numbers, and the dues, credit and waivers the money actions wrote.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { chainHash, type ChainRow, checkpointBytes, GENESIS } from '../../node-shared/audit-chain';
import {
  type Add,
  checkPayments,
  checkRefunds,
  checkReversals,
  checkWrittenRows,
  type Finding,
  type Recorded,
  type WrittenBy,
  type WrittenRows,
} from './audit-ledger';

export { type Finding, paymentRecord, type WrittenRows } from './audit-ledger';

export const CHECKPOINT_EVERY = 1000;

export function signCheckpoint(
  privateKeyBase64: string,
  c: { desk_code: string; upto_seq: number; head_hash: string; at: string },
): string {
  const key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  return sign(null, checkpointBytes(c), key).toString('base64');
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
  written: WrittenBy[];
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
  checkWrittenRows(raw, walk.written, add);
  return { intact: findings.length === 0, rows: walk.rows, checkpoints, payments, firstBreak: walk.firstBreak, findings };
}

// What the server checks in a desk's audit push, in the chain's order: every row re-hashed, every link to the row
// before, every checkpoint signed by a key this desk published over the hash the chain has at its row. The first
// item that fails is the refusal; what came before it is kept. Pure: audit.ts reads and writes around it.
import { chainHash, checkpointBytes, GENESIS } from '../node-shared/audit-chain';
import { verifyWith } from '../node-shared/receipt-keys';
import type { AuditCheckpoint, AuditRefusal, AuditRow } from '../shared/sync/audit';

export interface ChainView {
  heldUpTo: number;
  /** The server's hashes of the rows the push touches: the row before it, rows it repeats, rows its checkpoints cover. */
  hashes: Map<number, string>;
  /** Checkpoints the server holds at the sequences the push names. */
  checkpoints: Map<number, AuditCheckpoint>;
  /** The public keys this desk published (deskKeys.publish), by key id. */
  keys: Map<string, string>;
  deskCode: string;
}

export interface ChainVerdict {
  rows: AuditRow[];
  checkpoints: AuditCheckpoint[];
  refused: AuditRefusal | null;
}

type Item = { row: AuditRow } | { checkpoint: AuditCheckpoint };

/** Rows and checkpoints in one order: a checkpoint right after the row it covers. */
function inChainOrder(rows: AuditRow[], checkpoints: AuditCheckpoint[]): Item[] {
  const items: Item[] = [];
  let c = 0;
  for (const row of rows) {
    while (c < checkpoints.length && checkpoints[c]!.upto_seq < row.seq) items.push({ checkpoint: checkpoints[c++]! });
    items.push({ row });
  }
  while (c < checkpoints.length) items.push({ checkpoint: checkpoints[c++]! });
  return items;
}

const signatureHolds = (keyId: string, publicKey: string, c: AuditCheckpoint) => {
  try {
    return verifyWith(keyId, publicKey, checkpointBytes(c), Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
};

const sameCheckpoint = (a: AuditCheckpoint, b: AuditCheckpoint) =>
  a.desk_code === b.desk_code && a.head_hash === b.head_hash && a.at === b.at && a.key_id === b.key_id && a.signature === b.signature;

/** `from` is the first row the desk meant to send: starting past the server's chain, or skipping a row, is a gap. */
export function walkAuditPush(view: ChainView, from: number, rows: AuditRow[], checkpoints: AuditCheckpoint[]): ChainVerdict {
  const verdict: ChainVerdict = { rows: [], checkpoints: [], refused: null };
  const hashes = new Map(view.hashes);
  const hashAt = (seq: number) => (seq === 0 ? GENESIS : hashes.get(seq));
  let held = view.heldUpTo;
  let expected = from;
  if (rows.length > 0 && from > held + 1) {
    verdict.refused = {
      kind: 'gap',
      seq: from,
      detail: `the server holds this desk's audit rows up to ${held}, but the desk sent from row ${from}: rows ${held + 1}–${from - 1} are missing`,
    };
    return verdict;
  }
  for (const item of inChainOrder(rows, checkpoints)) {
    const problem = 'row' in item ? checkRow(item.row) : checkCheckpoint(item.checkpoint);
    if (problem) {
      verdict.refused = problem;
      return verdict;
    }
  }
  return verdict;

  function checkRow(r: AuditRow): AuditRefusal | null {
    if (r.seq !== expected)
      return {
        kind: 'gap',
        seq: r.seq,
        detail: `row ${r.seq} follows row ${expected - 1}: rows ${expected}–${r.seq - 1} are missing (deleted)`,
      };
    expected = r.seq + 1;
    if (chainHash(r.prev_hash, r) !== r.hash) {
      return {
        kind: 'fork',
        seq: r.seq,
        detail: `row ${r.seq} (${r.action} on ${r.entity}) does not match its own hash: it was changed after it was written`,
      };
    }
    if (r.seq <= held) {
      if (hashAt(r.seq) === r.hash) return null;
      return {
        kind: 'fork',
        seq: r.seq,
        detail: `row ${r.seq} (${r.action} on ${r.entity}) differs from the row ${r.seq} the server holds: the desk's chain was rewritten from here`,
      };
    }
    if (r.prev_hash !== hashAt(r.seq - 1)) {
      return {
        kind: 'fork',
        seq: r.seq,
        detail: `row ${r.seq} does not follow row ${r.seq - 1} as the server holds it: the desk's chain was changed before this row`,
      };
    }
    hashes.set(r.seq, r.hash);
    held = r.seq;
    verdict.rows.push(r);
    return null;
  }

  function checkCheckpoint(c: AuditCheckpoint): AuditRefusal | null {
    const bad = (detail: string): AuditRefusal => ({
      kind: 'bad_checkpoint',
      seq: c.upto_seq,
      detail: `the checkpoint at row ${c.upto_seq} ${detail}`,
    });
    const existing = view.checkpoints.get(c.upto_seq);
    if (existing) return sameCheckpoint(existing, c) ? null : bad('differs from the one the server holds for that row');
    if (c.upto_seq > held)
      return {
        kind: 'gap',
        seq: c.upto_seq,
        detail: `the checkpoint at row ${c.upto_seq} covers rows the server does not hold (it holds up to ${held}): the chain was cut short`,
      };
    if (c.desk_code !== view.deskCode) return bad(`is for desk ${c.desk_code}, but this is desk ${view.deskCode}`);
    const publicKey = view.keys.get(c.key_id);
    if (!publicKey) return bad(`is signed with key ${c.key_id}, which this desk has not published`);
    if (!signatureHolds(c.key_id, publicKey, c)) return bad(`does not verify with this desk's key ${c.key_id}: it was forged or altered`);
    if (c.head_hash !== hashAt(c.upto_seq))
      return bad('signs a head hash the chain does not have at that row: rows up to it were rewritten');
    verdict.checkpoints.push(c);
    return null;
  }
}

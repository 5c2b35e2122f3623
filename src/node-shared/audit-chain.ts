// The audit chain's hashing, as the desk writes and verifies it and the sync server re-checks it: each row's hash is
// SHA-256(previous hash ‖ the row's canonical bytes); a checkpoint signs (desk, sequence, head hash, time).
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** An audit row as the chain hashes it: every column but the two hashes. */
export interface ChainRow {
  seq: number;
  id: string;
  at: string;
  user_id: string | null;
  desk_code: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

/** The bytes a row's hash covers: every column but the two hashes, as a JSON array (unambiguous, order fixed). */
export const canonicalRow = (r: ChainRow): string =>
  JSON.stringify([r.seq, r.id, r.at, r.user_id, r.desk_code, r.action, r.entity, r.entity_id, r.before_json, r.after_json]);

export const chainHash = (prevHash: string, r: ChainRow): string =>
  createHash('sha256').update(prevHash).update(canonicalRow(r)).digest('hex');

/** What a checkpoint signs. */
export const checkpointBytes = (c: { desk_code: string; upto_seq: number; head_hash: string; at: string }) =>
  Buffer.from(`feedesk-audit-checkpoint\0${c.desk_code}\0${c.upto_seq}\0${c.head_hash}\0${c.at}`);

// The server's checks on an audit push, row by row and checkpoint by checkpoint, without a database.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainHash, checkpointBytes, GENESIS } from '../../src/node-shared/audit-chain';
import { type ChainView, walkAuditPush } from '../../src/server/audit-rules';
import type { AuditCheckpoint, AuditRow } from '../../src/shared/sync/audit';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const rawPublic = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
const KEY_ID = createHash('sha256').update(rawPublic).digest().subarray(0, 8).toString('hex');

function chain(length: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= length; seq++) {
    const body = {
      seq,
      id: `row-${seq}`,
      at: `2026-04-02T05:00:${String(seq).padStart(2, '0')}.000Z`,
      user_id: null,
      desk_code: 'D01',
      action: 'payments.record',
      entity: 'payment',
      entity_id: `p${seq}`,
      before_json: null,
      after_json: `{"n":${seq}}`,
    };
    const hash = chainHash(prev, body);
    rows.push({ ...body, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

function checkpoint(row: AuditRow, signer = privateKey): AuditCheckpoint {
  const point = { desk_code: 'D01', upto_seq: row.seq, head_hash: row.hash, at: '2026-04-02T12:00:00.000Z' };
  return { ...point, key_id: KEY_ID, signature: sign(null, checkpointBytes(point), signer).toString('base64') };
}

/** The server's view after it stored rows 1..held of `rows`. */
const viewOf = (rows: AuditRow[], held: number, checkpoints: AuditCheckpoint[] = []): ChainView => ({
  heldUpTo: held,
  hashes: new Map(rows.slice(0, held).map((r) => [r.seq, r.hash])),
  checkpoints: new Map(checkpoints.map((c) => [c.upto_seq, c])),
  keys: new Map([[KEY_ID, rawPublic.toString('base64')]]),
  deskCode: 'D01',
});

describe('an audit push as the server checks it', () => {
  const rows = chain(6);

  it('keeps the rows that continue the chain and the checkpoints that verify, and compares rows it holds', () => {
    const verdict = walkAuditPush(viewOf(rows, 2), 1, rows, [checkpoint(rows[3]!)]);
    expect(verdict.refused).toBeNull();
    expect(verdict.rows.map((r) => r.seq)).toEqual([3, 4, 5, 6]);
    expect(verdict.checkpoints.map((c) => c.upto_seq)).toEqual([4]);
  });

  it('calls a push starting past the server’s last row a gap there', () => {
    expect(walkAuditPush(viewOf(rows, 2), 4, rows.slice(3), []).refused).toEqual({
      kind: 'gap',
      seq: 4,
      detail: expect.stringMatching(/holds this desk's audit rows up to 2, but the desk sent from row 4: rows 3–3 are missing/),
    });
  });

  it('calls a row whose content no longer matches its hash a fork at that row', () => {
    const changed = rows.map((r) => (r.seq === 4 ? { ...r, after_json: '{"n":40}' } : r));
    const verdict = walkAuditPush(viewOf(rows, 2), 3, changed.slice(2), []);
    expect(verdict.refused).toMatchObject({ kind: 'fork', seq: 4, detail: expect.stringMatching(/does not match its own hash/) });
    expect(verdict.rows.map((r) => r.seq)).toEqual([3]);
  });

  it('calls a new row that does not follow the server’s last one a fork', () => {
    const other = chain(6).map((r) => ({ ...r }));
    other[2] = { ...other[2]!, prev_hash: 'f'.repeat(64) };
    other[2]!.hash = chainHash(other[2]!.prev_hash, other[2]!);
    expect(walkAuditPush(viewOf(rows, 2), 3, other.slice(2, 3), []).refused).toMatchObject({
      kind: 'fork',
      seq: 3,
      detail: expect.stringMatching(/does not follow row 2/),
    });
  });

  it('refuses a checkpoint with another key, an unknown key, another desk, another head, or unlike the one held', () => {
    const bad = (c: AuditCheckpoint, held: AuditCheckpoint[] = []) => walkAuditPush(viewOf(rows, 6, held), 7, [], [c]).refused;
    expect(bad(checkpoint(rows[3]!, generateKeyPairSync('ed25519').privateKey))).toMatchObject({
      kind: 'bad_checkpoint',
      seq: 4,
      detail: expect.stringMatching(/does not verify/),
    });
    expect(bad({ ...checkpoint(rows[3]!), key_id: '0123456789abcdef' })).toMatchObject({
      kind: 'bad_checkpoint',
      detail: expect.stringMatching(/key 0123456789abcdef, which this desk has not published/),
    });
    const elsewhere = { desk_code: 'D02', upto_seq: 4, head_hash: rows[3]!.hash, at: '2026-04-02T12:00:00.000Z' };
    expect(
      bad({ ...elsewhere, key_id: KEY_ID, signature: sign(null, checkpointBytes(elsewhere), privateKey).toString('base64') }),
    ).toMatchObject({ detail: expect.stringMatching(/is for desk D02/) });
    const wrongHead = { desk_code: 'D01', upto_seq: 4, head_hash: rows[4]!.hash, at: '2026-04-02T12:00:00.000Z' };
    expect(
      bad({ ...wrongHead, key_id: KEY_ID, signature: sign(null, checkpointBytes(wrongHead), privateKey).toString('base64') }),
    ).toMatchObject({ detail: expect.stringMatching(/head hash the chain does not have/) });
    const held = checkpoint(rows[3]!);
    expect(bad(held, [held])).toBeNull();
    expect(bad({ ...held, at: '2026-04-02T13:00:00.000Z' }, [held])).toMatchObject({
      detail: expect.stringMatching(/differs from the one the server holds/),
    });
  });

  it('calls a checkpoint past the rows sent a chain cut short (a gap)', () => {
    expect(walkAuditPush(viewOf(rows, 2), 3, rows.slice(2, 4), [checkpoint(rows[5]!)]).refused).toMatchObject({
      kind: 'gap',
      seq: 6,
      detail: expect.stringMatching(/holds up to 4\): the chain was cut short/),
    });
  });
});

// Sends this desk's audit chain to the server after each round's changes. The server says how far it holds the chain;
// the desk compares its own hash there and sends the rows after it, with the signed checkpoints, in bounded batches.
// Where the hashes differ (the chain here was rewritten, or restored from an older copy) the desk finds the last row
// both agree on, a few questions deep, and sends from the one after: the server then names the row that forked.
// A refusal never stops the money: it is kept in sync_state and shown with the refused changes.
import {
  AUDIT_PUSH_MAX_CHECKPOINTS,
  AUDIT_PUSH_MAX_ROWS,
  auditHeadResponseSchema,
  auditPushResponseSchema,
  type AuditHeadResponse,
  type AuditRow,
} from '../../shared/sync/audit';
import { PUSH_TARGET_BYTES, SYNC_SCHEMA_VERSION } from '../../shared/sync/protocol';
import type { Store } from '../db/schema';
import { callServer, SyncFailure } from './client';
import type { SyncEnv } from './env';

/** The server's standing refusal of this desk's chain, as the desk keeps it. */
export interface AuditRefusalNote {
  kind: string;
  seq: number | null;
  detail: string;
  at: string;
}

export function readRefusal(json: string | null): AuditRefusalNote | null {
  return json === null ? null : (JSON.parse(json) as AuditRefusalNote);
}

async function localHash(db: Store, seq: number): Promise<string | null> {
  if (seq === 0) return null;
  const row = await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst();
  return row?.hash ?? null;
}

interface Link {
  url: string;
  deskId: string;
  token: string;
}

const askHead = (env: SyncEnv, link: Link, seq: number) =>
  callServer(
    env.fetch,
    `${link.url}/v1/audit/head`,
    link.token,
    { deskId: link.deskId, schemaVersion: SYNC_SCHEMA_VERSION, seq },
    auditHeadResponseSchema,
  );

/** Chains agree on a prefix (each hash covers all before it), so the last shared row is found by halving. */
async function lastSharedRow(env: SyncEnv, link: Link, disagreeAt: number): Promise<number> {
  let [lo, hi] = [0, disagreeAt];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const answer = await askHead(env, link, mid);
    if (answer.hash !== null && answer.hash === (await localHash(env.store(), mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Where this round's push starts: after the server's last row, or where the two chains part. */
async function startingRow(env: SyncEnv, link: Link, head: AuditHeadResponse, refusal: AuditRefusalNote | null): Promise<number> {
  const agrees = head.seq === 0 || head.hash === (await localHash(env.store(), head.seq));
  if (agrees) return head.heldUpTo + 1;
  // Already refused where the chains part: ask again about that row only, not row by row from the start.
  if (refusal && refusal.seq !== null && refusal.seq <= head.heldUpTo + 1) return refusal.seq;
  return (await lastSharedRow(env, link, head.seq)) + 1;
}

async function nextRows(db: Store, from: number, limit: number): Promise<{ rows: AuditRow[]; toTheEnd: boolean }> {
  const found = await db.selectFrom('audit_log').selectAll().where('seq', '>=', from).orderBy('seq').limit(limit).execute();
  // About PUSH_TARGET_BYTES a batch; a bigger row goes alone.
  let count = 0;
  for (let bytes = 0; count < found.length; count++) {
    bytes += (found[count]!.before_json?.length ?? 0) + (found[count]!.after_json?.length ?? 0) + 400;
    if (count > 0 && bytes > PUSH_TARGET_BYTES) break;
  }
  const rows = found.slice(0, count).map((r) => ({ ...r, prev_hash: r.prev_hash ?? '', hash: r.hash ?? '' }));
  return { rows, toTheEnd: count === found.length && found.length < limit };
}

async function saveOutcome(db: Store, held: number, refusal: AuditRefusalNote | null) {
  await db
    .updateTable('sync_state')
    .set({ audit_held: held, audit_refusal: refusal ? JSON.stringify(refusal) : null })
    .where('id', '=', 1)
    .execute();
}

/** Pushes what the server lacks of the chain; returns the rows it stored. Throws only for temporary failures. */
export async function pushAuditTrail(env: SyncEnv, link: Link): Promise<number> {
  const db = env.store();
  const state = await db.selectFrom('sync_state').select(['audit_refusal', 'audit_held']).where('id', '=', 1).executeTakeFirstOrThrow();
  let refusal = readRefusal(state.audit_refusal);
  let stored = 0;
  let held = state.audit_held;
  try {
    const top = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const head = await askHead(env, link, top?.seq ?? 0);
    held = head.heldUpTo;
    let from = await startingRow(env, link, head, refusal);
    let checkpointsAfter = head.checkpointUpTo;
    // While a refusal stands, one row is enough to ask whether it still does.
    const batch = Math.min(env.pushBatch ?? AUDIT_PUSH_MAX_ROWS, AUDIT_PUSH_MAX_ROWS);
    let limit = refusal ? 1 : batch;
    for (;;) {
      const { rows, toTheEnd } = await nextRows(db, from, limit);
      const upTo = rows.at(-1)?.seq ?? from - 1;
      let points = db.selectFrom('audit_checkpoint').selectAll().where('upto_seq', '>', checkpointsAfter);
      // A checkpoint past the last row still goes with the last batch: the server calls it a cut-short chain.
      if (!toTheEnd) points = points.where('upto_seq', '<=', upTo);
      const checkpoints = await points.orderBy('upto_seq').limit(AUDIT_PUSH_MAX_CHECKPOINTS).execute();
      if (rows.length === 0 && checkpoints.length === 0) break;
      const answer = await callServer(
        env.fetch,
        `${link.url}/v1/audit/push`,
        link.token,
        { deskId: link.deskId, schemaVersion: SYNC_SCHEMA_VERSION, from, rows, checkpoints },
        auditPushResponseSchema,
      );
      stored += answer.stored.rows;
      held = answer.heldUpTo;
      if (answer.refused) {
        refusal = { ...answer.refused, at: env.clock.now().toISOString() };
        env.log(
          'warn',
          `the server refused this desk's audit trail at row ${answer.refused.seq} (${answer.refused.kind}): ${answer.refused.detail}`,
        );
        await saveOutcome(db, held, refusal);
        return stored;
      }
      refusal = null;
      limit = batch;
      if (rows.length > 0) from = upTo + 1;
      // Every checkpoint sent is now held (or the answer would have refused it).
      if (checkpoints.length > 0) checkpointsAfter = Math.max(answer.checkpointUpTo, checkpoints.at(-1)!.upto_seq);
    }
    await saveOutcome(db, held, null);
    return stored;
  } catch (err) {
    if (!(err instanceof SyncFailure) || err.temporary) throw err;
    // Refused as a request (an older server without the route, a row it cannot read): the payments still sync.
    refusal = { kind: err.code, seq: null, detail: err.message, at: env.clock.now().toISOString() };
    env.log('warn', `the server did not take this desk's audit trail: ${err.message}`);
    await saveOutcome(db, held, refusal);
    return stored;
  }
}

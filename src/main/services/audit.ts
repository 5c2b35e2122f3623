// The audit trail: one row per mutation, written in the mutation's own transaction.
import type { AuditEntry } from '../../shared/contract/audit';
import type { Store, Tx } from '../db/schema';
import { CHECKPOINT_EVERY, chainHash, GENESIS, signCheckpoint } from '../audit/chain';
import type { Clock, IdSource } from './context';
import { ensureDeskKey } from './desk-keys';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** Appends a row to the hash chain; every CHECKPOINT_EVERY rows the desk signs the chain's head. */
export async function recordAudit(tx: Tx, env: { clock: Clock; ids: IdSource }, record: AuditRecord): Promise<void> {
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirst();
  const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row = {
    seq: (last?.seq ?? 0) + 1,
    id: env.ids.uuid(),
    at: env.clock.now().toISOString(),
    user_id: record.actorId,
    desk_code: desk?.code ?? '-',
    action: record.action,
    entity: record.entity,
    entity_id: record.entityId,
    before_json: json(record.before),
    after_json: json(record.after),
  };
  const prevHash = last?.hash ?? GENESIS;
  const hash = chainHash(prevHash, row);
  await tx.insertInto('audit_log').values({ ...row, prev_hash: prevHash, hash }).execute();
  if (row.seq % CHECKPOINT_EVERY === 0 && desk) await writeCheckpoint(tx, env, desk.code);
}

/** Signs the chain's head with this desk's key (every CHECKPOINT_EVERY rows, and at day close). */
export async function writeCheckpoint(tx: Tx, env: { clock: Clock; ids: IdSource }, deskCode: string): Promise<void> {
  const head = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!head?.hash) return;
  if (await tx.selectFrom('audit_checkpoint').select('upto_seq').where('upto_seq', '=', head.seq).executeTakeFirst()) return;
  const keyId = await ensureDeskKey(tx, env, deskCode);
  const key = await tx.selectFrom('desk_key').select('private_key').where('key_id', '=', keyId).executeTakeFirstOrThrow();
  const point = { desk_code: deskCode, upto_seq: head.seq, head_hash: head.hash, at: env.clock.now().toISOString() };
  await tx.insertInto('audit_checkpoint').values({ ...point, key_id: keyId, signature: signCheckpoint(key.private_key!, point) }).execute();
}

export async function listAudit(db: Store, input: { limit: number; beforeSeq?: number | undefined }): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('app_user as u', 'u.id', 'a.user_id')
    .select(['a.seq', 'a.at', 'a.user_id', 'u.username', 'a.desk_code', 'a.action', 'a.entity', 'a.entity_id', 'a.before_json', 'a.after_json'])
    .orderBy('a.seq', 'desc')
    .limit(input.limit);
  if (input.beforeSeq !== undefined) query = query.where('a.seq', '<', input.beforeSeq);
  const rows = await query.execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    deskCode: r.desk_code,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
  }));
}

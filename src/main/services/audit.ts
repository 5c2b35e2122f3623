// The audit trail: one row per mutation, written in the mutation's own transaction.
import type { AuditEntry } from '../../shared/contract/audit';
import type { Store, Tx } from '../db/schema';
import type { Clock, IdSource } from './context';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export async function recordAudit(tx: Tx, env: { clock: Clock; ids: IdSource }, record: AuditRecord): Promise<void> {
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirst();
  await tx
    .insertInto('audit_log')
    .values({
      id: env.ids.uuid(),
      at: env.clock.now().toISOString(),
      user_id: record.actorId,
      desk_code: desk?.code ?? '-',
      action: record.action,
      entity: record.entity,
      entity_id: record.entityId,
      before_json: json(record.before),
      after_json: json(record.after),
      prev_hash: null,
      hash: null,
    })
    .execute();
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

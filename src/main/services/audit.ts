// The audit trail: one row per mutation, written in the mutation's own transaction.
import { sql } from 'kysely';
import type { AuditEntry } from '../../shared/contract/audit';
import type { AuditTable, Store, Tx } from '../db/schema';
import { chainHash, GENESIS } from '../../node-shared/audit-chain';
import { CHECKPOINT_EVERY, signCheckpoint } from './audit-chain';
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

/** An action whose only write is its audit row (a logout, a new store key, an enrollment): that row, in a transaction of its own. */
export async function recordAuditAlone(deps: { store(): Store; clock: Clock; ids: IdSource }, record: AuditRecord): Promise<void> {
  await deps
    .store()
    .transaction()
    .execute((tx) => recordAudit(tx, deps, record));
}

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
  await tx
    .insertInto('audit_log')
    .values({ ...row, prev_hash: prevHash, hash })
    .execute();
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
  await tx
    .insertInto('audit_checkpoint')
    .values({ ...point, key_id: keyId, signature: signCheckpoint(key.private_key!, point) })
    .execute();
}

/** An audit row as the trail reads it: the stored row with its user and the record it names. */
type AuditRow = Pick<AuditTable, 'at' | 'user_id' | 'desk_code' | 'action' | 'entity' | 'entity_id' | 'before_json' | 'after_json'> & {
  seq: number;
  username: string | null;
  full_name: string | null;
  subject_name: string | null;
  receipt_no: string | null;
  student_name: string | null;
  admission_no: string | null;
  class_name: string | null;
};

/**
 * A page of the trail, newest first, each row with its record named (the student and admission no., the receipt no.,
 * the class, user, year…) and the ids its details mention named too: two queries per page, whatever its length.
 */
export async function listAudit(db: Store, input: { limit: number; beforeSeq?: number | undefined }): Promise<AuditEntry[]> {
  const before = input.beforeSeq ?? null;
  const { rows } = await sql<AuditRow>`
    select a.seq, a.at, a.user_id, u.username, u.full_name, a.desk_code, a.action, a.entity, a.entity_id, a.before_json, a.after_json,
      case a.entity
        when 'payment' then p.receipt_no
        when 'user' then tu.full_name || ' (' || tu.username || ')'
        when 'class' then cl.name
        when 'academic_year' then ay.name
        when 'category' then cat.name
        when 'fee_head' then fh.name
        when 'fee_structure' then fs.name
        when 'concession' then c.name
        when 'due' then dh.name || coalesce(' · ' || di.label, '')
        when 'school' then sch.name
        when 'backup' then a.entity_id
        when 'refund' then rf.voucher_no
      end as subject_name,
      p.receipt_no, s.full_name as student_name, s.admission_no, sc.name || coalesce(' ' || ss.name, '') as class_name
    from audit_log a
    left join app_user u on u.id = a.user_id
    left join payment p on a.entity = 'payment' and p.id = a.entity_id
    left join concession c on a.entity = 'concession' and c.id = a.entity_id
    left join due d on a.entity = 'due' and d.id = a.entity_id
    left join refund rf on a.entity = 'refund' and rf.id = a.entity_id
    left join fee_head dh on dh.id = d.head_id
    left join installment di on di.id = d.installment_id
    left join student s on s.id = case when a.entity = 'student' then a.entity_id else coalesce(p.student_id, c.student_id, d.student_id, rf.student_id) end
    left join class sc on sc.id = s.class_id
    left join section ss on ss.id = s.section_id
    left join app_user tu on a.entity = 'user' and tu.id = a.entity_id
    left join class cl on a.entity = 'class' and cl.id = a.entity_id
    left join academic_year ay on a.entity = 'academic_year' and ay.id = a.entity_id
    left join category cat on a.entity = 'category' and cat.id = a.entity_id
    left join fee_head fh on a.entity = 'fee_head' and fh.id = a.entity_id
    left join fee_structure fs on a.entity = 'fee_structure' and fs.id = a.entity_id
    left join school sch on a.entity = 'school' and sch.id = a.entity_id
    where ${before} is null or a.seq < ${before}
    order by a.seq desc
    limit ${input.limit}`.execute(db);
  const entries = rows.map((r) => ({ row: r, before: parse(r.before_json), after: parse(r.after_json) }));
  const mentioned = entries.map((e) => idsIn([e.before, e.after]));
  const names = await nameIds(db, [...new Set(mentioned.flat())]);
  return entries.map(({ row: r, before, after }, i) => ({
    seq: r.seq,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    userFullName: r.full_name,
    subject: {
      name: r.subject_name,
      student: r.student_name === null ? null : { name: r.student_name, admissionNo: r.admission_no ?? '', className: r.class_name },
      receiptNo: r.receipt_no,
    },
    names: Object.fromEntries(mentioned[i]!.flatMap((id) => (names.has(id) ? [[id, names.get(id)!] as const] : []))),
    deskCode: r.desk_code,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before,
    after,
  }));
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id-shaped string in some details (a few levels deep). */
function idsIn(values: unknown[], depth = 0, found = new Set<string>()): string[] {
  for (const value of values) {
    if (typeof value === 'string' && UUID.test(value)) found.add(value);
    else if (value !== null && typeof value === 'object' && depth < 4)
      idsIn(Array.isArray(value) ? value : Object.values(value), depth + 1, found);
  }
  return [...found];
}

/** Names for ids, whatever they are the id of, in one query. */
async function nameIds(db: Store, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const list = JSON.stringify(ids);
  const { rows } = await sql<{ id: string; name: string }>`
    with ids(id) as (select value from json_each(${list}))
    select u.id, u.full_name || ' (' || u.username || ')' as name from app_user u where u.id in ids
    union all select s.id, s.full_name || ' (' || s.admission_no || ')' from student s where s.id in ids
    union all select id, name from class where id in ids
    union all select sec.id, cl.name || ' ' || sec.name from section sec join class cl on cl.id = sec.class_id where sec.id in ids
    union all select id, name from category where id in ids
    union all select id, name from fee_head where id in ids
    union all select id, name from academic_year where id in ids
    union all select id, name from family where id in ids
    union all select id, name from fee_structure where id in ids
    union all select id, name from concession where id in ids
    union all select p.id, p.receipt_no from payment p where p.id in ids
    union all select i.id, i.label from installment i where i.id in ids
    union all select d.id, h.name || coalesce(' · ' || i.label, '') from due d join fee_head h on h.id = d.head_id left join installment i on i.id = d.installment_id where d.id in ids`.execute(
    db,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

// Each desk's audit chain on the server: how far it holds it (head), a push checked by audit-rules.ts and stored in one
// transaction per desk, the alert a refusal leaves, and the operator's view of chains and alerts.
import { sql } from 'kysely';
import type { AuditCheckpoint, AuditHeadRequest, AuditHeadResponse, AuditPushRequest, AuditPushResponse } from '../shared/sync/audit';
import type { ServerStore, ServerTx } from './db/schema';
import { SyncError } from './errors';
import { walkAuditPush } from './audit-rules';
import { checkSchemaVersion } from './push';
import type { DeskIdentity } from './batch-state';

function checkDesk(desk: DeskIdentity, body: { deskId: string; schemaVersion: number }) {
  if (body.deskId !== desk.deskId) throw new SyncError(403, 'forbidden', 'this token belongs to another desk than the request names');
  checkSchemaVersion(body.schemaVersion);
}

async function position(db: ServerStore | ServerTx, deskId: string): Promise<{ heldUpTo: number; checkpointUpTo: number }> {
  const rows = await db
    .selectFrom('audit_row')
    .select((eb) => eb.fn.max('seq').as('top'))
    .where('desk_id', '=', deskId)
    .executeTakeFirst();
  const points = await db
    .selectFrom('audit_checkpoint')
    .select((eb) => eb.fn.max('upto_seq').as('top'))
    .where('desk_id', '=', deskId)
    .executeTakeFirst();
  return { heldUpTo: Number(rows?.top ?? 0), checkpointUpTo: Number(points?.top ?? 0) };
}

export async function auditHead(db: ServerStore, desk: DeskIdentity, body: AuditHeadRequest): Promise<AuditHeadResponse> {
  checkDesk(desk, body);
  const held = await position(db, desk.deskId);
  const seq = Math.min(body.seq, held.heldUpTo);
  const row =
    seq === 0
      ? undefined
      : await db.selectFrom('audit_row').select('hash').where('desk_id', '=', desk.deskId).where('seq', '=', seq).executeTakeFirst();
  return { ...held, seq, hash: row?.hash ?? null };
}

/** Rising order is the desk's promise; breaking it is a malformed request, not a verdict on the chain. */
function checkOrder(body: AuditPushRequest) {
  if (body.rows.length > 0 && body.rows[0]!.seq < body.from)
    throw new SyncError(400, 'invalid_request', `rows.0: row ${body.rows[0]!.seq} comes before from (${body.from})`);
  body.rows.forEach((r, i) => {
    if (i > 0 && r.seq <= body.rows[i - 1]!.seq)
      throw new SyncError(400, 'invalid_request', `rows.${i}: rows must come in rising seq order (${body.rows[i - 1]!.seq} then ${r.seq})`);
  });
  body.checkpoints.forEach((c, i) => {
    if (i > 0 && c.upto_seq <= body.checkpoints[i - 1]!.upto_seq)
      throw new SyncError(400, 'invalid_request', `checkpoints.${i}: checkpoints must come in rising upto_seq order`);
  });
}

/** Splits rows so one insert stays under PostgreSQL's limit of bind parameters. */
function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(60_000 / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export interface AuditPushOutcome extends AuditPushResponse {
  deskCode: string;
}

export async function pushAudit(db: ServerStore, desk: DeskIdentity, body: AuditPushRequest): Promise<AuditPushOutcome> {
  checkDesk(desk, body);
  checkOrder(body);
  const from = body.from;
  const last = body.rows.at(-1)?.seq ?? 0;
  const covered = body.checkpoints.map((c) => c.upto_seq);
  return db.transaction().execute(async (tx) => {
    // One push per desk at a time: a request sent twice finds the first one's rows and compares instead of storing.
    await tx.selectFrom('desk').select('id').where('id', '=', desk.deskId).forUpdate().executeTakeFirstOrThrow();
    const held = await position(tx, desk.deskId);
    const hashes = await tx
      .selectFrom('audit_row')
      .select(['seq', 'hash'])
      .where('desk_id', '=', desk.deskId)
      .where((eb) => {
        const near = eb.and([eb('seq', '>=', from - 1), eb('seq', '<=', Math.min(last, held.heldUpTo))]);
        return covered.length > 0 ? eb.or([near, eb('seq', 'in', covered)]) : near;
      })
      .execute();
    const points =
      covered.length === 0
        ? []
        : await tx.selectFrom('audit_checkpoint').selectAll().where('desk_id', '=', desk.deskId).where('upto_seq', 'in', covered).execute();
    const keys = await tx.selectFrom('desk_key').select(['key_id', 'public_key']).where('desk_id', '=', desk.deskId).execute();
    const verdict = walkAuditPush(
      {
        heldUpTo: held.heldUpTo,
        hashes: new Map(hashes.map((h) => [Number(h.seq), h.hash])),
        checkpoints: new Map(
          points.map((p): [number, AuditCheckpoint] => [
            Number(p.upto_seq),
            {
              upto_seq: Number(p.upto_seq),
              desk_code: p.desk_code,
              head_hash: p.head_hash,
              at: p.at,
              key_id: p.key_id,
              signature: p.signature,
            },
          ]),
        ),
        keys: new Map(keys.map((k) => [k.key_id, k.public_key])),
        deskCode: desk.deskCode,
      },
      from,
      body.rows,
      body.checkpoints,
    );
    for (const part of chunks(verdict.rows, 13))
      await tx
        .insertInto('audit_row')
        .values(part.map((r) => ({ ...r, desk_id: desk.deskId })))
        .execute();
    for (const part of chunks(verdict.checkpoints, 7))
      await tx
        .insertInto('audit_checkpoint')
        .values(part.map((c) => ({ ...c, desk_id: desk.deskId })))
        .execute();
    if (verdict.refused) await recordAlert(tx, desk, verdict.refused);
    const after = await position(tx, desk.deskId);
    return {
      ...after,
      stored: { rows: verdict.rows.length, checkpoints: verdict.checkpoints.length },
      refused: verdict.refused,
      deskCode: desk.deskCode,
    };
  });
}

/** One alert per desk, kind and row: a desk trying again bumps its count and time rather than adding rows. */
async function recordAlert(tx: ServerTx, desk: DeskIdentity, refused: NonNullable<AuditPushResponse['refused']>) {
  await tx
    .insertInto('audit_alert')
    .values({ school_id: desk.schoolId, desk_id: desk.deskId, kind: refused.kind, seq: refused.seq, detail: refused.detail })
    .onConflict((oc) =>
      oc
        .columns(['desk_id', 'kind', 'seq'])
        .doUpdateSet({ detail: sql`excluded.detail`, last_at: sql`now()`, times: sql`audit_alert.times + 1` }),
    )
    .execute();
}

/** The operator's view: every desk's chain (how far the server holds it) and the latest alerts. */
export async function auditOverview(db: ServerStore, limit = 500) {
  const desks = await sql<{
    school: string;
    desk: string;
    desk_id: string;
    held_up_to: number | null;
    checkpoint_up_to: number | null;
    last_received_at: Date | null;
  }>`
    select s.name as school, d.code as desk, d.id as desk_id,
      (select max(r.seq) from audit_row r where r.desk_id = d.id) as held_up_to,
      (select max(c.upto_seq) from audit_checkpoint c where c.desk_id = d.id) as checkpoint_up_to,
      (select r.received_at from audit_row r where r.desk_id = d.id order by r.seq desc limit 1) as last_received_at
    from desk d join school s on s.id = d.school_id order by s.name, d.code`.execute(db);
  const alerts = await db
    .selectFrom('audit_alert as a')
    .innerJoin('desk as d', 'd.id', 'a.desk_id')
    .innerJoin('school as s', 's.id', 'a.school_id')
    .select(['a.id', 's.name as school', 'd.code as desk', 'a.desk_id', 'a.kind', 'a.seq', 'a.detail', 'a.at', 'a.last_at', 'a.times'])
    .orderBy('a.last_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
  return {
    desks: desks.rows.map((d) => ({
      school: d.school,
      desk: d.desk,
      deskId: d.desk_id,
      heldUpTo: Number(d.held_up_to ?? 0),
      checkpointUpTo: Number(d.checkpoint_up_to ?? 0),
      lastReceivedAt: d.last_received_at ? new Date(d.last_received_at).toISOString() : null,
    })),
    alerts: alerts.map((a) => ({
      id: Number(a.id),
      school: a.school,
      desk: a.desk,
      deskId: a.desk_id,
      kind: a.kind,
      seq: Number(a.seq),
      detail: a.detail,
      at: new Date(a.at).toISOString(),
      lastAt: new Date(a.last_at).toISOString(),
      times: a.times,
    })),
  };
}

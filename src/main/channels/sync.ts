// The sync screen's handlers: status for the light, enrollment, on/off, sync now, and what the server refused or raised.
import type { syncChannels } from '../../shared/contract/sync';
import { type HandlersOf, requireSession } from '../ipc/router';
import { AUDIT_STALE_MINUTES, type RejectedItem, type SyncStatus } from '../../shared/contract/sync';
import { AppError } from '../../shared/contract/errors';
import { recordAudit, recordAuditAlone } from '../services/audit';
import type { ServiceDeps } from '../services/context';
import { SyncFailure } from '../sync/client';
import { readRefusal } from '../sync/audit';
import { enroll } from '../sync/engine';
import type { SyncEnv } from '../sync/env';
import type { SyncLoop } from '../sync/loop';

async function readStatus(deps: ServiceDeps, loop: SyncLoop): Promise<SyncStatus> {
  const db = deps.store();
  const s = await db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const counts = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('acked_at', 'is', null).as('queue'),
      eb.fn.countAll<number>().filterWhere('state', '=', 'rejected').as('rejected'),
    ])
    .executeTakeFirstOrThrow();
  const alerts = await db
    .selectFrom('sync_alert')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seen_at', 'is', null)
    .executeTakeFirstOrThrow();
  const top = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const refusal = readRefusal(s.audit_refusal);
  const unsynced = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min('at').as('since'))
    .where('seq', '>', s.audit_held)
    .executeTakeFirst();
  const unsyncedSince = unsynced?.since ?? null;
  const stale =
    s.desk_id !== null && unsyncedSince !== null && deps.clock.now().getTime() - Date.parse(unsyncedSince) > AUDIT_STALE_MINUTES * 60_000;
  const view = loop.view();
  return {
    enrolled: s.desk_id !== null,
    enabled: s.enabled === 1,
    serverUrl: s.server_url,
    schoolName: s.school_name,
    branchName: s.branch_name,
    online: s.enabled === 1 ? view.online : null,
    syncing: view.syncing,
    queue: Number(counts.queue),
    rejected: Number(counts.rejected) + (refusal ? 1 : 0),
    alerts: Number(alerts.n),
    lastSuccessAt: s.last_success_at,
    lastAttemptAt: s.last_attempt_at,
    lastError: s.last_error,
    nextAttemptAt: s.enabled === 1 ? view.nextAttemptAt : null,
    catchingUp: view.pulling,
    resync: s.resync_reason && s.resync_at ? { reason: s.resync_reason, at: s.resync_at } : null,
    audit: {
      rows: top?.seq ?? 0,
      held: s.audit_held,
      refused: refusal && { kind: refusal.kind, seq: refusal.seq, reason: auditReason(refusal), at: refusal.at },
      unsyncedSince,
      stale,
    },
  };
}

const auditReason = (r: { kind: string; seq: number | null; detail: string }) =>
  `the server refused this desk's audit trail${r.seq === null ? '' : ` at row ${r.seq}`} (${r.kind.replaceAll('_', ' ')}): ${r.detail}`;

/** A standing refusal of the audit trail, listed with the refused changes (no. 0: it is not an outbox change). */
function auditRejection(json: string | null): RejectedItem[] {
  const r = readRefusal(json);
  return r
    ? [{ mutationId: 0, name: 'audit.chain', createdAt: r.at, reason: auditReason(r), record: { kind: r.kind, seq: r.seq }, server: null }]
    : [];
}

const asAppError = (err: unknown) =>
  err instanceof SyncFailure ? new AppError(err.temporary ? 'conflict' : 'invalid_input', `sync server: ${err.message}`) : err;

export function syncHandlers(deps: ServiceDeps, env: SyncEnv, loop: SyncLoop): HandlersOf<typeof syncChannels> {
  return {
    'sync.status': () => readStatus(deps, loop),

    'sync.enroll': async ({ serverUrl, code }, call) => {
      const actorId = requireSession(call).userId;
      const state = await deps.store().selectFrom('sync_state').select('desk_id').where('id', '=', 1).executeTakeFirstOrThrow();
      if (state.desk_id) throw new AppError('conflict', 'this desk is already enrolled with a sync server', 'code');
      try {
        await enroll(env, serverUrl, code);
      } catch (err) {
        throw asAppError(err);
      }
      await recordAuditAlone(deps, { actorId, action: 'sync.enroll', entity: 'sync', entityId: null, after: { serverUrl } });
      void loop.runNow().catch(() => {});
      return readStatus(deps, loop);
    },

    'sync.setEnabled': async ({ enabled }, call) => {
      const actorId = requireSession(call).userId;
      await deps
        .store()
        .transaction()
        .execute(async (tx) => {
          const s = await tx.selectFrom('sync_state').select(['desk_id', 'enabled']).where('id', '=', 1).executeTakeFirstOrThrow();
          if (!s.desk_id) throw new AppError('conflict', 'enroll this desk with a sync server first', 'enabled');
          await tx
            .updateTable('sync_state')
            .set({ enabled: enabled ? 1 : 0 })
            .where('id', '=', 1)
            .execute();
          await recordAudit(tx, deps, {
            actorId,
            action: enabled ? 'sync.enable' : 'sync.disable',
            entity: 'sync',
            entityId: null,
            before: { enabled: s.enabled === 1 },
            after: { enabled },
          });
        });
      if (enabled) void loop.runNow().catch(() => {});
      return readStatus(deps, loop);
    },

    'sync.now': async () => {
      // The outcome shows in the status (last error, light); the request itself succeeds.
      await loop.runNow().catch(() => {});
      return readStatus(deps, loop);
    },

    'sync.rejected': async () => {
      const rows = await deps
        .store()
        .selectFrom('outbox')
        .selectAll()
        .where('state', '=', 'rejected')
        .orderBy('mutation_id', 'desc')
        .limit(500)
        .execute();
      const state = await deps.store().selectFrom('sync_state').select('audit_refusal').where('id', '=', 1).executeTakeFirstOrThrow();
      return [
        ...auditRejection(state.audit_refusal),
        ...rows.map((r): RejectedItem => {
          const result = JSON.parse(r.result ?? '{}') as { reason?: string; detail?: { server?: unknown } | null };
          return {
            mutationId: r.mutation_id,
            name: r.name,
            createdAt: r.created_at,
            reason: result.reason ?? 'rejected',
            record: JSON.parse(r.args_json),
            server: result.detail?.server ?? null,
          };
        }),
      ];
    },

    'sync.alerts': async () => {
      const rows = await deps.store().selectFrom('sync_alert').selectAll().orderBy('at', 'desc').limit(500).execute();
      return rows.map((a) => ({ id: a.id, kind: a.kind, message: a.message, amount: a.amount, studentId: a.student_id, at: a.at }));
    },
  };
}

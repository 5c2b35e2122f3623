// Prometheus text metrics: counters kept in memory since start, per-desk lag and audit chains read from the database
// at scrape time.
import { sql } from 'kysely';
import { AUDIT_ALERT_KINDS, type AuditPushResponse } from '../shared/sync/audit';
import type { ServerStore } from './db/schema';

/** How long a desk's payments may be ahead of its audit trail before /metrics flags it (issue 17, item 9). */
export const AUDIT_STALE_SECONDS = 15 * 60;

export class SyncMetrics {
  constructor(readonly auditStaleSeconds = AUDIT_STALE_SECONDS) {}

  pushes = 0;
  pulls = 0;
  applied = 0;
  rejected = 0;
  duplicates = 0;
  overpaid = 0;
  auditRows = 0;
  auditCheckpoints = 0;
  readonly errors = new Map<string, number>();
  readonly auditRefusals = new Map<string, number>();

  countError(code: string) {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  countAudit(answer: AuditPushResponse) {
    this.auditRows += answer.stored.rows;
    this.auditCheckpoints += answer.stored.checkpoints;
    if (answer.refused) this.auditRefusals.set(answer.refused.kind, (this.auditRefusals.get(answer.refused.kind) ?? 0) + 1);
  }

  async render(db: ServerStore): Promise<string> {
    const lag = await sql<{ school: string; desk: string; behind: number; push_age: number | null; last_mutation_id: number }>`
      select s.name as school, d.code as desk, d.last_mutation_id,
        coalesce((select max(c.seq) from change c where c.school_id = d.school_id), 0) - d.last_pull_seq as behind,
        extract(epoch from now() - d.last_push_at)::float8 as push_age
      from desk d join school s on s.id = d.school_id where d.revoked_at is null order by s.name, d.code`.execute(db);
    // Until a payment's audit row arrives, whoever holds the desk's store key can rewrite its history unseen: the age of
    // the oldest such payment says how long that window has been open.
    const audit = await sql<{ school: string; desk: string; held: number | null; alerts: number; behind: number | null }>`
      select s.name as school, d.code as desk, (select max(r.seq) from audit_row r where r.desk_id = d.id) as held,
        (select count(*) from audit_alert a where a.desk_id = d.id) as alerts,
        (select extract(epoch from now() - min(p.synced_at))::float8 from payment p where p.desk_id = d.id
          and not exists (select 1 from audit_row r where r.desk_id = d.id and r.action = 'payments.record' and r.entity_id = p.id::text)) as behind
      from desk d join school s on s.id = d.school_id where d.revoked_at is null order by s.name, d.code`.execute(db);
    const behind = (r: { behind: number | null }) => Math.max(0, Math.round(Number(r.behind ?? 0)));
    const label = (school: string, desk: string) => `{school="${school.replace(/["\\\n]/g, '_')}",desk="${desk}"}`;
    const lines = [
      '# HELP feedesk_sync_pushes_total Push requests answered 200.',
      '# TYPE feedesk_sync_pushes_total counter',
      `feedesk_sync_pushes_total ${this.pushes}`,
      '# HELP feedesk_sync_pulls_total Pull requests answered 200.',
      '# TYPE feedesk_sync_pulls_total counter',
      `feedesk_sync_pulls_total ${this.pulls}`,
      '# HELP feedesk_sync_mutations_total Mutations by result.',
      '# TYPE feedesk_sync_mutations_total counter',
      `feedesk_sync_mutations_total{result="applied"} ${this.applied}`,
      `feedesk_sync_mutations_total{result="rejected"} ${this.rejected}`,
      `feedesk_sync_mutations_total{result="duplicate"} ${this.duplicates}`,
      '# HELP feedesk_sync_overpayments_total Overpayments turned into credit.',
      '# TYPE feedesk_sync_overpayments_total counter',
      `feedesk_sync_overpayments_total ${this.overpaid}`,
      '# HELP feedesk_sync_errors_total Refused requests by error code.',
      '# TYPE feedesk_sync_errors_total counter',
      ...[...this.errors].map(([code, n]) => `feedesk_sync_errors_total{code="${code}"} ${n}`),
      '# HELP feedesk_sync_desk_lag_changes Changes of the school the desk has not yet acknowledged pulling.',
      '# TYPE feedesk_sync_desk_lag_changes gauge',
      ...lag.rows.map((r) => `feedesk_sync_desk_lag_changes${label(r.school, r.desk)} ${Number(r.behind)}`),
      '# HELP feedesk_sync_desk_push_age_seconds Seconds since the desk last pushed (absent if never).',
      '# TYPE feedesk_sync_desk_push_age_seconds gauge',
      ...lag.rows
        .filter((r) => r.push_age !== null)
        .map((r) => `feedesk_sync_desk_push_age_seconds${label(r.school, r.desk)} ${Math.round(Number(r.push_age) * 10) / 10}`),
      '# HELP feedesk_sync_desk_last_mutation_id Last mutation applied per desk.',
      '# TYPE feedesk_sync_desk_last_mutation_id gauge',
      ...lag.rows.map((r) => `feedesk_sync_desk_last_mutation_id${label(r.school, r.desk)} ${Number(r.last_mutation_id)}`),
      '# HELP feedesk_sync_audit_rows_total Audit rows stored since start, each continuing its desk chain.',
      '# TYPE feedesk_sync_audit_rows_total counter',
      `feedesk_sync_audit_rows_total ${this.auditRows}`,
      '# HELP feedesk_sync_audit_checkpoints_total Signed audit checkpoints stored since start.',
      '# TYPE feedesk_sync_audit_checkpoints_total counter',
      `feedesk_sync_audit_checkpoints_total ${this.auditCheckpoints}`,
      '# HELP feedesk_sync_audit_refusals_total Audit pushes refused since start, by what was wrong.',
      '# TYPE feedesk_sync_audit_refusals_total counter',
      ...AUDIT_ALERT_KINDS.map((kind) => `feedesk_sync_audit_refusals_total{kind="${kind}"} ${this.auditRefusals.get(kind) ?? 0}`),
      '# HELP feedesk_sync_desk_audit_seq The last audit row the server holds per desk.',
      '# TYPE feedesk_sync_desk_audit_seq gauge',
      ...audit.rows.map((r) => `feedesk_sync_desk_audit_seq${label(r.school, r.desk)} ${Number(r.held ?? 0)}`),
      '# HELP feedesk_sync_desk_audit_alerts Audit alerts (gap, fork, bad checkpoint) recorded per desk.',
      '# TYPE feedesk_sync_desk_audit_alerts gauge',
      ...audit.rows.map((r) => `feedesk_sync_desk_audit_alerts${label(r.school, r.desk)} ${Number(r.alerts)}`),
      '# HELP feedesk_desk_audit_behind_seconds Seconds since the oldest payment the desk pushed whose audit row has not arrived (0 when none).',
      '# TYPE feedesk_desk_audit_behind_seconds gauge',
      ...audit.rows.map((r) => `feedesk_desk_audit_behind_seconds${label(r.school, r.desk)} ${behind(r)}`),
      "# HELP feedesk_desk_audit_stale 1 when the desk's payments have been ahead of its audit trail for longer than the limit.",
      '# TYPE feedesk_desk_audit_stale gauge',
      ...audit.rows.map((r) => `feedesk_desk_audit_stale${label(r.school, r.desk)} ${behind(r) > this.auditStaleSeconds ? 1 : 0}`),
      '# HELP feedesk_desk_audit_stale_limit_seconds The limit feedesk_desk_audit_stale is measured against.',
      '# TYPE feedesk_desk_audit_stale_limit_seconds gauge',
      `feedesk_desk_audit_stale_limit_seconds ${this.auditStaleSeconds}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

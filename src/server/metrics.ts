// Prometheus text metrics: counters kept in memory since start, per-desk lag read from the database at scrape time.
import { sql } from 'kysely';
import type { ServerStore } from './db/schema';

export class SyncMetrics {
  pushes = 0;
  pulls = 0;
  applied = 0;
  rejected = 0;
  duplicates = 0;
  overpaid = 0;
  readonly errors = new Map<string, number>();

  countError(code: string) {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  async render(db: ServerStore): Promise<string> {
    const lag = await sql<{ school: string; desk: string; behind: number; push_age: number | null; last_mutation_id: number }>`
      select s.name as school, d.code as desk, d.last_mutation_id,
        coalesce((select max(c.seq) from change c where c.school_id = d.school_id), 0) - d.last_pull_seq as behind,
        extract(epoch from now() - d.last_push_at)::float8 as push_age
      from desk d join school s on s.id = d.school_id order by s.name, d.code`.execute(db);
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
      ...lag.rows.filter((r) => r.push_age !== null).map((r) => `feedesk_sync_desk_push_age_seconds${label(r.school, r.desk)} ${Math.round(Number(r.push_age) * 10) / 10}`),
      '# HELP feedesk_sync_desk_last_mutation_id Last mutation applied per desk.',
      '# TYPE feedesk_sync_desk_last_mutation_id gauge',
      ...lag.rows.map((r) => `feedesk_sync_desk_last_mutation_id${label(r.school, r.desk)} ${Number(r.last_mutation_id)}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}

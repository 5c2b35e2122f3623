// Typed schema, the sync side: the outbox of mutations, the desk's sync state and the server's alerts.
import type { Generated } from 'kysely';

export interface OutboxTable {
  mutation_id: number;
  id: string;
  name: string;
  args_json: string;
  created_at: string;
  state: Generated<'pending' | 'rejected'>;
  result: string | null;
  acked_at: Generated<string | null>;
}

export interface SyncStateTable {
  id: number;
  server_url: string | null;
  desk_id: string | null;
  token: string | null;
  school_name: string | null;
  branch_name: string | null;
  enabled: number;
  cookie: string | null;
  server_epoch: string | null;
  last_ack: number;
  last_success_at: string | null;
  last_attempt_at: string | null;
  last_error: string | null;
  resync_reason: string | null;
  resync_at: string | null;
  /** The last audit row the server confirmed holding. */
  audit_held: Generated<number>;
  /** JSON of the server's standing refusal of this desk's audit chain (sync/audit.ts), null when none. */
  audit_refusal: string | null;
  /** Set while a pull from the start (enrolment, a full resync) has not yet reached the end of the change log. */
  pull_from_start: string | null;
}

export interface SyncAlertTable {
  id: string;
  kind: string;
  message: string;
  payment_id: string | null;
  student_id: string | null;
  amount: number | null;
  at: string;
  seen_at: string | null;
  /** An over-payment's: the pull from the start that brought it (again); one not brought again is undone at its end. */
  pull_seen: string | null;
}

// Sync: acknowledged outbox rows are kept (a server restored from an old backup can be re-fed), the desk's
// enrollment and pull cookie, and alerts the server raised for the accountant.
import { type Kysely, sql } from 'kysely';

const statements = [
  `alter table outbox add column acked_at text`,
  `create index outbox_unacked on outbox (mutation_id) where acked_at is null`,
  `create table sync_state (
    id integer primary key check (id = 1), server_url text, desk_id text, token text, school_name text, branch_name text,
    enabled integer not null default 0 check (enabled in (0, 1)), cookie text, server_epoch text, last_ack integer not null default 0,
    last_success_at text, last_attempt_at text, last_error text, resync_reason text, resync_at text)`,
  `insert into sync_state (id) values (1)`,
  `create table sync_alert (id text primary key, kind text not null, message text not null, payment_id text,
    student_id text, amount integer, at text not null, seen_at text)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

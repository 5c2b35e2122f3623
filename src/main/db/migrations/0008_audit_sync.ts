// The audit chain's sync: how far the server confirmed holding this desk's chain, and its refusal while one stands
// (a gap, a fork or a bad checkpoint it found), shown on the sync screen beside the refused changes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_state add column audit_held integer not null default 0`.execute(db);
  await sql`alter table sync_state add column audit_refusal text`.execute(db);
}

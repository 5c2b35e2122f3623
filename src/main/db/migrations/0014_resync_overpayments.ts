// A full resync (after the server was restored from a backup) squares the over-payments the server settled: one it no
// longer holds is undone on the desk. `sync_state.pull_from_start` names a pull from the start until it has ended;
// `sync_alert.pull_seen` names the pull from the start that brought that over-payment (again).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_state add column pull_from_start text`.execute(db);
  await sql`alter table sync_alert add column pull_seen text`.execute(db);
}

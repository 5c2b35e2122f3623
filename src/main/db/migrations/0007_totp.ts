// Two-step sign-in: each user's TOTP secret (inside the encrypted store), the last step a code was accepted for (a code
// is good once), and ten one-time recovery codes kept as hashes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table user_totp (
    user_id text primary key references app_user (id), secret text not null, confirmed_at text,
    last_step integer not null default 0, created_at text not null)`.execute(db);
  await sql`create table recovery_code (
    user_id text not null references app_user (id), code_hash text not null, used_at text,
    primary key (user_id, code_hash))`.execute(db);
}

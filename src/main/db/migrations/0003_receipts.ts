// Desk signing keys, the signed QR payload on each payment, and the print log.
import { type Kysely, sql } from 'kysely';

const statements = [
  `create table desk_key (key_id text primary key, desk_code text not null, public_key text not null,
    private_key text, created_at text not null)`,
  // Signed once, when the payment is recorded: a reprint carries the very same payload.
  `alter table payment add column qr text`,
  `create table receipt_print (id text primary key, payment_id text not null references payment (id),
    at text not null, by_user text not null references app_user (id), copy_no integer not null,
    layout text not null, unique (payment_id, copy_no))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const action of ['update', 'delete']) {
    await sql
      .raw(
        `create trigger receipt_print_no_${action} before ${action} on receipt_print
      begin select raise(abort, 'receipt_print is append-only'); end`,
      )
      .execute(db);
  }
}

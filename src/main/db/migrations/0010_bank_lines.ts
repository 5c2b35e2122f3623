// Bank reconciliation. A payment's bank reference (the UTR of a UPI payment, the reference of a bank transfer) is read
// out of its references as a column of its own, so "is this bank reference in the books already?" is one index lookup;
// and the credit lines of the bank statements imported are kept, each under its bank reference (or, for a line that has
// none, a fingerprint of the line): the ones confirmed with the payment they are in the books as, the others waiting
// (the reconciliation report's "in the bank, not in the books").
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Upper case, without the spaces, dashes and slashes people and banks put in a reference: the same as bankKey().
  await sql`
    alter table payment add column bank_ref text generated always as (
      upper(replace(replace(replace(
        coalesce(
          case when mode = 'upi' then json_extract(reference_json, '$.utr') end,
          case when mode = 'bank_transfer' then json_extract(reference_json, '$.reference') end
        ), ' ', ''), '-', ''), '/', ''))
    ) virtual`.execute(db);
  await sql`create index payment_bank_ref on payment (bank_ref) where bank_ref is not null`.execute(db);
  await sql`create index payment_upi_ref on payment (json_extract(reference_json, '$.upiRef')) where mode = 'upi'`.execute(db);
  // A statement's cheque deposits and returns are found by the cheque's (or draft's) number.
  await sql`
    create index payment_cheque_no on payment (coalesce(json_extract(reference_json, '$.chequeNo'), json_extract(reference_json, '$.ddNo')))
    where mode in ('cheque', 'dd')`.execute(db);
  await sql`
    create table bank_line (
      key text primary key,
      account text not null,
      line_date text not null,
      amount integer not null check (amount > 0),
      narration text not null,
      kind text not null,
      reference text,
      payment_id text references payment(id),
      outcome text check (outcome in ('recorded', 'confirmed', 'cleared')),
      confirmed_at text,
      by_user text,
      desk_code text,
      imported_at text not null,
      check ((payment_id is null) = (outcome is null))
    )`.execute(db);
  await sql`create index bank_line_payment on bank_line (payment_id)`.execute(db);
  await sql`create index bank_line_date on bank_line (account, line_date)`.execute(db);
}

// Money paid back: refundable deposits (a fee head the school holds for the student, never income) and refund
// vouchers — of fees paid (a student withdrawn), of advance credit (paid in excess) and of deposits (partly set off
// against what is owed). A refund takes money back from the receipts that paid it with negative allocations and
// waives what it refunded; its collection facts count on the voucher's own day, desk and user.
import { type Kysely, sql } from 'kysely';

/**
 * Where a ledger row counts: a cancellation or bounce on its event's day, desk and user; a refund on its voucher's
 * (its set-off of a due, money moved from a deposit, under the mode `set_off`); anything else on its payment's.
 * A deposit's head is not fee income and has no collection facts.
 */
const allocationFact = `
  insert into collection_fact (day, desk_code, cashier_id, mode, head_id, class_id, collected, reversed, refunded)
  select coalesce(date(e.at, 'localtime'), r.business_date, p.business_date), coalesce(e.desk_code, r.desk_code, p.desk_code),
    coalesce(e.by_user, r.by_user, p.cashier_id),
    case when r.id is null then p.mode when new.amount > 0 then 'set_off' else r.mode end, d.head_id, s.class_id,
    case when e.id is null and r.id is null then new.amount else 0 end,
    case when e.id is null then 0 else -new.amount end,
    case when r.id is null then 0 else -new.amount end
  from payment p join student s on s.id = new.student_id join due d on d.id = new.due_id join fee_head h on h.id = d.head_id
  left join payment_event e on e.id = new.event_id
  left join refund r on r.id = new.event_id
  where p.id = new.payment_id and h.deposit = 0
  on conflict (day, desk_code, cashier_id, mode, head_id, class_id)
  do update set collected = collected + excluded.collected, reversed = reversed + excluded.reversed, refunded = refunded + excluded.refunded`;

const statements = [
  `alter table fee_head add column deposit integer not null default 0 check (deposit in (0, 1))`,
  `create table refund (
    id text primary key, voucher_no text not null unique, desk_code text not null,
    academic_year_id text not null references academic_year (id), seq integer not null,
    at text not null, business_date text not null, student_id text not null references student (id),
    kind text not null check (kind in ('fee', 'credit', 'deposit')),
    amount integer not null check (amount >= 0), set_off integer not null default 0 check (set_off >= 0),
    mode text not null, reference_json text not null, reason text not null,
    by_user text not null references app_user (id), approved_by text not null references app_user (id),
    snapshot_json text not null, check (amount + set_off > 0), check (approved_by <> by_user))`,
  `create index refund_student on refund (student_id, at)`,
  `create index refund_day on refund (business_date)`,
  `create table refund_series (desk_code text not null, academic_year_id text not null references academic_year (id),
    last_seq integer not null, primary key (desk_code, academic_year_id))`,
  // Each print of a voucher; the first is the original, later ones say DUPLICATE.
  `create table refund_print (id text primary key, refund_id text not null references refund (id), at text not null,
    by_user text not null references app_user (id), copy_no integer not null, unique (refund_id, copy_no))`,
  `create index credit_entry_event on credit_entry (event_id) where event_id is not null`,
  `create index allocation_event on allocation (event_id) where event_id is not null`,
  `alter table collection_fact add column refunded integer not null default 0`,
  `drop trigger allocation_sum`,
  `create trigger allocation_sum after insert on allocation begin
     update due set paid = paid + new.amount where id = new.due_id;
     ${allocationFact};
   end`,
  // Advance credit refunded on a voucher: money out under no fee head (''), on the voucher's day.
  `create trigger credit_refunded after insert on credit_entry when new.payment_id is null and new.event_id is not null begin
     insert into collection_fact (day, desk_code, cashier_id, mode, head_id, class_id, collected, reversed, refunded)
     select r.business_date, r.desk_code, r.by_user, r.mode, '', s.class_id, 0, 0, -new.amount
     from refund r join student s on s.id = new.student_id where r.id = new.event_id
     on conflict (day, desk_code, cashier_id, mode, head_id, class_id) do update set refunded = refunded + excluded.refunded;
   end`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const table of ['refund', 'refund_print']) {
    for (const action of ['update', 'delete']) {
      await sql
        .raw(`create trigger ${table}_no_${action} before ${action} on ${table} begin select raise(abort, '${table} is append-only'); end`)
        .execute(db);
    }
  }
}

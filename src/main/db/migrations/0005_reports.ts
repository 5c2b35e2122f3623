// Reports: running totals the ledger keeps for itself (per due, and collections per day × desk × cashier × mode ×
// head × class), written by triggers in the same transaction as the rows they sum, whoever writes them (a payment,
// a pulled change, an import). Plus day close and cheque clearance, both append-only.
import { type Kysely, sql } from 'kysely';

/** Where a ledger row counts: a reversal (cancel, bounce) on its event's day, desk and user; anything else on its payment's. */
const collectionFact = (amount: string, head: string, due: string) => `
  insert into collection_fact (day, desk_code, cashier_id, mode, head_id, class_id, collected, reversed)
  select coalesce(date(e.at, 'localtime'), p.business_date), coalesce(e.desk_code, p.desk_code), coalesce(e.by_user, p.cashier_id),
    p.mode, ${head}, s.class_id, case when e.id is null then ${amount} else 0 end, case when e.id is null then 0 else -${amount} end
  from payment p join student s on s.id = new.student_id ${due}
  left join payment_event e on e.id = new.event_id
  where p.id = new.payment_id
  on conflict (day, desk_code, cashier_id, mode, head_id, class_id)
  do update set collected = collected + excluded.collected, reversed = reversed + excluded.reversed`;

const statements = [
  // Dues stay append-only in what they are; only the three running totals may change.
  `drop trigger due_no_update`,
  `create trigger due_no_update before update of id, student_id, academic_year_id, installment_id, head_id, kind, due_on, amount,
     created_at, source_id on due begin select raise(abort, 'due is append-only'); end`,
  `alter table due add column conceded integer not null default 0`,
  `alter table due add column waived integer not null default 0`,
  `alter table due add column paid integer not null default 0`,
  `update due set
     conceded = coalesce((select sum(amount) from due_concession c where c.due_id = due.id), 0),
     waived = coalesce((select sum(amount) from due_waiver w where w.due_id = due.id), 0),
     paid = coalesce((select sum(amount) from allocation a where a.due_id = due.id), 0)`,
  // Only open dues: the defaulters report and ageing read these, not the whole ledger.
  `create index due_open on due (student_id, due_on) where amount > conceded + waived + paid`,
  `create trigger due_concession_sum after insert on due_concession begin
     update due set conceded = conceded + new.amount where id = new.due_id; end`,
  `create trigger due_waiver_sum after insert on due_waiver begin
     update due set waived = waived + new.amount where id = new.due_id; end`,

  `create table collection_fact (
     day text not null, desk_code text not null, cashier_id text not null, mode text not null,
     head_id text not null, class_id text not null, collected integer not null, reversed integer not null,
     primary key (day, desk_code, cashier_id, mode, head_id, class_id)) without rowid`,
  `create trigger allocation_sum after insert on allocation begin
     update due set paid = paid + new.amount where id = new.due_id;
     ${collectionFact('new.amount', 'd.head_id', 'join due d on d.id = new.due_id')};
   end`,
  // Advance credit taken with a payment (or used by it) is collected money too, under no fee head ('').
  `create trigger credit_collected after insert on credit_entry when new.payment_id is not null begin
     ${collectionFact('new.amount', "''", '')};
   end`,
  `insert into collection_fact (day, desk_code, cashier_id, mode, head_id, class_id, collected, reversed)
   select coalesce(date(e.at, 'localtime'), p.business_date), coalesce(e.desk_code, p.desk_code), coalesce(e.by_user, p.cashier_id),
     p.mode, x.head_id, s.class_id, sum(case when e.id is null then x.amount else 0 end), sum(case when e.id is null then 0 else -x.amount end)
   from (select a.payment_id, a.student_id, a.event_id, a.amount, d.head_id from allocation a join due d on d.id = a.due_id
         union all select payment_id, student_id, event_id, amount, '' from credit_entry where payment_id is not null) x
   join payment p on p.id = x.payment_id join student s on s.id = x.student_id
   left join payment_event e on e.id = x.event_id
   group by 1, 2, 3, 4, 5, 6`,

  // Reversals are reported on their own day: find a day's events without reading them all.
  `create index payment_event_at on payment_event (at)`,
  // Day close: events (closed, reopened) per desk per day; the latest says whether the day is locked.
  `create table day_close (
     id text primary key, desk_code text not null, business_date text not null,
     kind text not null check (kind in ('closed', 'reopened')), at text not null, by_user text not null,
     expected_json text, counted_json text, denominations_json text, variance integer, note text)`,
  `create index day_close_day on day_close (desk_code, business_date, at)`,
  `create table cheque_clearance (
     payment_id text primary key references payment (id), cleared_on text not null, at text not null,
     by_user text not null, desk_code text not null)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

// Master data, fee structures, the dues ledger, payments with their events, receipt series, outbox.
import { type Kysely, sql } from 'kysely';

const statements = [
  `create table academic_year (
    id text primary key, name text not null unique, starts_on text not null, ends_on text not null,
    is_current integer not null default 0 check (is_current in (0, 1)), created_at text not null,
    check (starts_on < ends_on))`,
  `create unique index academic_year_one_current on academic_year (is_current) where is_current = 1`,
  `create table class (id text primary key, name text not null unique collate nocase, sort_order integer not null)`,
  `create table section (id text primary key, class_id text not null references class (id), name text not null collate nocase,
    unique (class_id, name))`,
  `create table category (id text primary key, name text not null unique collate nocase)`,
  `create table fee_head (id text primary key, name text not null unique collate nocase,
    tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
    system_code text unique, sort_order integer not null)`,
  `create table family (id text primary key, name text not null, created_at text not null)`,
  `create table student (
    id text primary key, admission_no text not null unique collate nocase, full_name text not null,
    class_id text not null references class (id), section_id text references section (id),
    guardian_name text not null, phone text not null, phone2 text, email text,
    category_id text references category (id), family_id text references family (id),
    status text not null check (status in ('active', 'left', 'alumni')),
    joined_on text not null, left_on text, version integer not null default 1,
    created_at text not null, updated_at text not null)`,
  `create index student_class on student (class_id, section_id)`,
  `create index student_family on student (family_id)`,
  // Search: names, admission no., guardian, phone digits and their last ten (the local number); accents and case folded.
  `create virtual table student_search using fts5 (student_id unindexed, body,
    tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3')`,
  `create trigger student_search_insert after insert on student begin
    insert into student_search (student_id, body) values (new.id,
      new.full_name || ' ' || new.admission_no || ' ' || new.guardian_name || ' ' || new.phone || ' ' || coalesce(new.phone2, '') || ' ' || replace(replace(replace(replace(replace(new.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' || substr(replace(replace(replace(replace(replace(new.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -10) || ' ' || replace(replace(replace(replace(replace(coalesce(new.phone2, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' || substr(replace(replace(replace(replace(replace(coalesce(new.phone2, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -10));
  end`,
  `create trigger student_search_update after update on student begin
    delete from student_search where student_id = old.id;
    insert into student_search (student_id, body) values (new.id,
      new.full_name || ' ' || new.admission_no || ' ' || new.guardian_name || ' ' || new.phone || ' ' || coalesce(new.phone2, '') || ' ' || replace(replace(replace(replace(replace(new.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' || substr(replace(replace(replace(replace(replace(new.phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -10) || ' ' || replace(replace(replace(replace(replace(coalesce(new.phone2, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' || substr(replace(replace(replace(replace(replace(coalesce(new.phone2, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -10));
  end`,
  `create table fee_structure (
    id text primary key, academic_year_id text not null references academic_year (id), class_id text not null references class (id),
    category_id text references category (id), name text not null, plan text not null,
    fine_rule_json text, assigned_at text, created_at text not null)`,
  `create unique index fee_structure_scope on fee_structure (academic_year_id, class_id, coalesce(category_id, ''))`,
  `create table installment (id text primary key, structure_id text not null references fee_structure (id),
    seq integer not null, label text not null, due_on text not null, unique (structure_id, seq))`,
  `create table structure_item (installment_id text not null references installment (id), head_id text not null references fee_head (id),
    amount integer not null check (amount >= 0), primary key (installment_id, head_id))`,
  // The dues ledger: one row per student x installment x head (fines and bounce charges too).
  `create table due (
    id text primary key, student_id text not null references student (id), academic_year_id text not null references academic_year (id),
    installment_id text references installment (id), head_id text not null references fee_head (id),
    kind text not null check (kind in ('fee', 'fine', 'bounce_charge')),
    due_on text not null, amount integer not null check (amount > 0), created_at text not null, source_id text)`,
  `create unique index due_fee_once on due (student_id, installment_id, head_id) where kind = 'fee'`,
  `create index due_student on due (student_id, due_on)`,
  `create table concession (
    id text primary key, academic_year_id text not null references academic_year (id), name text not null,
    kind text not null check (kind in ('percent', 'fixed')), value integer not null check (value > 0),
    target text not null check (target in ('student', 'category', 'sibling')),
    student_id text references student (id), category_id text references category (id), sibling_rank integer,
    head_id text references fee_head (id), reason text not null,
    requested_by text not null references app_user (id), requested_at text not null)`,
  // Approval and rejection are events, never edits of the request.
  `create table concession_decision (concession_id text primary key references concession (id),
    decision text not null check (decision in ('approved', 'rejected')), decided_by text not null references app_user (id),
    decided_at text not null, note text)`,
  `create table due_concession (due_id text not null references due (id), concession_id text not null references concession (id),
    amount integer not null check (amount > 0), primary key (due_id, concession_id))`,
  `create table due_waiver (id text primary key, due_id text not null references due (id), amount integer not null check (amount > 0),
    reason text not null, approved_by text references app_user (id), at text not null)`,
  `create index due_waiver_due on due_waiver (due_id)`,
  `create table receipt_series (desk_code text not null, academic_year_id text not null references academic_year (id),
    last_seq integer not null, primary key (desk_code, academic_year_id))`,
  `create table payment (
    id text primary key, receipt_no text not null unique, desk_code text not null, academic_year_id text not null references academic_year (id),
    seq integer not null, received_at text not null, business_date text not null, cashier_id text not null references app_user (id),
    student_id text not null references student (id), family_id text references family (id),
    amount integer not null check (amount > 0), mode text not null, reference_json text not null,
    tendered integer, change_given integer, credit_used integer not null default 0, credit_added integer not null default 0,
    snapshot_json text not null)`,
  `create index payment_student on payment (student_id, received_at)`,
  // The school's calendar day the money came in (the desk's time zone): day books and day reprints use it.
  `create index payment_day on payment (business_date)`,
  // Allocations only grow: a reversal adds negative rows pointing at its event.
  `create table allocation (id integer primary key, payment_id text not null references payment (id), due_id text not null references due (id),
    student_id text not null references student (id), amount integer not null check (amount <> 0), event_id text)`,
  `create index allocation_due on allocation (due_id)`,
  `create index allocation_payment on allocation (payment_id)`,
  `create table payment_event (
    id text primary key, payment_id text not null references payment (id),
    kind text not null check (kind in ('cancelled', 'bounced')), at text not null, reason text not null,
    by_user text not null references app_user (id), approved_by text references app_user (id), desk_code text not null)`,
  `create unique index payment_event_once on payment_event (payment_id)`,
  `create table credit_entry (id text primary key, student_id text not null references student (id),
    amount integer not null check (amount <> 0), kind text not null check (kind in ('overpayment', 'applied', 'refund', 'reversal')),
    payment_id text references payment (id), event_id text, at text not null, note text, approved_by text references app_user (id))`,
  `create index credit_student on credit_entry (student_id)`,
  // Sync outbox: per-desk gapless mutation ids, written in the same transaction as the change.
  `create table outbox (mutation_id integer primary key, id text not null unique, name text not null, args_json text not null,
    created_at text not null, state text not null default 'pending' check (state in ('pending', 'rejected')), result text)`,
];

const appendOnly = ['due', 'payment', 'allocation', 'payment_event', 'credit_entry', 'due_concession', 'due_waiver', 'concession_decision'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const table of appendOnly) {
    await sql
      .raw(
        `create trigger ${table}_no_update before update on ${table}
      begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_no_delete before delete on ${table}
      begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
  }
  await sql
    .raw(
      `insert into fee_head (id, name, tax_rate_bp, system_code, sort_order) values
    ('00000000-0000-4000-8000-00000000f1e0', 'Late fine', 0, 'FINE', 900),
    ('00000000-0000-4000-8000-00000000b0c0', 'Cheque bounce charge', 0, 'BOUNCE', 910)`,
    )
    .execute(db);
}

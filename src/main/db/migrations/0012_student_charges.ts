// Charges by student, not by class: plans of optional fees for a year (transport by route and stop, hostel,
// activities…), each with its own installments and fares, assigned to chosen students from a day and stopped on
// another; and one-off charges (a trip, a lost ID card). Their dues are ordinary fee dues with a label of their own.
import { type Kysely, sql } from 'kysely';

const statements = [
  `alter table due add column label text`,
  `create table charge_plan (
    id text primary key, academic_year_id text not null references academic_year (id), head_id text not null references fee_head (id),
    name text not null collate nocase, kind text not null check (kind in ('transport', 'hostel', 'activity', 'other')),
    created_at text not null, unique (academic_year_id, name))`,
  `create table charge_installment (id text primary key, plan_id text not null references charge_plan (id), seq integer not null,
    label text not null, due_on text not null, unique (plan_id, seq))`,
  // Transport: each route's stops, with a fare per installment; other plans have one fare per installment (no stop).
  `create table charge_stop (id text primary key, plan_id text not null references charge_plan (id), route text not null collate nocase,
    name text not null collate nocase, unique (plan_id, route, name))`,
  `create table charge_rate (installment_id text not null references charge_installment (id), stop_id text references charge_stop (id),
    amount integer not null check (amount >= 0))`,
  `create unique index charge_rate_once on charge_rate (installment_id, coalesce(stop_id, ''))`,
  `create table student_charge (
    id text primary key, student_id text not null references student (id), plan_id text not null references charge_plan (id),
    stop_id text references charge_stop (id), starts_on text not null, stops_on text, stop_reason text,
    created_at text not null, by_user text not null references app_user (id),
    check (stops_on is null or stops_on >= starts_on))`,
  `create index student_charge_student on student_charge (student_id)`,
  `create index student_charge_plan on student_charge (plan_id)`,
  `create index due_source on due (source_id) where source_id is not null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

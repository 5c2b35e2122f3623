// The school year's end: a year is closed by the rollover into the next (no new structures or concessions in it; its
// dues stay collectible), the rollover is kept once per year it closed, and each student's move into the new year
// (promoted, detained, left, graduated) is kept as the class history.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table academic_year add column closed_at text`.execute(db);
  await sql`
    create table rollover (
      id text primary key,
      from_year_id text not null unique references academic_year (id),
      to_year_id text not null unique references academic_year (id),
      at text not null,
      requested_by text not null references app_user (id),
      approved_by text not null references app_user (id),
      desk_code text not null,
      summary_json text not null
    )`.execute(db);
  await sql`
    create table promotion (
      rollover_id text not null references rollover (id),
      student_id text not null references student (id),
      from_class_id text not null references class (id),
      from_section_id text references section (id),
      to_class_id text not null references class (id),
      to_section_id text references section (id),
      outcome text not null check (outcome in ('promoted', 'detained', 'left', 'graduated')),
      reason text,
      primary key (rollover_id, student_id)
    )`.execute(db);
  await sql`create index promotion_student on promotion (student_id)`.execute(db);
  // The search index is rewritten only when what it holds changes, not when a student moves class: a rollover moves
  // every student of the school in one transaction.
  const trigger = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'trigger' and name = 'student_search_update'`.execute(db);
  const body = trigger.rows[0]?.sql;
  if (body) {
    await sql`drop trigger student_search_update`.execute(db);
    await sql
      .raw(body.replace(/after update on student/i, 'after update of full_name, admission_no, guardian_name, phone, phone2 on student'))
      .execute(db);
  }
  for (const table of ['rollover', 'promotion']) {
    await sql
      .raw(`create trigger ${table}_no_update before update on ${table} begin select raise(abort, '${table} is append-only'); end`)
      .execute(db);
    await sql
      .raw(`create trigger ${table}_no_delete before delete on ${table} begin select raise(abort, '${table} is append-only'); end`)
      .execute(db);
  }
}

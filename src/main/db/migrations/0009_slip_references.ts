// Fee slip references: the short reference a slip's UPI QR code carries (`tr`), recorded when the slip is issued with
// the student, the amount it asks for, the dues it covers and the day, so a bank statement line can be traced back to
// the slip it paid. Numbered per desk: the desk code makes them unique in the school without asking the server.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table slip_reference (
      ref text primary key,
      student_id text not null references student(id),
      amount integer not null check (amount > 0),
      covers_json text not null,
      issued_on text not null,
      desk_code text not null,
      seq integer not null check (seq > 0),
      created_at text not null,
      unique (desk_code, seq)
    )`.execute(db);
  await sql`create index slip_reference_student on slip_reference (student_id)`.execute(db);
}

// UPI references: the short reference a UPI QR code carries (`tr`), on a fee slip or shown at the counter, recorded
// when issued with the student, the amount asked, the dues it covers (a slip's) and the day, so a bank statement line
// can be traced back to it. Numbered per desk: the desk code makes them unique in the school without asking the server.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table upi_reference (
      ref text primary key,
      kind text not null check (kind in ('slip', 'counter')),
      student_id text not null references student(id),
      amount integer not null check (amount > 0),
      covers_json text not null,
      issued_on text not null,
      desk_code text not null,
      seq integer not null check (seq > 0),
      created_at text not null,
      unique (desk_code, seq)
    )`.execute(db);
  await sql`create index upi_reference_student on upi_reference (student_id)`.execute(db);
}

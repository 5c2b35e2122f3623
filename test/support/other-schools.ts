// Other schools' history on a sync server's PostgreSQL, written straight in with SQL the way the server would have
// written it: one desk each, 100 students, a due cap per student and `payments / schools / 100` payments a student,
// with their allocations, mutation log and change log. For what must not grow with everyone else's data: a push's
// cost (the server.push.bigchain bench) and its query plans (server-indexes.test.ts).
import type pg from 'pg';

/** Adds `schools` schools holding about `payments` payments in all (run in its own transaction); returns the payments added. */
export async function seedOtherSchools(client: pg.ClientBase, schools: number, payments: number): Promise<number> {
  const perStudent = Math.max(1, Math.round(payments / schools / 100));
  await client.query('begin');
  try {
    await client.query(`create temp table other_school on commit drop as
      select gen_random_uuid() as id, 'Other school ' || g || ' ' || gen_random_uuid() as name from generate_series(1, ${schools}) g`);
    await client.query(`insert into school (id, name) select id, name from other_school`);
    await client.query(`insert into branch (id, school_id, name) select gen_random_uuid(), id, 'Main' from other_school`);
    await client.query(`insert into desk (id, school_id, branch_id, code, token_hash, last_mutation_id)
      select gen_random_uuid(), b.school_id, b.id, 'D01', md5(random()::text) || md5(random()::text), 100 * ${perStudent}
      from branch b join other_school s on s.id = b.school_id`);
    await client.query(`insert into student (id, school_id, admission_no, version, data)
      select gen_random_uuid(), s.id, 'A-' || lpad(g::text, 4, '0'), 1, jsonb_build_object('fullName', 'Student ' || g)
      from other_school s, generate_series(1, 100) g`);
    await client.query(`insert into due_cap (due_id, school_id, student_id, net)
      select md5(st.id::text)::uuid, st.school_id, st.id, 300000 from student st join other_school s on s.id = st.school_id`);
    await client.query(`create temp table seed on commit drop as
      select gen_random_uuid() as id, gen_random_uuid() as mutation, st.school_id, d.id as desk_id, st.id as student_id,
        row_number() over (partition by st.school_id order by st.id, g) as n
      from other_school s join student st on st.school_id = s.id join desk d on d.school_id = s.id, generate_series(1, ${perStudent}) g`);
    await client.query(`insert into payment (id, school_id, desk_id, receipt_no, student_id, amount, business_date)
      select id, school_id, desk_id, '2026-27/D01/' || lpad(n::text, 6, '0'), student_id, 5000, '2026-04-02' from seed`);
    await client.query(`insert into allocation (school_id, payment_id, due_id, student_id, amount)
      select school_id, id, md5(student_id::text)::uuid, student_id, 5000 from seed`);
    await client.query(
      `insert into mutation (desk_id, mutation_id, id, name, status) select desk_id, n, mutation, 'payments.record', 'applied' from seed`,
    );
    // A payment's change carries its receipt snapshot: about a kilobyte and a half, as the desks' do.
    await client.query(`insert into change (school_id, desk_id, name, args)
      select school_id, desk_id, 'payments.record', jsonb_build_object(
        'payment', jsonb_build_object('id', id, 'receipt_no', '2026-27/D01/' || lpad(n::text, 6, '0'), 'student_id', student_id,
          'amount', 5000, 'mode', 'cash', 'snapshot_json', repeat('x', 1200)),
        'allocations', jsonb_build_array(jsonb_build_object('payment_id', id, 'due_id', md5(student_id::text)::uuid,
          'student_id', student_id, 'amount', 5000, 'event_id', null)),
        'credit', '[]'::jsonb, 'fineDues', '[]'::jsonb, 'dueNet', '{}'::jsonb)
      from seed order by school_id, n`);
    const { rows } = await client.query<{ n: string }>('select count(*) as n from seed');
    await client.query('commit');
    await client.query('analyze');
    return Number(rows[0]!.n);
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}

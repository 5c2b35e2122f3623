// The due table keeps only the indexes its lookups use (0015_lean_due): every index is written with each of the
// 16 dues a student brings, so a duplicate one costs a new desk's first pull and every import. The lookups that used
// the dropped ones still find their rows, through the student's own dues.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

const dueIndexes = async (desk: TestDesk) => {
  const side = await openSideStore(desk);
  try {
    const { rows } = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'index' and tbl_name = 'due' order by name`.execute(side.db);
    return rows.map((r) => r.name);
  } finally {
    await side.close();
  }
};

describe('the due table', () => {
  let desk: TestDesk | undefined;
  afterEach(async () => {
    await desk?.close();
    desk = undefined;
  });

  it('has one index by student, the fee-once rule and its key, and no duplicates', async () => {
    desk = await openTestDesk();
    await setUpSchool(desk);
    expect(await dueIndexes(desk)).toEqual(['due_fee_once', 'due_student', 'sqlite_autoindex_due_1']);
  });

  it('a store made before the change loses the two duplicates on opening, and keeps every due', async () => {
    desk = await openTestDesk();
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    for (let i = 0; i < 3; i++) await admit(desk, school);
    await desk.close();
    // The store as 0014 left it: both indexes there, 0015 not yet run.
    const before = await openSideStore(desk);
    await sql`create index due_open on due (student_id, due_on) where amount > conceded + waived + paid`.execute(before.db);
    await sql`create index due_source on due (source_id) where source_id is not null`.execute(before.db);
    await sql`delete from kysely_migration where name = '0015_lean_due'`.execute(before.db);
    const dues = (await sql<{ n: number; total: number }>`select count(*) as n, sum(amount) as total from due`.execute(before.db)).rows[0];
    await before.close();
    // Four quarters of tuition and transport, and the exam in two of them.
    expect(dues!.n).toBe(3 * 10);

    await desk.restart();
    expect(await dueIndexes(desk)).toEqual(['due_fee_once', 'due_student', 'sqlite_autoindex_due_1']);
    const side = await openSideStore(desk);
    const after = (await sql<{ n: number; total: number }>`select count(*) as n, sum(amount) as total from due`.execute(side.db)).rows[0];
    const applied = await sql<{ name: string }>`select name from kysely_migration where name = '0015_lean_due'`.execute(side.db);
    await side.close();
    expect(after).toEqual(dues);
    expect(applied.rows).toHaveLength(1);
  });

  it("finds a charge's dues and a structure's students through each student's dues, not a scan of every due", async () => {
    desk = await openTestDesk();
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    for (let i = 0; i < 4; i++) await admit(desk, school);
    // Assigned again: no new dues, and the class's four students counted through their own dues.
    expect(await desk.ok('structures.assign', { structureId: school.structureId })).toEqual({ students: 4, duesCreated: 0 });

    const side = await openSideStore(desk);
    try {
      const plan = async (query: string) =>
        (await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(side.db)).rows.map((r) => r.detail).join(' | ');
      // charges.stop: the dues of one student's charge.
      expect(await plan(`select id from due where student_id = 'x' and source_id = 'y'`)).toMatch(/SEARCH due USING INDEX due_student/);
      // structures.assign: the class's students with dues from the structure.
      const count = await plan(
        `select count(*) from student s where s.class_id = 'c' and exists (select d.id from due d where d.student_id = s.id and d.source_id = 'y')`,
      );
      expect(count).toMatch(/SEARCH d EXISTS USING INDEX due_student/);
      expect(count).not.toMatch(/SCAN d\b/);
    } finally {
      await side.close();
    }
  });
});

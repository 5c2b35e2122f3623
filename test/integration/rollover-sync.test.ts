// The year-end rollover across desks: done on one desk, pulled by another, both show the same new year, the same
// promotions and the same dues; an edit made elsewhere before it is stale; a second rollover of the year is refused on
// every desk; and a desk that cannot reach the server does not roll over on its own.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSideStore, type TestDesk } from '../support/harness';
import { deskFigures, enrollDesk, openSyncDesk, startSyncServer, syncAll, type TestSyncServer, syncBackends } from '../support/sync-server';
import { ACCOUNTANT, seedYearSchool, yearEndPlan, type YearSchool } from '../support/year-school';

const backends = await syncBackends();

/** Every due of the year on a desk: id, student and amount, in one order. */
async function duesOf(desk: TestDesk, yearName: string) {
  const side = await openSideStore(desk);
  try {
    const rows = await sql<{ id: string; student_id: string; amount: number; concession: number }>`
      select d.id, d.student_id, d.amount, coalesce((select sum(c.amount) from due_concession c where c.due_id = d.id), 0) as concession
      from due d join academic_year y on y.id = d.academic_year_id where y.name = ${yearName} order by d.id`.execute(side.db);
    return rows.rows;
  } finally {
    await side.close();
  }
}

describe.each(backends)('rollover through a %s server', (_name, backend) => {
  let server: TestSyncServer;
  let a: TestDesk;
  let b: TestDesk;
  let school: YearSchool;

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
  });

  it('rolls over on one desk and the other shows the same year, classes and dues; an edit made before it is stale', async () => {
    server = await startSyncServer(backend);
    a = await openSyncDesk('D01');
    school = await seedYearSchool(a);
    await a.ok('payments.record', { studentIds: [school.students.asha], amount: 4_500_00, method: { mode: 'cash' } });
    await enrollDesk(server, a);
    b = await openSyncDesk('D02');
    await b.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' }).catch(() => undefined);
    await enrollDesk(server, b);
    await syncAll(a, b);
    for (const d of [a, b]) await d.travelTo('2027-03-20T05:00:00.000Z');

    // On the second desk, before the rollover reaches it, someone corrects Dev's phone number.
    const dev = await b.ok('students.get', { studentId: school.students.dev });
    await b.ok('students.update', {
      studentId: dev.id,
      version: dev.version,
      fullName: dev.fullName,
      classId: dev.classId,
      sectionId: dev.sectionId,
      guardianName: dev.guardianName,
      phone: '9845011111',
      phone2: null,
      email: null,
      categoryId: null,
      familyId: null,
    });

    const done = await a.ok('years.rollover', { plan: yearEndPlan(school), approver: ACCOUNTANT });
    expect(done.duesCreated).toBe(14);
    await syncAll(a, b);

    const years = (await b.ok('masters.get')).years;
    expect(years.find((y) => y.isCurrent)?.name).toBe('2027-28');
    expect(years.find((y) => y.name === '2026-27')?.closedAt).not.toBeNull();
    expect((await b.ok('structures.list', {})).filter((s) => s.yearName === '2027-28').map((s) => [s.name, s.total])).toEqual([
      ['Class 5 — 2027-28', 21_200_00],
      ['Class 6 — 2027-28', 15_400_00],
    ]);
    for (const id of Object.values(school.students)) {
      const [sa, sb] = [await a.ok('students.get', { studentId: id }), await b.ok('students.get', { studentId: id })];
      expect({ ...sb, phone: null }).toEqual({ ...sa, phone: null });
    }
    expect(await duesOf(b, '2027-28')).toEqual(await duesOf(a, '2027-28'));
    expect((await duesOf(b, '2027-28')).length).toBe(14);
    const [fa, fb] = [await deskFigures(a), await deskFigures(b)];
    expect(fb.students).toEqual(fa.students);

    // The phone edit was made on Dev before his promotion: refused as stale, and the desk takes the server's Dev.
    const rejected = await b.ok('sync.rejected');
    expect(rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^stale: .* changed on another desk/)]);
    expect(await b.ok('students.get', { studentId: dev.id })).toMatchObject({ classId: school.class6.id, phone: dev.phone });

    // The second desk cannot roll the same year over again; the first answers with what it did.
    const again = await b.call('years.rollover', { plan: yearEndPlan(school), approver: ACCOUNTANT });
    expect(again.ok ? null : again.error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/rolled over into 2027-28 already, on desk D01/),
    });
    expect(await a.ok('years.rollover', { plan: yearEndPlan(school), approver: ACCOUNTANT })).toMatchObject({ alreadyDone: true });
  }, 120_000);

  it('refuses to roll over a desk that cannot reach the server, and writes nothing', async () => {
    const c = await openSyncDesk('D03');
    try {
      const local = await seedYearSchool(c);
      await enrollDesk(server, c, 'Hill View School');
      await c.travelTo('2027-03-20T05:00:00.000Z');
      await server.app.close();
      const before = (await c.ok('masters.get')).years;
      const offline = await c.call('years.rollover', { plan: yearEndPlan(local), approver: ACCOUNTANT });
      expect(offline.ok ? null : offline.error).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/in step with the sync server/),
      });
      expect((await c.ok('masters.get')).years).toEqual(before);
    } finally {
      await c.close();
      await server.restart();
    }
  }, 120_000);
});

// Students and families: admission, edits with version checks, instant search, leaving.
import { sql } from 'kysely';
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { Student, StudentSummary } from '../../shared/contract/students';
import { formatDate } from '../../shared/domain/date-input';
import { studentIdFromToken } from '../../shared/domain/slip-token';
import type { IsoDate } from '../../shared/domain/dates';
import { AppError } from '../../shared/contract/errors';
import type { MutationArgsInput } from '../../shared/sync/protocol';
import type { Store, StudentTable, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { applyApprovedConcessions } from './concessions';
import type { ServiceDeps } from './context';
import { dueRows } from './dues';
import { enqueue } from './outbox';
import { generateDues } from './structures';

const summaryColumns = sql`s.id, s.admission_no, s.full_name, c.name as class_name, sec.name as section, s.guardian_name, s.phone, s.status, s.family_id`;
type SummaryRow = {
  id: string;
  admission_no: string;
  full_name: string;
  class_name: string;
  section: string | null;
  guardian_name: string;
  phone: string;
  status: StudentTable['status'];
  family_id: string | null;
};

const toSummary = (r: SummaryRow): StudentSummary => ({
  id: r.id,
  admissionNo: r.admission_no,
  fullName: r.full_name,
  className: r.class_name,
  section: r.section,
  guardianName: r.guardian_name,
  phone: r.phone,
  status: r.status,
  familyId: r.family_id,
});

/** FTS5 query: every word must prefix-match, in any order; quotes keep user text literal. */
export function searchExpression(query: string): string | null {
  const words = query
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' AND ');
}

/**
 * Instant search. An exact admission number comes first; then FTS5 picks its best-ranked matches
 * on its own (LIMIT inside the FTS query keeps short prefixes such as "sha" cheap), and only
 * those few are joined to students, active ones first.
 */
export async function searchStudents(db: Store, query: string, limit: number): Promise<StudentSummary[]> {
  const expression = searchExpression(query);
  if (!expression) return [];
  // Two or three letters match thousands of names; ranking them all buys nothing the next letter won't.
  const ranked = query.trim().length > 3 ? sql`order by rank` : sql``;
  const rows = await sql<SummaryRow>`
    with hits as (
      select s.id, 0 as exact, 0.0 as rank from student s where s.admission_no = ${query.trim()}
      union all
      select student_id, 1, rank from (
        select student_id, rank from student_search where student_search match ${expression} ${ranked} limit ${limit * 3}
      )
    )
    select ${summaryColumns}
    from hits h
    join student s on s.id = h.id
    join class c on c.id = s.class_id
    left join section sec on sec.id = s.section_id
    group by s.id
    order by min(h.exact), (s.status = 'active') desc, min(h.rank), s.full_name
    limit ${limit}`.execute(db);
  return rows.rows.map(toSummary);
}

export async function getStudent(db: Store | Tx, studentId: string): Promise<Student> {
  const rows = await sql<SummaryRow & StudentTable>`
    select ${summaryColumns}, s.class_id, s.section_id, s.phone2, s.email, s.category_id, s.joined_on, s.left_on, s.version
    from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
    where s.id = ${studentId}`.execute(db);
  const r = rows.rows[0];
  if (!r) throw new AppError('not_found', 'no student has this id', 'studentId');
  return {
    ...toSummary(r),
    classId: r.class_id,
    sectionId: r.section_id,
    phone2: r.phone2,
    email: r.email,
    categoryId: r.category_id,
    joinedOn: r.joined_on,
    leftOn: r.left_on,
    version: r.version,
  };
}

/** Checks the references a student record makes (class, its section, category, family). */
async function checkReferences(
  tx: Tx,
  s: { classId: string; sectionId: string | null; categoryId: string | null; familyId: string | null },
) {
  if (!(await tx.selectFrom('class').select('id').where('id', '=', s.classId).executeTakeFirst())) {
    throw new AppError('not_found', 'no class has this id', 'classId');
  }
  if (s.sectionId) {
    const section = await tx.selectFrom('section').select('class_id').where('id', '=', s.sectionId).executeTakeFirst();
    if (!section) throw new AppError('not_found', 'no section has this id', 'sectionId');
    if (section.class_id !== s.classId) throw new AppError('invalid_input', 'sectionId is a section of another class', 'sectionId');
  }
  if (s.categoryId && !(await tx.selectFrom('category').select('id').where('id', '=', s.categoryId).executeTakeFirst())) {
    throw new AppError('not_found', 'no category has this id', 'categoryId');
  }
  if (s.familyId && !(await tx.selectFrom('family').select('id').where('id', '=', s.familyId).executeTakeFirst())) {
    throw new AppError('not_found', 'no family has this id', 'familyId');
  }
}

/**
 * Admits a student inside the caller's transaction: the row, their dues from assigned structures,
 * approved concessions, audit and outbox. Bulk imports and the demo school call it many times in one transaction.
 */
export async function insertStudentTx(
  tx: Tx,
  env: Pick<ServiceDeps, 'clock' | 'ids'>,
  actorId: string,
  input: ParsedInputOf<'students.create'>,
): Promise<string> {
  const clash = await tx.selectFrom('student').select('full_name').where('admission_no', '=', input.admissionNo).executeTakeFirst();
  if (clash) throw new AppError('conflict', `admission no. ${input.admissionNo} already belongs to ${clash.full_name}`, 'admissionNo');
  await checkReferences(tx, input);
  const now = env.clock.now().toISOString();
  const id = env.ids.uuid();
  const row: StudentTable & MutationArgsInput<'students.create'> = {
    id,
    admission_no: input.admissionNo,
    full_name: input.fullName,
    class_id: input.classId,
    section_id: input.sectionId,
    guardian_name: input.guardianName,
    phone: input.phone,
    phone2: input.phone2,
    email: input.email,
    category_id: input.categoryId,
    family_id: input.familyId,
    status: 'active',
    joined_on: input.joinedOn,
    left_on: null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('student').values(row).execute();
  await generateDues(tx, env, { studentIds: [id] });
  await applyApprovedConcessions(tx, env, { studentIds: [id] });
  await recordAudit(tx, env, { actorId, action: 'students.create', entity: 'student', entityId: id, after: row });
  await enqueue(tx, env, 'students.create', row);
  return id;
}

/** The open dues leaving on `leftOn` waives: those that fall due after it. Checks the date against the joining date. */
export async function duesWaivedOnLeaving(db: Store | Tx, student: Student, leftOn: string) {
  if (leftOn < student.joinedOn) {
    const { locale } = await db.selectFrom('school').select('locale').executeTakeFirstOrThrow();
    throw new AppError('invalid_input', `leftOn is before the joining date, ${formatDate(student.joinedOn as IsoDate, locale)}`, 'leftOn');
  }
  return (await dueRows(db, [student.id])).filter((d) => d.due_on > leftOn && d.balance > 0);
}

/** Audits a family change and queues it for the other desks. */
async function audited(
  tx: Tx,
  env: Pick<ServiceDeps, 'clock' | 'ids'>,
  actorId: string,
  action: 'families.create',
  entity: string,
  after: MutationArgsInput<'families.create'> & { id: string },
) {
  await recordAudit(tx, env, { actorId, action, entity, entityId: after.id, after });
  await enqueue(tx, env, action, after);
  return after;
}

export async function listStudents(
  db: Store,
  filter: { classId?: string | undefined; status?: StudentTable['status'] | undefined; offset: number; limit: number },
): Promise<{ total: number; students: StudentSummary[] }> {
  const where = sql.join(
    [
      sql`1 = 1`,
      ...(filter.classId ? [sql`s.class_id = ${filter.classId}`] : []),
      ...(filter.status ? [sql`s.status = ${filter.status}`] : []),
    ],
    sql` and `,
  );
  const total = await sql<{ n: number }>`select count(*) as n from student s where ${where}`.execute(db);
  const rows = await sql<SummaryRow>`
    select ${summaryColumns} from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
    where ${where} order by c.sort_order, class_key(c.name), natural_key(sec.name), s.full_name limit ${filter.limit} offset ${filter.offset}`.execute(
    db,
  );
  return { total: total.rows[0]!.n, students: rows.rows.map(toSummary) };
}

export function createStudent(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'students.create'>): Promise<Student> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => getStudent(tx, await insertStudentTx(tx, deps, actorId, input)));
}

export function updateStudent(
  deps: ServiceDeps,
  actorId: string,
  { studentId, version, ...changes }: ParsedInputOf<'students.update'>,
): Promise<Student> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const before = await getStudent(tx, studentId);
      if (before.version !== version) {
        throw new AppError(
          'conflict',
          `${before.fullName} was changed by someone else since you opened it: reload and edit again`,
          'version',
        );
      }
      await checkReferences(tx, changes);
      if (changes.classId !== before.classId && (await dueRows(tx, [studentId])).length > 0) {
        throw new AppError(
          'conflict',
          'the class of a student with dues cannot change here: mark them left and admit them to the new class',
          'classId',
        );
      }
      await tx
        .updateTable('student')
        .set({
          full_name: changes.fullName,
          class_id: changes.classId,
          section_id: changes.sectionId,
          guardian_name: changes.guardianName,
          phone: changes.phone,
          phone2: changes.phone2,
          email: changes.email,
          category_id: changes.categoryId,
          family_id: changes.familyId,
          version: version + 1,
          updated_at: deps.clock.now().toISOString(),
        })
        .where('id', '=', studentId)
        .execute();
      // A new category or family can bring concessions the student did not have before.
      if (changes.categoryId !== before.categoryId || changes.familyId !== before.familyId) {
        await applyApprovedConcessions(tx, deps, { studentIds: [studentId] });
      }
      const after = await getStudent(tx, studentId);
      await recordAudit(tx, deps, { actorId, action: 'students.update', entity: 'student', entityId: studentId, before, after });
      await enqueue(tx, deps, 'students.update', { ...after, baseVersion: version });
      return after;
    });
}

/** Marks a student left (or graduated…): the dues falling after the day are waived with the reason, in one transaction. */
export function leaveStudent(
  deps: ServiceDeps,
  actorId: string,
  { studentId, leftOn, status, reason }: ParsedInputOf<'students.leave'>,
): Promise<OutputOf<'students.leave'>> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const before = await getStudent(tx, studentId);
      if (before.status !== 'active') throw new AppError('conflict', `${before.fullName} is already marked ${before.status}`, 'studentId');
      const future = await duesWaivedOnLeaving(tx, before, leftOn);
      const at = deps.clock.now().toISOString();
      const waivers = future.map((d) => ({
        id: deps.ids.uuid(),
        due_id: d.id,
        amount: d.balance,
        reason: `Left on ${leftOn}: ${reason}`,
        approved_by: actorId,
        at,
      }));
      if (waivers.length > 0) await tx.insertInto('due_waiver').values(waivers).execute();
      await tx
        .updateTable('student')
        .set({ status, left_on: leftOn, version: before.version + 1, updated_at: at })
        .where('id', '=', studentId)
        .execute();
      const student = await getStudent(tx, studentId);
      await recordAudit(tx, deps, { actorId, action: 'students.leave', entity: 'student', entityId: studentId, before, after: student });
      await enqueue(tx, deps, 'students.leave', { ...student, baseVersion: before.version, waivers });
      return { student, duesWaived: future.length, amountWaived: future.reduce((a, d) => a + d.balance, 0) };
    });
}

export function createFamily(
  deps: ServiceDeps,
  actorId: string,
  name: string,
  studentIds: readonly string[],
): Promise<{ id: string; name: string; studentIds: string[] }> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const id = deps.ids.uuid();
      await tx.insertInto('family').values({ id, name, created_at: deps.clock.now().toISOString() }).execute();
      for (const [index, studentId] of studentIds.entries()) {
        const s = await tx.selectFrom('student').select(['id', 'version']).where('id', '=', studentId).executeTakeFirst();
        if (!s) throw new AppError('not_found', 'no student has this id', `studentIds.${index}`);
        await tx
          .updateTable('student')
          .set({ family_id: id, version: s.version + 1 })
          .where('id', '=', studentId)
          .execute();
      }
      await applyApprovedConcessions(tx, deps, { studentIds });
      return audited(tx, deps, actorId, 'families.create', 'family', { id, name, studentIds: [...studentIds] });
    });
}

export async function readFamily(db: Store, familyId: string): Promise<OutputOf<'families.get'>> {
  const family = await db.selectFrom('family').selectAll().where('id', '=', familyId).executeTakeFirst();
  if (!family) throw new AppError('not_found', 'no family has this id', 'familyId');
  const rows = await sql<SummaryRow>`
    select ${summaryColumns} from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
    where s.family_id = ${familyId} order by s.joined_on, s.admission_no`.execute(db);
  return { id: family.id, name: family.name, students: rows.rows.map(toSummary) };
}

/** The student a fee slip's QR code names, if they are still at the school (arrears of those who left are found by name). */
export async function studentBySlipToken(db: Store, token: string): Promise<OutputOf<'slips.resolve'>> {
  const id = studentIdFromToken(token);
  if (!id) throw new AppError('invalid_input', 'token is not a FeeDesk fee slip code', 'token');
  const student = await getStudent(db, id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found')
      throw new AppError('not_found', 'this fee slip belongs to no student on this desk (sync, or check the school)', 'token');
    throw err;
  });
  if (student.status !== 'active') {
    throw new AppError(
      'conflict',
      `${student.fullName} (${student.admissionNo}) has ${student.status === 'alumni' ? 'graduated' : 'left'}${student.leftOn ? ` on ${student.leftOn}` : ''}: find them by name to collect arrears`,
      'token',
    );
  }
  const { classId: _c, sectionId: _s, phone2: _p, email: _e, categoryId: _k, joinedOn: _j, leftOn: _l, version: _v, ...summary } = student;
  return summary;
}

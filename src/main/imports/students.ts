// The students importer: one row per student, classes, sections and categories by name, siblings by a family key.
// Rows are checked with the same rules as admitting one student (the contract's students.create schema).
import { sql } from 'kysely';
import { contract } from '../../shared/contract';
import type { MutationArgsInput } from '../../shared/sync/protocol';
import { insertRows } from '../db/bulk';
import type { StudentTable, Tx } from '../db/schema';
import { applyApprovedConcessions } from '../services/concessions';
import { enqueue, enqueueMany } from '../services/outbox';
import { getStudent } from '../services/students';
import { generateDues } from '../services/structures';
import type { Action, CellError, ImportContext, Importer, ImportingUser, Planned, WriteEnv } from './importer';
import { schoolNames } from './importer';
import { FIELDS, labelOf, parse, type StudentRecord } from './student-rows';

/** Contract field → the import column it came from. */
const COLUMN_OF: Record<string, string> = { classId: 'className', sectionId: 'section', categoryId: 'category', familyId: 'familyKey' };

interface Masters {
  classes: Map<string, { id: string; name: string; sections: Map<string, string> }>;
  categories: Map<string, string>;
  families: Map<string, string>;
}

const lower = (s: string) => s.trim().toLowerCase();

function readMasters(ctx: ImportContext): Masters {
  const classes = new Map<string, { id: string; name: string; sections: Map<string, string> }>();
  for (const c of ctx.raw.prepare('select id, name from class order by sort_order').all() as { id: string; name: string }[])
    classes.set(lower(c.name), { id: c.id, name: c.name, sections: new Map() });
  for (const s of ctx.raw.prepare('select s.id, s.name, c.name as class_name from section s join class c on c.id = s.class_id').all() as {
    id: string;
    name: string;
    class_name: string;
  }[]) {
    classes.get(lower(s.class_name))?.sections.set(lower(s.name), s.id);
  }
  const categories = new Map(
    (ctx.raw.prepare('select id, name from category').all() as { id: string; name: string }[]).map((c) => [lower(c.name), c.id]),
  );
  const families = new Map<string, string>();
  for (const f of ctx.raw.prepare('select id, name from family order by created_at, id').all() as { id: string; name: string }[])
    if (!families.has(lower(f.name))) families.set(lower(f.name), f.id);
  return { classes, categories, families };
}

/** What the row means in the store's terms, or the reasons it cannot. */
function resolve(
  r: StudentRecord,
  masters: Masters,
): { ids: { classId: string; sectionId: string | null; categoryId: string | null }; errors: CellError[] } {
  const errors: CellError[] = [];
  const cls = masters.classes.get(lower(r.className));
  if (!cls)
    errors.push({
      column: labelOf('className'),
      value: r.className,
      reason: `is not a class of this school (${[...masters.classes.values()].map((c) => c.name).join(', ') || 'none set up yet'})`,
    });
  let sectionId: string | null = null;
  if (cls && r.section) {
    sectionId = cls.sections.get(lower(r.section)) ?? null;
    if (!sectionId) errors.push({ column: labelOf('section'), value: r.section, reason: `is not a section of ${cls.name}` });
  }
  let categoryId: string | null = null;
  if (r.category) {
    categoryId = masters.categories.get(lower(r.category)) ?? null;
    if (!categoryId) errors.push({ column: labelOf('category'), value: r.category, reason: 'is not a category of this school' });
  }
  return { ids: { classId: cls?.id ?? '', sectionId, categoryId }, errors };
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** The same rules as admitting one student by hand. */
function contractErrors(input: Record<string, unknown>, r: StudentRecord): CellError[] {
  const parsed = contract['students.create'].input.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const column = COLUMN_OF[key] ?? key;
    return { column: labelOf(column), value: String((r as unknown as Record<string, unknown>)[column] ?? ''), reason: issue.message };
  });
}

type Existing = Pick<
  StudentTable,
  | 'id'
  | 'admission_no'
  | 'full_name'
  | 'class_id'
  | 'section_id'
  | 'guardian_name'
  | 'phone'
  | 'phone2'
  | 'email'
  | 'category_id'
  | 'family_id'
  | 'joined_on'
> & { family_name: string | null; dues: number };

function existingStudents(ctx: ImportContext): Map<string, Existing> {
  const rows = ctx.raw
    .prepare(
      `select s.id, s.admission_no, s.full_name, s.class_id, s.section_id, s.guardian_name, s.phone, s.phone2, s.email, s.category_id, s.family_id,
         f.name as family_name, s.joined_on, exists (select 1 from due d where d.student_id = s.id) as dues
       from student s left join family f on f.id = s.family_id`,
    )
    .all() as Existing[];
  return new Map(rows.map((s) => [lower(s.admission_no), s]));
}

function checker(ctx: ImportContext) {
  const masters = readMasters(ctx);
  const existing = existingStudents(ctx);
  const seen = new Map<string, number>();
  return {
    check(row: number, r: StudentRecord): { action: Action } | { errors: CellError[] } {
      const rowErrors: CellError[] = [];
      const first = seen.get(lower(r.admissionNo));
      if (first !== undefined)
        rowErrors.push({
          column: labelOf('admissionNo'),
          value: r.admissionNo,
          reason: `appears again: row ${first} has the same admission no.`,
        });
      else seen.set(lower(r.admissionNo), row);
      const { ids, errors: refErrors } = resolve(r, masters);
      rowErrors.push(...refErrors);
      // The rest of the row against the rules of admitting by hand too (an unknown class stands in as a well-formed
      // id, and a column already in error is not reported twice).
      const standIn = (id: string | null) => id || NO_SUCH_ID;
      const input = {
        admissionNo: r.admissionNo,
        fullName: r.fullName,
        classId: standIn(ids.classId),
        sectionId: ids.sectionId,
        guardianName: r.guardianName,
        phone: r.phone,
        phone2: r.phone2,
        email: r.email,
        categoryId: ids.categoryId,
        familyId: null,
        joinedOn: r.joinedOn,
      };
      const reported = new Set(rowErrors.map((e) => e.column));
      rowErrors.push(...contractErrors(input, r).filter((e) => !reported.has(e.column)));
      const before = existing.get(lower(r.admissionNo));
      if (!before || rowErrors.length > 0) return rowErrors.length > 0 ? { errors: rowErrors } : { action: 'new' };
      if (before.joined_on !== r.joinedOn)
        rowErrors.push({
          column: labelOf('joinedOn'),
          value: r.joinedOn,
          reason: `differs from the joining date on record (${before.joined_on}); it cannot change by import`,
        });
      if (before.class_id !== ids.classId && before.dues) {
        rowErrors.push({
          column: labelOf('className'),
          value: r.className,
          reason: `${before.full_name} has dues in another class: mark them left and admit them again instead`,
        });
      }
      if (rowErrors.length > 0) return { errors: rowErrors };
      const same =
        before.full_name === r.fullName &&
        before.class_id === ids.classId &&
        before.section_id === ids.sectionId &&
        before.guardian_name === r.guardianName &&
        before.phone === r.phone &&
        before.phone2 === r.phone2 &&
        before.email === r.email &&
        before.category_id === ids.categoryId &&
        lower(before.family_name ?? '') === lower(r.familyKey ?? '');
      return { action: same ? 'unchanged' : 'updated' };
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, _actor: ImportingUser, rows: Planned<StudentRecord>[]): Promise<Record<string, unknown>> {
  const masters = await mastersTx(tx);
  const now = env.clock.now().toISOString();
  // Families first: a new key becomes a family of that name; a name already on record is that family.
  const newFamilies = new Map<string, { id: string; name: string }>();
  const familyOf = (key: string | null): string | null => {
    if (!key) return null;
    const known = masters.families.get(lower(key));
    if (known) return known;
    let fam = newFamilies.get(lower(key));
    if (!fam) {
      fam = { id: env.ids.uuid(), name: key };
      newFamilies.set(lower(key), fam);
    }
    return fam.id;
  };
  const created: (StudentTable & MutationArgsInput<'students.create'>)[] = [];
  const updated: { id: string; version: number }[] = [];
  const touched: string[] = [];
  const changes: { admissionNo: string; fields: Partial<StudentTable> }[] = [];
  for (const { record: r, action } of rows) {
    if (action !== 'new' && action !== 'updated') continue;
    const cls = masters.classes.get(lower(r.className))!;
    const sectionId = r.section ? cls.sections.get(lower(r.section))! : null;
    const categoryId = r.category ? masters.categories.get(lower(r.category))! : null;
    const familyId = familyOf(r.familyKey);
    const fields = {
      full_name: r.fullName,
      class_id: cls.id,
      section_id: sectionId,
      guardian_name: r.guardianName,
      phone: r.phone,
      phone2: r.phone2,
      email: r.email,
      category_id: categoryId,
      family_id: familyId,
    };
    if (action === 'new') {
      created.push({
        id: env.ids.uuid(),
        admission_no: r.admissionNo,
        ...fields,
        status: 'active',
        joined_on: r.joinedOn,
        left_on: null,
        version: 1,
        created_at: now,
        updated_at: now,
      });
    } else {
      changes.push({ admissionNo: r.admissionNo, fields });
    }
  }
  // New families first: created and updated students may belong to them.
  if (newFamilies.size > 0)
    await tx
      .insertInto('family')
      .values([...newFamilies.values()].map((f) => ({ id: f.id, name: f.name, created_at: now })))
      .execute();
  for (const { admissionNo, fields } of changes) {
    const before = await tx
      .selectFrom('student')
      .select(['id', 'version'])
      .where('admission_no', '=', admissionNo)
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('student')
      .set({ ...fields, version: before.version + 1, updated_at: now })
      .where('id', '=', before.id)
      .execute();
    updated.push({ id: before.id, version: before.version });
    touched.push(before.id);
  }
  insertRows(env.raw, 'student', created);
  const newIds = created.map((s) => s.id);
  for (let i = 0; i < newIds.length; i += 5000) await generateDues(tx, env, { studentIds: newIds.slice(i, i + 5000) });
  const concessionScope = [...newIds, ...touched];
  for (let i = 0; i < concessionScope.length; i += 5000)
    await applyApprovedConcessions(tx, env, { studentIds: concessionScope.slice(i, i + 5000) });
  // Other desks learn each change as if it had been typed in: the families, then the students (who carry their family).
  await enqueueMany(
    tx,
    env,
    'families.create',
    [...newFamilies.values()].map((f) => ({ id: f.id, name: f.name, studentIds: [] })),
  );
  await enqueueMany(tx, env, 'students.create', created);
  for (const u of updated) await enqueue(tx, env, 'students.update', { ...(await getStudent(tx, u.id)), baseVersion: u.version });
  return { created: created.length, updated: updated.length, families: newFamilies.size };
}

async function mastersTx(tx: Tx): Promise<Masters> {
  const classes = new Map<string, { id: string; name: string; sections: Map<string, string> }>();
  for (const c of await tx.selectFrom('class').select(['id', 'name']).execute())
    classes.set(lower(c.name), { id: c.id, name: c.name, sections: new Map() });
  const sections = await sql<{
    id: string;
    name: string;
    class_name: string;
  }>`select s.id, s.name, c.name as class_name from section s join class c on c.id = s.class_id`.execute(tx);
  for (const s of sections.rows) classes.get(lower(s.class_name))?.sections.set(lower(s.name), s.id);
  const categories = new Map((await tx.selectFrom('category').select(['id', 'name']).execute()).map((c) => [lower(c.name), c.id]));
  const families = new Map<string, string>();
  for (const f of await tx.selectFrom('family').select(['id', 'name']).orderBy('created_at').orderBy('id').execute())
    if (!families.has(lower(f.name))) families.set(lower(f.name), f.id);
  return { classes, categories, families };
}

export const studentsImporter: Importer<StudentRecord> = {
  name: 'students',
  title: 'Students',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: (ctx) => {
    const cls = schoolNames(ctx, 'className')[0];
    return {
      admissionNo: 'GV001234',
      fullName: 'Diya Nair',
      className: cls ?? 'Class 5',
      section: 'A',
      guardianName: 'Suresh Nair',
      phone: '98450 12345',
      phone2: '',
      email: 'suresh@example.com',
      category: '',
      familyKey: 'Nair-01',
      joinedOn: '2026-04-01',
    };
  },
  lists: (ctx) => ({
    className: schoolNames(ctx, 'className'),
    category: schoolNames(ctx, 'category'),
  }),
};

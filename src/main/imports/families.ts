// The families importer: one row per child, naming the family (siblings share it) and the child's admission no.
// A family name already on record is that family; a new one is created. Children move into it.
import type { Tx } from '../db/schema';
import { applyApprovedConcessions } from '../services/concessions';
import { enqueue, enqueueMany } from '../services/outbox';
import { getStudent } from '../services/students';
import type { CellError, Checker, ImportContext, Importer, ImportingUser, Planned, Unparsed, WriteEnv } from './importer';
import { existingStudentField, field } from './importer';
import { cellText } from './values';

export interface FamilyRecord {
  family: string;
  admissionNo: string;
}

const FIELDS = [
  field(
    'family',
    'Family',
    true,
    ['family name', 'family key', 'family id', 'sibling group'],
    'The family’s name; every child of one family has the same text here.',
  ),
  existingStudentField(),
];

const lower = (s: string) => s.trim().toLowerCase();

function parse(cells: Record<string, unknown>): { record: FamilyRecord; text: Record<string, string> } | Unparsed<FamilyRecord> {
  const family = cellText(cells['family'] as never);
  const admissionNo = cellText(cells['admissionNo'] as never);
  const errors: CellError[] = [];
  if (!family) errors.push({ column: 'Family', value: '', reason: 'is required' });
  else if (family.length > 120) errors.push({ column: 'Family', value: family, reason: 'must be at most 120 characters' });
  if (!admissionNo) errors.push({ column: 'Admission no.', value: '', reason: 'is required' });
  // Without an admission no. there is nothing more to check; with one, the checker says whether it is a student.
  if (errors.length > 0) return admissionNo ? { errors, partial: { family: family ?? '', admissionNo } } : { errors };
  return { record: { family: family!, admissionNo: admissionNo! }, text: { family: family!, admissionNo: admissionNo! } };
}

function checker(ctx: ImportContext): Checker<FamilyRecord> {
  const students = new Map(
    (
      ctx.raw
        .prepare('select s.admission_no, s.full_name, f.name as family from student s left join family f on f.id = s.family_id')
        .all() as { admission_no: string; full_name: string; family: string | null }[]
    ).map((s) => [lower(s.admission_no), s]),
  );
  const seen = new Map<string, number>();
  return {
    check(row, r) {
      const student = students.get(lower(r.admissionNo));
      const first = seen.get(lower(r.admissionNo));
      if (first !== undefined)
        return {
          errors: [
            { column: 'Admission no.', value: r.admissionNo, reason: `appears again: row ${first} already puts this child in a family` },
          ],
        };
      seen.set(lower(r.admissionNo), row);
      if (!student)
        return {
          errors: [{ column: 'Admission no.', value: r.admissionNo, reason: 'is not a student of this school: import the students first' }],
        };
      return { action: lower(student.family ?? '') === lower(r.family) ? 'unchanged' : 'updated' };
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, _actor: ImportingUser, rows: Planned<FamilyRecord>[]): Promise<Record<string, unknown>> {
  const known = new Map<string, string>();
  for (const f of await tx.selectFrom('family').select(['id', 'name']).orderBy('created_at').orderBy('id').execute())
    if (!known.has(lower(f.name))) known.set(lower(f.name), f.id);
  const now = env.clock.now().toISOString();
  const created: { id: string; name: string }[] = [];
  const moved: string[] = [];
  for (const { record: r, action } of rows) {
    if (action !== 'updated') continue;
    let familyId = known.get(lower(r.family));
    if (!familyId) {
      familyId = env.ids.uuid();
      known.set(lower(r.family), familyId);
      created.push({ id: familyId, name: r.family });
      await tx.insertInto('family').values({ id: familyId, name: r.family, created_at: now }).execute();
    }
    const student = await tx
      .selectFrom('student')
      .select(['id', 'version'])
      .where('admission_no', '=', r.admissionNo)
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('student')
      .set({ family_id: familyId, version: student.version + 1, updated_at: now })
      .where('id', '=', student.id)
      .execute();
    moved.push(student.id);
  }
  // Sibling concessions follow the new families.
  await applyApprovedConcessions(tx, env, { studentIds: moved });
  await enqueueMany(
    tx,
    env,
    'families.create',
    created.map((f) => ({ ...f, studentIds: [] })),
  );
  for (const id of moved) {
    const after = await getStudent(tx, id);
    await enqueue(tx, env, 'students.update', { ...after, baseVersion: after.version - 1 });
  }
  return { familiesCreated: created.length, studentsMoved: moved.length };
}

export const familiesImporter: Importer<FamilyRecord> = {
  name: 'families',
  title: 'Families',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: () => ({ family: 'Nair', admissionNo: 'GV001234' }),
  lists: () => ({}),
};

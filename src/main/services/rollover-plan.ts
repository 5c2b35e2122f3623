// The rollover's plan: the request checked against the school, and what it would write (the new year, structures
// copied with their new amounts, sections added, concessions carried, every student's move), with the review an admin
// reads first. Reads only; `rollover.ts` writes the plan.
import { sql } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { RolloverInput, RolloverReview } from '../../shared/contract/years';
import { formatDate } from '../../shared/domain/date-input';
import type { MutationArgsInput } from '../../shared/sync/protocol';
import type { PromotionOutcome, Store, Tx } from '../db/schema';
import type { ServiceDeps } from './context';
import { structuresOf } from './rollover-structures';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;
export type RolloverArgs = MutationArgsInput<'years.rollover'>;
type Move = RolloverArgs['moves'][number];

interface StudentRow {
  id: string;
  version: number;
  admission_no: string;
  full_name: string;
  class_id: string;
  section_id: string | null;
  category_id: string | null;
}

const LOCALE = 'en-IN';

const fail = (code: 'invalid_input' | 'not_found' | 'conflict', message: string, field: string): never => {
  throw new AppError(code, message, field);
};

async function schoolLocale(db: Store | Tx): Promise<string> {
  return (await db.selectFrom('school').select('locale').executeTakeFirst())?.locale ?? LOCALE;
}

/** The year being closed and the one it rolls into, both checked. */
async function years(db: Store | Tx, env: Env, input: RolloverInput, locale: string) {
  const from = await db.selectFrom('academic_year').selectAll().where('id', '=', input.fromYearId).executeTakeFirst();
  if (!from) fail('not_found', 'no academic year has this id', 'fromYearId');
  if (from!.closed_at) fail('conflict', `${from!.name} is closed already`, 'fromYearId');
  if (from!.is_current !== 1) fail('conflict', `only the current year can be rolled over; ${from!.name} is not current`, 'fromYearId');
  const existing = await db.selectFrom('academic_year').selectAll().where('name', '=', input.newYear.name).executeTakeFirst();
  if (existing?.id === from!.id) fail('invalid_input', `is the year being closed: name the year after ${from!.name}`, 'newYear.name');
  if (existing?.closed_at) fail('conflict', `${existing.name} is closed: students cannot be promoted into a closed year`, 'newYear.name');
  const to = existing
    ? { id: existing.id, name: existing.name, startsOn: existing.starts_on, endsOn: existing.ends_on, exists: true }
    : { id: env.ids.uuid(), ...input.newYear, exists: false };
  if (to.startsOn <= from!.ends_on)
    fail(
      'invalid_input',
      `must start after ${from!.name} ends (${formatDate(from!.ends_on, locale)})`,
      existing ? 'newYear.name' : 'newYear.startsOn',
    );
  return { from: from!, to };
}

/** The classes, their sections and the active students of every class, checked against the map. */
async function checkedMap(db: Store | Tx, input: RolloverInput) {
  const classes = new Map((await db.selectFrom('class').select(['id', 'name', 'sort_order']).execute()).map((c) => [c.id, c]));
  const sections = await db.selectFrom('section').select(['id', 'class_id', 'name']).execute();
  const sectionById = new Map(sections.map((s) => [s.id, s]));
  const students = await sql<StudentRow>`
    select id, version, admission_no, full_name, class_id, section_id, category_id from student where status = 'active'
    order by class_id, section_id, admission_no`.execute(db);
  const byClass = new Map<string, StudentRow[]>();
  for (const s of students.rows) {
    const list = byClass.get(s.class_id);
    if (list) list.push(s);
    else byClass.set(s.class_id, [s]);
  }
  const mapOf = new Map(input.classes.map((c) => [c.fromClassId, c]));
  input.classes.forEach((c, i) => {
    if (!classes.has(c.fromClassId)) fail('not_found', 'no class has this id', `classes.${i}.fromClassId`);
    if (c.toClassId && !classes.has(c.toClassId)) fail('not_found', 'no class has this id', `classes.${i}.toClassId`);
    c.sections.forEach((s, j) => {
      const from = sectionById.get(s.fromSectionId);
      if (from?.class_id !== c.fromClassId)
        fail('invalid_input', `is not a section of ${classes.get(c.fromClassId)!.name}`, `classes.${i}.sections.${j}.fromSectionId`);
      if (s.toSectionId && (!c.toClassId || sectionById.get(s.toSectionId)?.class_id !== c.toClassId))
        fail(
          'invalid_input',
          c.toClassId
            ? `is not a section of ${classes.get(c.toClassId)!.name}`
            : `${classes.get(c.fromClassId)!.name} graduates: it has no next sections`,
          `classes.${i}.sections.${j}.toSectionId`,
        );
    });
  });
  for (const [classId, list] of byClass) {
    if (!mapOf.has(classId)) {
      const name = classes.get(classId)!.name;
      fail(
        'invalid_input',
        `${name} has ${list.length} student${list.length === 1 ? '' : 's'} and no next class: map it (to itself to keep them, or to graduates)`,
        'classes',
      );
    }
  }
  return { classes, sectionById, students: students.rows, mapOf };
}

/** Each active student's move: the map's default, or the exception for them. */
function movesOf(input: RolloverInput, env: Env, map: Awaited<ReturnType<typeof checkedMap>>) {
  const { classes, sectionById, students, mapOf } = map;
  const studentById = new Map(students.map((s) => [s.id, s]));
  const exceptions = new Map(input.exceptions.map((e, i) => [e.studentId, { e, i }]));
  for (const [studentId, { e, i }] of exceptions) {
    const s = studentById.get(studentId);
    if (!s) fail('invalid_input', 'is not a student at the school now (active): only they are promoted', `exceptions.${i}.studentId`);
    const move = mapOf.get(s!.class_id)!;
    if (e.outcome === 'detained' && e.sectionId && sectionById.get(e.sectionId)?.class_id !== s!.class_id)
      fail('invalid_input', `is not a section of ${classes.get(s!.class_id)!.name}`, `exceptions.${i}.sectionId`);
    if (e.outcome === 'section') {
      if (!move.toClassId)
        fail('invalid_input', `${classes.get(s!.class_id)!.name} graduates: there is no section to move into`, `exceptions.${i}.outcome`);
      if (sectionById.get(e.sectionId)?.class_id !== move.toClassId)
        fail('invalid_input', `is not a section of ${classes.get(move.toClassId!)!.name}`, `exceptions.${i}.sectionId`);
    }
  }
  // Sections of the next class by name (what "sections kept" means), and the ones to add.
  const added = new Map<string, { id: string; classId: string; name: string }>();
  const sectionNamed = (classId: string, name: string) => {
    const found = [...sectionById.values()].find((x) => x.class_id === classId && x.name.toLowerCase() === name.toLowerCase());
    if (found) return { id: found.id, added: false };
    const key = `${classId}:${name.toLowerCase()}`;
    if (!added.has(key)) added.set(key, { id: env.ids.uuid(), classId, name });
    return { id: added.get(key)!.id, added: true };
  };
  const groups = new Map<string, Move & { studentIds: string[]; versions: number[] }>();
  const sectionAdded = new Set<string>();
  const put = (s: StudentRow, to: { classId: string; sectionId: string | null }, outcome: PromotionOutcome, reason: string | null) => {
    const key = [s.class_id, s.section_id, to.classId, to.sectionId, outcome, reason].join('|');
    let g = groups.get(key);
    if (!g) {
      g = {
        fromClassId: s.class_id,
        fromSectionId: s.section_id,
        toClassId: to.classId,
        toSectionId: to.sectionId,
        outcome,
        reason,
        studentIds: [],
        versions: [],
      };
      groups.set(key, g);
    }
    g.studentIds.push(s.id);
    g.versions.push(s.version + 1);
  };
  for (const s of students) {
    const move = mapOf.get(s.class_id)!;
    const ex = exceptions.get(s.id)?.e;
    if (ex?.outcome === 'left') put(s, { classId: s.class_id, sectionId: s.section_id }, 'left', ex.reason);
    else if (ex?.outcome === 'detained') put(s, { classId: s.class_id, sectionId: ex.sectionId ?? s.section_id }, 'detained', ex.reason);
    else if (!move.toClassId) put(s, { classId: s.class_id, sectionId: s.section_id }, 'graduated', null);
    else if (ex?.outcome === 'section') put(s, { classId: move.toClassId, sectionId: ex.sectionId }, 'promoted', ex.reason ?? null);
    else {
      const mapped = s.section_id ? move.sections.find((x) => x.fromSectionId === s.section_id) : undefined;
      let sectionId: string | null = null;
      if (mapped) sectionId = mapped.toSectionId;
      else if (s.section_id) {
        const named = sectionNamed(move.toClassId, sectionById.get(s.section_id)!.name);
        sectionId = named.id;
        if (named.added) sectionAdded.add(sectionId);
      }
      put(s, { classId: move.toClassId, sectionId }, 'promoted', null);
    }
  }
  return { moves: [...groups.values()], sections: [...added.values()], sectionAdded, studentById, exceptions };
}

export interface RolloverPlan {
  args: RolloverArgs;
  review: RolloverReview;
  /** The new year's structures it had before the rollover: assigned by it. */
  keptStructureIds: string[];
}

/** Checks the request and works out everything the rollover writes. Throws AppError naming the field at fault. */
export async function planRollover(
  db: Store | Tx,
  env: Env,
  input: RolloverInput,
  actor: { requestedBy: string; approvedBy: string },
): Promise<RolloverPlan> {
  const locale = await schoolLocale(db);
  const { from, to } = await years(db, env, input, locale);
  const map = await checkedMap(db, input);
  const { moves, sections, sectionAdded, studentById, exceptions } = movesOf(input, env, map);
  const { copies, review: structureReview, ownStructures, notCopied } = await structuresOf(db, env, input, from, to);
  const categories = new Map((await db.selectFrom('category').select(['id', 'name']).execute()).map((c) => [c.id, c.name]));
  const sectionName = (id: string | null) =>
    id ? (map.sectionById.get(id)?.name ?? sections.find((s) => s.id === id)?.name ?? null) : null;
  const className = (id: string) => map.classes.get(id)!.name;

  // Concessions of the closing year that stay in force: category and sibling ones, and a student's own while they stay.
  const leaving = new Set(moves.filter((m) => m.outcome === 'left' || m.outcome === 'graduated').flatMap((m) => m.studentIds));
  const approved = input.carryConcessions
    ? await db
        .selectFrom('concession as c')
        .innerJoin('concession_decision as d', 'd.concession_id', 'c.id')
        .selectAll('c')
        .where('d.decision', '=', 'approved')
        .where('c.academic_year_id', '=', from.id)
        .orderBy('d.decided_at')
        .orderBy('c.id')
        .execute()
    : [];
  const at = env.clock.now().toISOString();
  const concessions = approved
    .filter((c) => c.target !== 'student' || (c.student_id !== null && studentById.has(c.student_id) && !leaving.has(c.student_id)))
    .map((c) => ({ ...c, id: env.ids.uuid(), academic_year_id: to.id, requested_by: actor.requestedBy, requested_at: at }));

  // The new year's fees: each staying student's structure in their new class (their category's, else the class's).
  const newStructures = [...copies.map((c) => ({ classId: c.classId, categoryId: c.categoryId, total: c.total })), ...ownStructures];
  const structureFor = (classId: string, categoryId: string | null) =>
    newStructures.find((s) => s.classId === classId && categoryId !== null && s.categoryId === categoryId) ??
    newStructures.find((s) => s.classId === classId && s.categoryId === null);
  let newFees = 0;
  const withoutStructure = new Map<string, number>();
  for (const m of moves) {
    if (m.outcome === 'left' || m.outcome === 'graduated') continue;
    for (const id of m.studentIds) {
      const s = structureFor(m.toClassId, studentById.get(id)!.category_id);
      if (s) newFees += s.total;
      else withoutStructure.set(m.toClassId, (withoutStructure.get(m.toClassId) ?? 0) + 1);
    }
  }
  // From each due's running totals (the ledger's triggers keep them): summing every due's rows again took 15 s of a
  // 50,000-student school's review.
  const arrears = await sql<{ total: number | null; students: number }>`
    select sum(d.amount - d.conceded - d.waived - d.paid) as total, count(distinct d.student_id) as students
    from due d where d.academic_year_id = ${from.id} and d.amount > d.conceded + d.waived + d.paid`.execute(db);

  const count = (o: PromotionOutcome) => moves.filter((m) => m.outcome === o).reduce((a, m) => a + m.studentIds.length, 0);
  const classReview = input.classes
    .map((c) => {
      const mine = moves.filter((m) => m.fromClassId === c.fromClassId);
      const promoted = mine.filter((m) => m.outcome === 'promoted');
      const bySection = new Map<string, { from: string; to: string | null; students: number; added: boolean }>();
      for (const m of promoted) {
        const key = `${m.fromSectionId}|${m.toSectionId}`;
        const row = bySection.get(key) ?? {
          from: sectionName(m.fromSectionId) ?? '(no section)',
          to: sectionName(m.toSectionId),
          students: 0,
          added: m.toSectionId !== null && sectionAdded.has(m.toSectionId),
        };
        row.students += m.studentIds.length;
        bySection.set(key, row);
      }
      return {
        fromClassId: c.fromClassId,
        fromClass: className(c.fromClassId),
        toClass: c.toClassId ? className(c.toClassId) : null,
        students: mine.reduce((a, m) => a + m.studentIds.length, 0),
        promoted: promoted.reduce((a, m) => a + m.studentIds.length, 0),
        sections: [...bySection.values()],
        order: map.classes.get(c.fromClassId)!.sort_order,
      };
    })
    .sort((a, b) => a.order - b.order)
    .map(({ order: _order, ...rest }) => rest);

  const warnings = [...withoutStructure].map(
    ([classId, n]) =>
      `${className(classId)} has no fee structure in ${to.name}: its ${n} student${n === 1 ? '' : 's'} get no dues until one is assigned`,
  );
  for (const head of notCopied)
    warnings.push(`${head} is a refundable deposit, taken once: the new year's structures do not charge it again`);
  if (to.exists && (to.startsOn !== input.newYear.startsOn || to.endsOn !== input.newYear.endsOn))
    warnings.push(
      `${to.name} exists already (${formatDate(to.startsOn, locale)} to ${formatDate(to.endsOn, locale)}): its own dates are kept`,
    );

  const review: RolloverReview = {
    fromYear: { id: from.id, name: from.name },
    toYear: { id: to.exists ? to.id : null, name: to.name, startsOn: to.startsOn, endsOn: to.endsOn, exists: to.exists },
    classes: classReview,
    exceptions: [...exceptions.values()].map(({ e }) => {
      const s = studentById.get(e.studentId)!;
      const move = map.mapOf.get(s.class_id)!;
      const toClassId = e.outcome === 'left' ? null : e.outcome === 'detained' ? s.class_id : move.toClassId;
      const toSectionId = e.outcome === 'left' ? null : e.outcome === 'detained' ? (e.sectionId ?? s.section_id) : e.sectionId;
      return {
        studentId: s.id,
        admissionNo: s.admission_no,
        name: s.full_name,
        fromClass: className(s.class_id),
        fromSection: sectionName(s.section_id),
        outcome: e.outcome,
        toClass: toClassId ? className(toClassId) : null,
        toSection: sectionName(toSectionId),
        reason: e.reason ?? null,
      };
    }),
    structures: structureReview.map((r) => ({
      className: r.old.className,
      categoryName: r.old.categoryId ? (categories.get(r.old.categoryId) ?? null) : null,
      name: r.name,
      oldTotal: r.old.total,
      newTotal: r.total,
      kept: r.kept,
      firstDueOn: r.firstDueOn,
    })),
    totals: {
      promoted: count('promoted'),
      detained: count('detained'),
      left: count('left'),
      graduated: count('graduated'),
      newFees,
      concessionsCarried: concessions.length,
      arrears: Number(arrears.rows[0]?.total ?? 0),
      studentsWithArrears: Number(arrears.rows[0]?.students ?? 0),
    },
    warnings,
  };
  const args: RolloverArgs = {
    id: env.ids.uuid(),
    fromYearId: from.id,
    toYear: { id: to.id, name: to.name, startsOn: to.startsOn, endsOn: to.endsOn },
    closedOn: from.ends_on,
    at,
    requestedBy: actor.requestedBy,
    approvedBy: actor.approvedBy,
    structures: copies,
    assignStructureIds: ownStructures.map((s) => s.id),
    sections,
    concessions,
    moves,
  };
  return { args, review, keptStructureIds: ownStructures.map((s) => s.id) };
}

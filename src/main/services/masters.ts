// Academic years, classes and sections, categories and fee heads.
import { sql } from 'kysely';
import type { Masters, SchoolClass } from '../../shared/contract/masters';
import { AppError } from '../../shared/contract/errors';
import type { ParsedInputOf } from '../../shared/contract';
import type { MutationArgsInput, MutationName } from '../../shared/sync/protocol';
import type { Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { enqueue } from './outbox';

const yearView = (y: { id: string; name: string; starts_on: string; ends_on: string; is_current: number; closed_at: string | null }) => ({
  id: y.id,
  name: y.name,
  startsOn: y.starts_on,
  endsOn: y.ends_on,
  isCurrent: y.is_current === 1,
  closedAt: y.closed_at,
});

/** Refuses to add `what` to a year the rollover closed (its dues are still collected; its fees are settled). */
export async function assertYearOpen(db: Store | Tx, yearId: string, field: string, what: string): Promise<void> {
  const year = await db.selectFrom('academic_year').select(['name', 'closed_at']).where('id', '=', yearId).executeTakeFirst();
  if (year?.closed_at)
    throw new AppError(
      'conflict',
      `${year.name} is closed (rolled over into the next year): no new ${what} in it; its dues are still collected`,
      field,
    );
}

export async function readMasters(db: Store): Promise<Masters> {
  const [years, classes, sections, categories, heads] = await Promise.all([
    db.selectFrom('academic_year').selectAll().orderBy('starts_on', 'desc').execute(),
    db
      .selectFrom('class')
      .selectAll()
      .orderBy('sort_order')
      .orderBy(sql`class_key(name)`)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('section')
      .selectAll()
      .orderBy(sql`natural_key(name)`)
      .execute(),
    db.selectFrom('category').selectAll().orderBy('name').execute(),
    db.selectFrom('fee_head').selectAll().orderBy('sort_order').orderBy('name').execute(),
  ]);
  return {
    years: years.map(yearView),
    classes: classes.map((c) => ({
      id: c.id,
      name: c.name,
      sortOrder: c.sort_order,
      sections: sections.filter((s) => s.class_id === c.id).map((s) => ({ id: s.id, name: s.name })),
    })),
    categories,
    heads: heads.map((h) => ({ id: h.id, name: h.name, taxRateBp: h.tax_rate_bp, systemCode: h.system_code, deposit: h.deposit === 1 })),
  };
}

/** The year new payments and dues belong to. */
export async function currentYear(db: Store | Tx) {
  const year = await db.selectFrom('academic_year').selectAll().where('is_current', '=', 1).executeTakeFirst();
  if (!year) throw new AppError('not_found', 'no academic year is current: an admin must create one first');
  return year;
}

async function classView(db: Store | Tx, classId: string): Promise<SchoolClass> {
  const c = await db.selectFrom('class').selectAll().where('id', '=', classId).executeTakeFirst();
  if (!c) throw new AppError('not_found', 'no class has this id', 'classId');
  const sections = await db
    .selectFrom('section')
    .select(['id', 'name'])
    .where('class_id', '=', classId)
    .orderBy(sql`natural_key(name)`)
    .execute();
  return { id: c.id, name: c.name, sortOrder: c.sort_order, sections };
}

async function ensureUnique(db: Tx, table: 'class' | 'category' | 'fee_head' | 'academic_year', value: string, field: string) {
  const clash = await db.selectFrom(table).select('id').where('name', '=', value).executeTakeFirst();
  if (clash) throw new AppError('conflict', `'${value}' already exists`, field);
}

/** Runs one change: its rows, an audit row and an outbox row, in one transaction. */
function change<N extends MutationName, T extends MutationArgsInput<N> & { id: string }>(
  deps: ServiceDeps,
  actorId: string,
  action: N,
  entity: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const after = await work(tx);
      await recordAudit(tx, deps, { actorId, action, entity, entityId: after.id, after });
      await enqueue(tx, deps, action, after);
      return after;
    });
}

export function createYear(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'masters.createYear'>) {
  return change(deps, actorId, 'masters.createYear', 'academic_year', async (tx) => {
    await ensureUnique(tx, 'academic_year', input.name, 'name');
    const hasCurrent = await tx.selectFrom('academic_year').select('id').where('is_current', '=', 1).executeTakeFirst();
    const makeCurrent = input.makeCurrent || !hasCurrent;
    if (makeCurrent) await tx.updateTable('academic_year').set({ is_current: 0 }).where('is_current', '=', 1).execute();
    const row = {
      id: deps.ids.uuid(),
      name: input.name,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      is_current: makeCurrent ? 1 : 0,
      created_at: deps.clock.now().toISOString(),
      closed_at: null,
    };
    await tx.insertInto('academic_year').values(row).execute();
    return yearView(row);
  });
}

export function setCurrentYear(deps: ServiceDeps, actorId: string, { yearId }: ParsedInputOf<'masters.setCurrentYear'>) {
  return change(deps, actorId, 'masters.setCurrentYear', 'academic_year', async (tx) => {
    const year = await tx.selectFrom('academic_year').selectAll().where('id', '=', yearId).executeTakeFirst();
    if (!year) throw new AppError('not_found', 'no academic year has this id', 'yearId');
    if (year.closed_at)
      throw new AppError('conflict', `${year.name} is closed (rolled over into the next year): it cannot be made current again`, 'yearId');
    await tx.updateTable('academic_year').set({ is_current: 0 }).where('is_current', '=', 1).execute();
    await tx.updateTable('academic_year').set({ is_current: 1 }).where('id', '=', yearId).execute();
    return yearView({ ...year, is_current: 1 });
  });
}

export function createClass(deps: ServiceDeps, actorId: string, input: ParsedInputOf<'masters.createClass'>) {
  return change(deps, actorId, 'masters.createClass', 'class', async (tx) => {
    await ensureUnique(tx, 'class', input.name, 'name');
    if (new Set(input.sections.map((s) => s.toLowerCase())).size !== input.sections.length) {
      throw new AppError('invalid_input', 'sections lists a section twice', 'sections');
    }
    const id = deps.ids.uuid();
    await tx.insertInto('class').values({ id, name: input.name, sort_order: input.sortOrder }).execute();
    for (const name of input.sections) await tx.insertInto('section').values({ id: deps.ids.uuid(), class_id: id, name }).execute();
    return classView(tx, id);
  });
}

export function addSection(deps: ServiceDeps, actorId: string, { classId, name }: ParsedInputOf<'masters.addSection'>) {
  return change(deps, actorId, 'masters.addSection', 'class', async (tx) => {
    const existing = await classView(tx, classId);
    if (existing.sections.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
      throw new AppError('conflict', `section '${name}' already exists in ${existing.name}`, 'name');
    }
    await tx.insertInto('section').values({ id: deps.ids.uuid(), class_id: classId, name }).execute();
    return classView(tx, classId);
  });
}

export function createCategory(deps: ServiceDeps, actorId: string, { name }: ParsedInputOf<'masters.createCategory'>) {
  return change(deps, actorId, 'masters.createCategory', 'category', async (tx) => {
    await ensureUnique(tx, 'category', name, 'name');
    const row = { id: deps.ids.uuid(), name };
    await tx.insertInto('category').values(row).execute();
    return row;
  });
}

export function createHead(deps: ServiceDeps, actorId: string, { name, taxRateBp, deposit }: ParsedInputOf<'masters.createHead'>) {
  return change(deps, actorId, 'masters.createHead', 'fee_head', async (tx) => {
    await ensureUnique(tx, 'fee_head', name, 'name');
    const last = await tx
      .selectFrom('fee_head')
      .select((eb) => eb.fn.max('sort_order').as('max'))
      .where('system_code', 'is', null)
      .executeTakeFirst();
    if (deposit && taxRateBp > 0)
      throw new AppError('invalid_input', 'must be 0 for a refundable deposit: a deposit is not a sale', 'taxRateBp');
    const row = {
      id: deps.ids.uuid(),
      name,
      tax_rate_bp: taxRateBp,
      system_code: null,
      sort_order: (last?.max ?? 0) + 10,
      deposit: deposit ? 1 : 0,
    };
    await tx.insertInto('fee_head').values(row).execute();
    return { id: row.id, name, taxRateBp, systemCode: null, deposit };
  });
}

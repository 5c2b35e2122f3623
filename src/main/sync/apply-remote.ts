// Applies a pulled page — other desks' mutations and the server's own — to this desk's store, in short slices.
// Dues and concessions from structures are not shipped: every desk derives them itself, with the same ids.
import type { Change, MutationArgs } from '../../shared/sync/protocol';
import type { Store, StudentTable, Tx } from '../db/schema';
import { applyApprovedConcessions } from '../services/concessions';
import { generateDues } from '../services/structures';
import { type AppliedInBulk, applyOne, chunks, type Env } from './appliers';

/** Changes applied many at a time: a run of them becomes a few set-based passes. Families come with admissions. */
export const BULK_RUNS = {
  'students.create': 'admissions',
  'families.create': 'admissions',
  'structures.assign': 'assignments',
} as const satisfies Record<AppliedInBulk, string>;
const batchOf = (name: string) => (Object.hasOwn(BULK_RUNS, name) ? BULK_RUNS[name as AppliedInBulk] : null);
/**
 * The most changes (or admissions) one transaction takes: the desk's own work waits for one slice at most.
 * Smaller slices were measured: four times the commits made a 50,000-student pull nearly three times slower,
 * and the longest waits stayed the same (they are the WAL checkpoints a bulk pull sets off).
 */
const SLICE = 200;
/** Students whose dues one transaction makes when a structure is assigned (about 16,000 rows). */
const DUES_CHUNK = 1000;

/** Changes applied on the background worker when the desk has one (SyncEnv.offload). */
const OFFLOADED: ReadonlySet<string> = new Set(['years.rollover']);
const batchOfName = (name: string) => (OFFLOADED.has(name) ? 'offloaded' : batchOf(name));

const yieldToDesk = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Applies one pulled page in short transactions, yielding between them so the desk stays responsive while a
 * new desk pulls a whole school. Every applier is idempotent, so a page cut off half-way is simply applied again
 * (its cookie is saved only after the last slice). Runs of admissions and structure assignments (most of a first
 * pull) are applied in bulk: rows in chunks, dues in one set-based pass per chunk of students.
 */
export async function applyChanges(
  store: Store,
  env: Env,
  changes: readonly Change[],
  offload?: (change: Change) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < changes.length;) {
    const name = changes[start]!.name;
    // A rollover is one change the size of the school: on the worker, while the cashier's thread goes on.
    if (offload && OFFLOADED.has(name)) {
      const c = changes[start]!;
      try {
        await offload(c);
      } catch (err) {
        throw new ChangeError(
          `change ${c.seq} (${name} from desk ${c.deskCode ?? 'SERVER'}) could not be applied: ${err instanceof Error ? err.message : String(err)}`,
          err,
        );
      }
      start += 1;
      continue;
    }
    const batch = batchOf(name);
    let end = start + 1;
    if (batch) while (end < changes.length && batchOf(changes[end]!.name) === batch) end++;
    else while (end < changes.length && end - start < SLICE && !batchOfName(changes[end]!.name)) end++;
    const run = changes.slice(start, end);
    try {
      if (batch === 'admissions') await applyAdmissions(store, env, run);
      else if (batch === 'assignments')
        await assignStructures(
          store,
          env,
          run.map((c) => c.args as MutationArgs<'structures.assign'>),
        );
      else {
        await store.transaction().execute(async (tx) => {
          for (const c of run) await applyOneChange(tx, env, c);
        });
      }
    } catch (err) {
      if (err instanceof ChangeError) throw err;
      const first = run[0]!;
      throw new ChangeError(
        `changes ${first.seq}–${run.at(-1)!.seq} (${name} from desk ${first.deskCode ?? 'SERVER'}) could not be applied: ${err instanceof Error ? err.message : String(err)}`,
        err,
      );
    }
    await yieldToDesk();
    start = end;
  }
}

class ChangeError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

async function applyOneChange(tx: Tx, env: Env, c: Change) {
  try {
    await applyOne(tx, env, c.name, c.args, c.deskCode ?? 'SERVER');
  } catch (err) {
    throw new ChangeError(
      `change ${c.seq} (${c.name} from desk ${c.deskCode ?? 'SERVER'}) could not be applied: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
}

/** Admissions and new families, a slice at a time: rows in multi-row inserts, then the slice's dues in one pass. */
async function applyAdmissions(store: Store, env: Env, run: readonly Change[]) {
  for (let i = 0; i < run.length; i += SLICE) {
    await store.transaction().execute(async (tx) => {
      const admitted: string[] = [];
      const touched: string[] = [];
      let pending: StudentTable[] = [];
      const insertPending = async () => {
        for (const part of chunks(pending, 17)) {
          const existing = new Set(
            (
              await tx
                .selectFrom('student')
                .select('id')
                .where(
                  'id',
                  'in',
                  part.map((r) => r.id),
                )
                .execute()
            ).map((r) => r.id),
          );
          const fresh = part.filter((r) => !existing.has(r.id));
          if (fresh.length > 0) await tx.insertInto('student').values(fresh).execute();
          admitted.push(...fresh.map((r) => r.id));
        }
        pending = [];
      };
      // Arguments typed by name, as in applyOne: the server passes on only what parsed as MUTATION_ARGS[name].
      for (const c of run.slice(i, i + SLICE)) {
        if (c.name === 'students.create') {
          pending.push(c.args as MutationArgs<'students.create'>);
          continue;
        }
        await insertPending();
        touched.push(...(await createFamily(tx, env, c.args as MutationArgs<'families.create'>)));
      }
      await insertPending();
      if (admitted.length > 0) await generateDues(tx, env, { studentIds: admitted });
      if (admitted.length + touched.length > 0) await applyApprovedConcessions(tx, env, { studentIds: [...admitted, ...touched] });
    });
    await yieldToDesk();
  }
}

/** A family and the students it gathers (returned: their concessions may change). */
async function createFamily(tx: Tx, env: Env, a: MutationArgs<'families.create'>): Promise<string[]> {
  const inserted = await tx
    .insertInto('family')
    .values({ id: a.id, name: a.name, created_at: env.clock.now().toISOString() })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0 || a.studentIds.length === 0) return [];
  await tx
    .updateTable('student')
    .set((eb) => ({ family_id: a.id, version: eb('version', '+', 1) }))
    .where('id', 'in', a.studentIds)
    .execute();
  return a.studentIds;
}

async function assignStructures(store: Store, env: Env, assignments: MutationArgs<'structures.assign'>[]) {
  const structureIds = assignments.map((a) => a.structureId);
  const studentIds = await store.transaction().execute(async (tx) => {
    for (const a of assignments) {
      await tx
        .updateTable('fee_structure')
        .set({ assigned_at: a.assignedAt })
        .where('id', '=', a.structureId)
        .where('assigned_at', 'is', null)
        .execute();
    }
    const classes = (await tx.selectFrom('fee_structure').select('class_id').where('id', 'in', structureIds).execute()).map(
      (c) => c.class_id,
    );
    if (classes.length === 0) return [];
    return (await tx.selectFrom('student').select('id').where('class_id', 'in', classes).orderBy('id').execute()).map((s) => s.id);
  });
  // The dues these assignments imply that are still missing, a chunk of students at a time.
  for (let i = 0; i < studentIds.length; i += DUES_CHUNK) {
    const chunk = studentIds.slice(i, i + DUES_CHUNK);
    await store.transaction().execute(async (tx) => {
      await generateDues(tx, env, { structureIds, studentIds: chunk });
      await applyApprovedConcessions(tx, env, { studentIds: chunk });
    });
    await yieldToDesk();
  }
}

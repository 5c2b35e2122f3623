// Push: one transaction per batch. Already-applied ids are skipped, a gap is refused, every mutation gets a result,
// and what was applied joins the school's change log in the desks' order for the other desks to pull.
import { randomBytes } from 'node:crypto';
import { type OperationNodeSource, type RawBuilder, sql } from 'kysely';
import {
  type ChangeArgs,
  MUTATION_ARGS,
  MUTATION_NAMES,
  OLDEST_SCHEMA_VERSION,
  SYNC_SCHEMA_VERSION,
  type MutationName,
  type PushRequest,
  type PushResponse,
  type PushResult,
} from '../shared/sync/protocol';
import type { ServerStore, ServerTx } from './db/schema';
import { SyncError } from './errors';
import { BatchState, type DeskIdentity, MAX_PARAMETERS } from './batch-state';
import { decide, findOverpaid } from './push-rules';

const known = new Set<string>(MUTATION_NAMES);

export function checkSchemaVersion(version: number): void {
  if (version < OLDEST_SCHEMA_VERSION)
    throw new SyncError(
      426,
      'schema_too_old',
      `this desk speaks sync schema ${version}; the server needs ${OLDEST_SCHEMA_VERSION}–${SYNC_SCHEMA_VERSION}: update FeeDesk`,
    );
  if (version > SYNC_SCHEMA_VERSION)
    throw new SyncError(
      400,
      'schema_too_new',
      `this desk speaks sync schema ${version}; the server knows up to ${SYNC_SCHEMA_VERSION}: update the sync server`,
    );
}

/** The whole batch is checked before anything is applied: one bad mutation and nothing is. */
function checkMutations(body: PushRequest): (PushRequest['mutations'][number] & { name: MutationName })[] {
  return body.mutations.map((m, index) => {
    if (!known.has(m.name))
      throw new SyncError(400, 'unknown_mutation', `mutations.${index}: the server does not know the mutation '${m.name.slice(0, 100)}'`);
    if (index > 0 && m.mutationId !== body.mutations[index - 1]!.mutationId + 1) {
      throw new SyncError(
        400,
        'invalid_request',
        `mutations.${index}: mutation ids must rise by one (${body.mutations[index - 1]!.mutationId} then ${m.mutationId})`,
      );
    }
    const parsed = MUTATION_ARGS[m.name as MutationName].safeParse(m.args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SyncError(
        400,
        'invalid_mutation',
        `mutations.${index} (${m.name}) args.${issue.path.map(String).join('.')}: ${issue.message}`,
      );
    }
    // What other desks receive is what parsed: keys the schema does not know never travel on.
    return { ...m, name: m.name as MutationName, args: parsed.data };
  });
}

/**
 * One writer per school at a time, so the change log's sequence numbers commit in order and a pull never skips one:
 * the school's lock taken, then the desk's row locked and its last mutation id read, in one round trip.
 */
async function lockSchoolAndDesk(tx: ServerTx, desk: DeskIdentity): Promise<number> {
  const { rows } = await sql<{ last_mutation_id: number }>`with school_lock as materialized (
      select pg_advisory_xact_lock(hashtextextended(${desk.schoolId}::text, 0))
    )
    select d.last_mutation_id from school_lock, desk d where d.id = ${desk.deskId} for update of d`.execute(tx);
  if (rows.length !== 1) throw new Error(`desk ${desk.deskId} is not on this server`);
  return Number(rows[0]!.last_mutation_id);
}

/** Splits a list so one insert stays under PostgreSQL's limit of bind parameters (65,535). */
function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(MAX_PARAMETERS / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** A write the batch makes: built first, sent with the others (writeTogether). */
type Statement = OperationNodeSource & { execute(): Promise<unknown> };

/** A raw statement bound to the transaction, to go with the builders' (which carry theirs). */
const bound = (tx: ServerTx, raw: RawBuilder<unknown>): Statement => ({
  execute: () => raw.execute(tx),
  toOperationNode: () => raw.toOperationNode(),
});

/**
 * Writes to different rows, sent as one statement and one round trip: each a data-modifying `with` of a `select 1`.
 * PostgreSQL runs them in no set order and checks foreign keys at the statement's end, so they must not touch the
 * same row twice or depend on each other's order (push.ts keeps the change log's rows in one insert, and the caps'
 * cuts after the caps). More parameters in all than one statement may bind: one statement each, in the order given,
 * so a row comes before the rows that refer to it (a payment before its allocations). Compiled once, all together.
 */
export async function writeTogether(tx: ServerTx, statements: Statement[], maxParameters = MAX_PARAMETERS): Promise<void> {
  const parts = statements.map((s, i) => sql`${sql.ref(`w${i}`)} as (${s})`);
  const together = statements.length > 1 ? sql`with ${sql.join(parts)} select 1`.compile(tx) : null;
  if (together && together.parameters.length <= maxParameters) await tx.executeQuery(together);
  else for (const s of statements) await s.execute();
}

/**
 * Rows that may go in any order, and the change log's inserts, whose rows must be numbered in the desks' order: one
 * insert numbers its rows in turn and joins the others; more than one go after them, one by one.
 */
async function writeWithChanges(tx: ServerTx, writes: Statement[], changes: Statement[]): Promise<void> {
  await writeTogether(tx, changes.length === 1 ? [...writes, changes[0]!] : writes);
  if (changes.length > 1) for (const c of changes) await c.execute();
}

async function writeBatch(
  tx: ServerTx,
  desk: DeskIdentity,
  batch: string,
  state: BatchState,
  appliedMutations: { name: string; args: unknown }[],
  log: { desk_id: string; mutation_id: number; id: string; name: string; status: string; reason: string | null }[],
  lastMutationId: number,
) {
  const school = desk.schoolId;
  const writes: Statement[] = [];
  const newStudents = [...state.students.values()].filter((s) => s.isNew);
  if (newStudents.length > 0) {
    writes.push(
      tx.insertInto('student').values(
        newStudents.map((s) => ({
          id: s.id,
          school_id: school,
          admission_no: s.admissionNo,
          version: s.version,
          data: JSON.stringify(s.data),
        })),
      ),
    );
  }
  // Many at a time: a rollover changes every student of the school.
  const changed = [...state.students.values()].filter((s) => s.changed && !s.isNew);
  for (const part of chunks(changed, 3))
    writes.push(
      bound(
        tx,
        sql`update student as s set version = v.version, data = v.data::jsonb
      from (values ${sql.join(part.map((c) => sql`(${c.id}::uuid, ${c.version}::integer, ${JSON.stringify(c.data)})`))}) as v (id, version, data)
      where s.id = v.id`,
      ),
    );
  if (state.newPayments.length > 0) {
    writes.push(
      tx
        .insertInto('payment')
        .values(
          state.newPayments.map((p) => ({ ...p, school_id: school, desk_id: desk.deskId, status: state.payments.get(p.id)!.status })),
        ),
    );
  }
  for (const part of chunks([...state.newBankRefs], 3))
    writes.push(
      tx
        .insertInto('bank_reference')
        .values(part.map(([ref, payment_id]) => ({ school_id: school, ref, payment_id })))
        .onConflict((oc) => oc.columns(['school_id', 'ref']).doUpdateSet({ payment_id: (eb) => eb.ref('excluded.payment_id') })),
    );
  for (const p of state.payments.values()) {
    if (p.statusChanged && !p.isNew) writes.push(tx.updateTable('payment').set({ status: p.status }).where('id', '=', p.id));
  }
  for (const part of chunks(state.allocations, 7))
    writes.push(tx.insertInto('allocation').values(part.map((a) => ({ ...a, school_id: school }))));
  for (const part of chunks(state.credits, 7)) writes.push(tx.insertInto('credit').values(part.map((c) => ({ ...c, school_id: school }))));
  for (const part of chunks([...state.dueCaps], 4)) {
    writes.push(
      tx
        .insertInto('due_cap')
        .values(part.map(([due_id, c]) => ({ due_id, school_id: school, student_id: c.student_id, net: c.net })))
        .onConflict((oc) =>
          oc
            .column('due_id')
            .doUpdateSet({ net: sql`least(due_cap.net, excluded.net)` })
            .where('due_cap.school_id', '=', school),
        ),
    );
  }
  for (const part of chunks(log, 6)) writes.push(tx.insertInto('mutation').values(part));
  writes.push(tx.updateTable('desk').set({ last_mutation_id: lastMutationId, last_push_at: new Date() }).where('id', '=', desk.deskId));
  const changes = [...chunks(appliedMutations, 4)].map((part) =>
    tx
      .insertInto('change')
      .values(part.map((m) => ({ school_id: school, desk_id: desk.deskId, name: m.name, args: JSON.stringify(m.args), batch }))),
  );
  await writeWithChanges(tx, writes, changes);
  // A key id may be published twice in one batch, and a due capped by one mutation cut by another: these rows each in
  // turn, after the writes above.
  for (const k of state.keys) {
    // A proven publish takes a key id over from a holder that never proved it (decided in publishKey).
    await tx
      .insertInto('desk_key')
      .values({ ...k, school_id: school, desk_id: desk.deskId })
      .onConflict((oc) =>
        oc.column('key_id').doUpdateSet({ school_id: school, desk_id: desk.deskId, desk_code: k.desk_code, proven: k.proven }),
      )
      .execute();
  }
  for (const [dueId, cut] of state.capCuts)
    await tx
      .updateTable('due_cap')
      .set({ net: sql`net - ${cut}` })
      .where('due_id', '=', dueId)
      .where('school_id', '=', school)
      .execute();
}

async function settleOverpayments(tx: ServerTx, desk: DeskIdentity, batch: string, state: BatchState): Promise<number> {
  const overpaid = await findOverpaid(tx, state);
  if (overpaid.length === 0) return 0;
  const school = desk.schoolId;
  const at = new Date().toISOString();
  const found = overpaid.map((o) => ({
    ...o,
    message: `Receipt ${o.receiptNo} paid ${o.amount} more on a due than it was worth (another desk took money for it too): the excess is now the student's credit.`,
  }));
  // One statement for all the batch's overpayments, not four for each: the same rows, the change log's in order.
  const writes: Statement[] = [];
  for (const part of chunks(found, 6))
    writes.push(
      tx.insertInto('allocation').values(
        part.map((o) => ({
          school_id: school,
          payment_id: o.paymentId,
          due_id: o.dueId,
          student_id: o.studentId,
          amount: -o.amount,
          event_id: o.id,
        })),
      ),
    );
  for (const part of chunks(found, 6))
    writes.push(
      tx.insertInto('credit').values(
        part.map((o) => ({
          school_id: school,
          student_id: o.studentId,
          payment_id: o.paymentId,
          amount: o.amount,
          kind: 'overpayment',
          event_id: o.id,
        })),
      ),
    );
  for (const part of chunks(found, 7))
    writes.push(
      tx.insertInto('alert').values(
        part.map((o) => ({
          id: o.id,
          school_id: school,
          kind: 'overpayment',
          message: o.message,
          payment_id: o.paymentId,
          student_id: o.studentId,
          amount: o.amount,
        })),
      ),
    );
  const changes = [...chunks(found, 5)].map((part) =>
    tx.insertInto('change').values(
      part.map((o) => ({
        school_id: school,
        desk_id: null,
        name: 'payments.overpaid',
        args: JSON.stringify({ ...o, at } satisfies ChangeArgs<'payments.overpaid'>),
        batch,
      })),
    ),
  );
  await writeWithChanges(tx, writes, changes);
  return overpaid.length;
}

export interface PushOutcome extends PushResponse {
  applied: number;
  rejected: number;
  overpaid: number;
}

export async function push(db: ServerStore, desk: DeskIdentity, body: PushRequest): Promise<PushOutcome> {
  if (body.deskId !== desk.deskId) throw new SyncError(403, 'forbidden', 'this token belongs to another desk than the batch names');
  checkSchemaVersion(body.schemaVersion);
  const mutations = checkMutations(body);
  return db.transaction().execute(async (tx) => {
    const last = await lockSchoolAndDesk(tx, desk);
    const fresh = mutations.filter((m) => m.mutationId > last);
    if (fresh.length > 0 && fresh[0]!.mutationId !== last + 1) {
      throw new SyncError(
        409,
        'gap',
        `the server holds this desk's mutations up to ${last}; the batch starts at ${fresh[0]!.mutationId}: send ${last + 1} first`,
        { lastMutationId: last },
      );
    }
    const results: PushResult[] = mutations
      .filter((m) => m.mutationId <= last)
      .map((m) => ({ mutationId: m.mutationId, status: 'duplicate' }));
    const state = await BatchState.load(tx, desk, fresh);
    const appliedMutations: { name: string; args: unknown }[] = [];
    const log: { desk_id: string; mutation_id: number; id: string; name: string; status: string; reason: string | null }[] = [];
    for (const m of fresh) {
      const outcome = decide(state, m);
      results.push({ mutationId: m.mutationId, ...outcome });
      if (outcome.status === 'duplicate') continue;
      log.push({
        desk_id: desk.deskId,
        mutation_id: m.mutationId,
        id: m.id,
        name: m.name,
        status: outcome.status,
        reason: outcome.reason ?? null,
      });
      if (outcome.status === 'applied') appliedMutations.push({ name: m.name, args: m.args });
    }
    // Random, not the transaction id: a restored cluster hands out the same transaction ids again.
    const batch = randomBytes(8).toString('hex');
    const lastMutationId = fresh.length > 0 ? fresh.at(-1)!.mutationId : last;
    await writeBatch(tx, desk, batch, state, appliedMutations, log, lastMutationId);
    const overpaid = await settleOverpayments(tx, desk, batch, state);
    return {
      results,
      lastMutationId,
      applied: results.filter((r) => r.status === 'applied').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
      overpaid,
    };
  });
}

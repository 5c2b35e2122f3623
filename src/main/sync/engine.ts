// One sync round: push the outbox in order, pull the school's changes page by page, then send the audit chain
// (sync/audit.ts). Acknowledgements and pulled changes are written in short transactions, so the desk keeps working
// in between; every step can be cut off and simply runs again.
import { sql } from 'kysely';
import {
  enrollResponseSchema,
  PULL_MAX_CHANGES,
  pullResponseSchema,
  pushResponseSchema,
  PUSH_MAX_MUTATIONS,
  PUSH_TARGET_BYTES,
  SYNC_SCHEMA_VERSION,
  type Mutation,
  type PullResponse,
} from '../../shared/sync/protocol';
import type { Store } from '../db/schema';
import { applyChanges } from './apply-remote';
import { takeServerVersion } from './appliers';
import { undoOverpaymentsNotResent } from './money-appliers';
import { pushAuditTrail } from './audit';
import type { PullSession, SyncEnv } from './env';
import type { PageHeader } from './pull-worker';
import { callServer, fromFailureData, type RawAnswer, readAnswer, requestServer, SyncFailure } from './client';

export interface SyncRound {
  pushed: number;
  rejected: number;
  pulled: number;
  /** Audit rows the server stored this round. */
  audited: number;
}

async function readState(db: Store) {
  return db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

/** Marks a full resync: loud in the log and on the sync screen until the next one. */
async function markResync(env: SyncEnv, reason: string, changes: { cookie?: null; unackAfter?: number }) {
  env.log('warn', `FULL RESYNC: ${reason}`);
  await env
    .store()
    .transaction()
    .execute(async (tx) => {
      if (changes.unackAfter !== undefined) {
        await tx
          .updateTable('outbox')
          .set({ acked_at: null, state: 'pending', result: null })
          .where('mutation_id', '>', changes.unackAfter)
          .execute();
        await tx.updateTable('sync_state').set({ last_ack: changes.unackAfter }).where('id', '=', 1).execute();
      }
      // Pulling from the start: over-payments the server no longer sends are undone once the pull ends.
      const cookie = changes.cookie === null ? { cookie: null, pull_from_start: env.ids.uuid() } : {};
      await tx
        .updateTable('sync_state')
        .set({ ...cookie, resync_reason: reason, resync_at: env.clock.now().toISOString() })
        .where('id', '=', 1)
        .execute();
    });
}

async function pushAll(env: SyncEnv, url: string, deskId: string, token: string): Promise<{ pushed: number; rejected: number }> {
  let pushed = 0;
  let rejected = 0;
  const batch = env.pushBatch ?? PUSH_MAX_MUTATIONS;
  for (;;) {
    const rows = await env
      .store()
      .selectFrom('outbox')
      .select(['mutation_id', 'id', 'name', 'args_json'])
      .where('acked_at', 'is', null)
      .orderBy('mutation_id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return { pushed, rejected };
    // About PUSH_TARGET_BYTES a batch (a prefix of the queue, so ids stay in order); a bigger mutation goes alone.
    let count = 1;
    for (let bytes = rows[0]!.args_json.length; count < rows.length && (bytes += rows[count]!.args_json.length) <= PUSH_TARGET_BYTES;)
      count++;
    const sized = rows.slice(0, count);
    const mutations: Mutation[] = sized.map((r) => ({ mutationId: r.mutation_id, id: r.id, name: r.name, args: JSON.parse(r.args_json) }));
    let response;
    try {
      response = await callServer(
        env.fetch,
        `${url}/v1/push`,
        token,
        { deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations },
        pushResponseSchema,
      );
    } catch (err) {
      if (err instanceof SyncFailure && err.code === 'gap' && typeof err.extra['lastMutationId'] === 'number') {
        await markResync(
          env,
          `the server holds this desk's changes only up to no. ${err.extra['lastMutationId']} (restored from an older backup?): sending the rest again`,
          { unackAfter: err.extra['lastMutationId'] },
        );
        continue;
      }
      throw err;
    }
    const now = env.clock.now().toISOString();
    await env
      .store()
      .transaction()
      .execute(async (tx) => {
        for (const r of response.results) {
          if (r.status === 'rejected') {
            const server = (r.detail as { server?: unknown } | undefined)?.server;
            if (server) await takeServerVersion(tx, env, mutations.find((m) => m.mutationId === r.mutationId)!.name, server);
            await tx
              .updateTable('outbox')
              .set({ state: 'rejected', acked_at: now, result: JSON.stringify({ reason: r.reason, detail: r.detail ?? null }) })
              .where('mutation_id', '=', r.mutationId)
              .execute();
          }
        }
        await tx
          .updateTable('outbox')
          .set({ acked_at: now })
          .where('acked_at', 'is', null)
          .where('mutation_id', '<=', response.lastMutationId)
          .execute();
        await tx.updateTable('sync_state').set({ last_ack: response.lastMutationId }).where('id', '=', 1).execute();
      });
    const refused = response.results.filter((r) => r.status === 'rejected');
    for (const r of refused) env.log('warn', `server rejected mutation ${r.mutationId}: ${r.reason}`);
    pushed += response.results.length;
    rejected += refused.length;
  }
}

/** A page this long (its text) is read and applied on the pull worker when the desk has one: a catch-up, not a trickle. */
const WORKER_PAGE_CHARS = 256 * 1024;

async function pullAll(env: SyncEnv, url: string, deskId: string, token: string): Promise<number> {
  const fetchPage = (cookie: string | null, limit: number) =>
    requestServer(env.fetch, `${url}/v1/pull`, token, { deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie, limit });
  const state = await readState(env.store());
  const fromStart = state.cookie === null;
  // Catching up (a first pull, a resync, a long time offline): bigger pages, fewer commits.
  const bigPage = env.pullPage ?? PULL_MAX_CHANGES;
  let answer = await fetchPage(state.cookie, env.pullPage ?? (fromStart ? PULL_MAX_CHANGES : 500));
  let session: PullSession | null = null;
  let workerFailed = false;
  let told = false;
  const tell = (pulled: number) => {
    told = true;
    env.onPull?.({ fromStart, pulled });
  };
  /** A worker that fails (it could not start, it crashed) is let go, and the pull goes on here: pages apply again idempotently. */
  const onWorker = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (err) {
      env.log('warn', `the pull worker failed, so this desk applies the pull itself: ${err instanceof Error ? err.message : String(err)}`);
      const failed = session;
      session = null;
      workerFailed = true;
      await failed?.end().catch(() => {});
      return null;
    }
  };
  let pulled = 0;
  try {
    for (let first = true; ; first = false) {
      // A big page starts the worker, and the rest of this pull goes there too (its connection has the pages cached).
      const big = answer.status === 200 && answer.text.length >= (env.workerPageChars ?? WORKER_PAGE_CHARS);
      if (!session && !workerFailed && env.pullWorker && big) {
        env.log('info', `pulling ${fromStart ? 'the whole school' : 'many changes'} on the pull worker`);
        const start = env.pullWorker;
        session = await onWorker(async () => start());
      }
      let header: PageHeader;
      let page: PullResponse | null = null;
      try {
        const read = session ? await onWorker(() => session!.read(answer)) : null;
        if (read && 'failure' in read) throw fromFailureData(read.failure);
        if (read) header = read.header;
        else {
          page = readAnswer(answer, pullResponseSchema);
          header = { cookie: page.cookie, more: page.more, lastMutationId: page.lastMutationId, changes: page.changes.length };
        }
      } catch (err) {
        if (first && err instanceof SyncFailure && err.code === 'unknown_cookie' && state.cookie !== null) {
          await markResync(
            env,
            "the server did not recognise this desk's sync position (a restored or new server): pulling everything again",
            {
              cookie: null,
            },
          );
          await session?.end();
          session = null;
          return await pullAll(env, url, deskId, token);
        }
        throw err;
      }
      if (header.lastMutationId < state.last_ack) {
        await markResync(
          env,
          `the server has this desk's changes only up to no. ${header.lastMutationId}, but had confirmed ${state.last_ack}: sending the rest again`,
          { unackAfter: header.lastMutationId },
        );
        return pulled;
      }
      if (first && (session || header.more)) tell(0);
      // While this page is applied, the next one is already on its way.
      const next: Promise<RawAnswer> | null = header.more ? fetchPage(header.cookie, bigPage) : null;
      next?.catch(() => {});
      // The cookie moves only once the whole page is in: a crash replays the page (idempotently), never skips it.
      const done = session ? await onWorker(() => session!.apply(env.clock.now().toISOString())) : null;
      if (done && 'error' in done) throw new Error(done.error);
      if (!done) {
        page ??= readAnswer(answer, pullResponseSchema);
        await applyChanges(env.store(), env, page.changes, env.offload);
        await env.store().updateTable('sync_state').set({ cookie: page.cookie }).where('id', '=', 1).execute();
      }
      pulled += header.changes;
      if (told) tell(pulled);
      if (!next) {
        await endPullFromStart(env);
        return pulled;
      }
      answer = await next;
    }
  } finally {
    await session?.end();
    if (told) env.onPull?.(null);
  }
}

/** The end of the change log, reached: a pull from the start that was running is over, and squares over-payments. */
async function endPullFromStart(env: SyncEnv): Promise<void> {
  const undone = await env
    .store()
    .transaction()
    .execute(async (tx) => {
      const { pull_from_start: pull } = await tx
        .selectFrom('sync_state')
        .select('pull_from_start')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      if (!pull) return 0;
      const count = await undoOverpaymentsNotResent(tx, env, pull);
      await tx.updateTable('sync_state').set({ pull_from_start: null }).where('id', '=', 1).execute();
      return count;
    });
  if (undone > 0) env.log('warn', `undid ${undone} over-payment(s) the server, restored from a backup, no longer holds`);
}

/** One round; throws SyncFailure when it cannot finish (the loop decides when to try again). */
export async function syncOnce(env: SyncEnv): Promise<SyncRound | null> {
  const state = await readState(env.store());
  if (!state.enabled || !state.server_url || !state.desk_id || !state.token) return null;
  await env.store().updateTable('sync_state').set({ last_attempt_at: env.clock.now().toISOString() }).where('id', '=', 1).execute();
  try {
    const { pushed, rejected } = await pushAll(env, state.server_url, state.desk_id, state.token);
    const pulled = await pullAll(env, state.server_url, state.desk_id, state.token);
    // A resync found during the pull re-queued changes: send them now rather than on the next round.
    const again = await pushAll(env, state.server_url, state.desk_id, state.token);
    // Last, so a refused or slow audit trail never holds back the money; its refusal is kept, not thrown.
    const audited = await pushAuditTrail(env, { url: state.server_url, deskId: state.desk_id, token: state.token });
    await env
      .store()
      .updateTable('sync_state')
      .set({ last_success_at: env.clock.now().toISOString(), last_error: null })
      .where('id', '=', 1)
      .execute();
    const round = { pushed: pushed + again.pushed, rejected: rejected + again.rejected, pulled, audited };
    if (round.pushed + pulled + audited > 0) env.log('info', 'synced', { ...round });
    return round;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await env.store().updateTable('sync_state').set({ last_error: message }).where('id', '=', 1).execute();
    throw err instanceof SyncFailure ? err : new SyncFailure(message, false, 'local', null);
  }
}

/** Redeems an enrollment code and turns sync on; the token lives only in this encrypted store. */
export async function enroll(env: SyncEnv, serverUrl: string, code: string): Promise<void> {
  const desk = await env.store().selectFrom('desk').select('code').executeTakeFirstOrThrow();
  const answer = await callServer(env.fetch, `${serverUrl}/v1/enroll`, null, { code, deskCode: desk.code }, enrollResponseSchema);
  await env
    .store()
    .updateTable('sync_state')
    .set({
      server_url: serverUrl,
      desk_id: answer.deskId,
      token: answer.token,
      school_name: answer.schoolName,
      branch_name: answer.branchName,
      enabled: 1,
      cookie: null,
      pull_from_start: env.ids.uuid(),
      last_ack: 0,
      last_error: null,
      audit_held: 0,
      audit_refusal: null,
    })
    .where('id', '=', 1)
    .execute();
  await sql`update outbox set acked_at = null, state = 'pending', result = null`.execute(env.store());
  env.log('info', `enrolled with ${serverUrl} as desk ${desk.code} of ${answer.schoolName} (${answer.branchName})`);
}

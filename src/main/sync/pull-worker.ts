// A catch-up pull's pages, read and applied on a background worker with its own write connection (the main thread
// only fetches them): parsing, checking and writing a first pull's tens of thousands of changes never stall the
// cashier's thread. The main thread's pullAll (engine.ts) decides, from each page's header, what happens next.
import { pullResponseSchema, type PullResponse } from '../../shared/sync/protocol';
import type { Store } from '../db/schema';
import { applyChanges } from './apply-remote';
import type { Env } from './appliers';
import { failureData, readAnswer, type RawAnswer, SyncFailure, type SyncFailureData } from './client';

/** What the main thread needs of a page to go on: where it ends, whether more follows, what the server holds of ours. */
export interface PageHeader {
  cookie: string;
  more: boolean;
  lastMutationId: number;
  changes: number;
}

export type PageRead = { header: PageHeader } | { failure: SyncFailureData };
/** A page applied, or the reason it could not be (a change that would not apply: the round stops, as on the main thread). */
export type PageApplied = { applied: number } | { error: string };

/** The page read last, kept here until the main thread says to apply it. */
let kept: PullResponse | null = null;

export function readPage(answer: RawAnswer): PageRead {
  kept = null;
  try {
    kept = readAnswer(answer, pullResponseSchema);
  } catch (err) {
    if (err instanceof SyncFailure) return { failure: failureData(err) };
    throw err;
  }
  return { header: { cookie: kept.cookie, more: kept.more, lastMutationId: kept.lastMutationId, changes: kept.changes.length } };
}

/**
 * Applies the page read last, then moves the desk's cookie past it (only once the whole page is in: a worker ended
 * half-way leaves the cookie where it was, and the page is applied again, idempotently).
 */
export async function applyKeptPage(store: Store, env: Env): Promise<PageApplied> {
  const page = kept;
  kept = null;
  if (!page) return { error: 'no pulled page was waiting to be applied' };
  try {
    await applyChanges(store, env, page.changes);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  await store.updateTable('sync_state').set({ cookie: page.cookie }).where('id', '=', 1).execute();
  return { applied: page.changes.length };
}

// What a sync round runs on: the store, injected time and ids, how to reach the server, and where to log.
import type { Change } from '../../shared/sync/protocol';
import type { Store } from '../db/schema';
import type { Clock, IdSource } from '../services/context';
import type { FetchLike, RawAnswer } from './client';
import type { PageApplied, PageRead } from './pull-worker';

export interface SyncEnv {
  store(): Store;
  clock: Clock;
  ids: IdSource;
  fetch: FetchLike;
  log(level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  pushBatch?: number;
  pullPage?: number;
  /**
   * Applies a change too big for the desk's main thread (another desk's year-end rollover: a school's worth of
   * students and new dues) in a transaction of its own elsewhere — the background worker — and waits for it.
   */
  offload?: (change: Change) => Promise<void>;
  /**
   * A worker with its own write connection for a catch-up pull (a first pull, a resync, a long time offline): the
   * pages are read and applied there, and the cashier's thread only fetches them. Without it, pages apply here in slices.
   */
  pullWorker?: () => PullSession;
  /** A pulled page whose text is this long or longer goes to the pull worker (tests lower it; see WORKER_PAGE_CHARS). */
  workerPageChars?: number;
  /** Told how far a pull has come (null when it ends): the Sync screen's "setting up" while a first pull runs. */
  onPull?: (progress: PullProgress | null) => void;
}

export interface PullSession {
  read(answer: RawAnswer): Promise<PageRead>;
  /** Applies the page read last; `now` stamps what the changes create. */
  apply(now: string): Promise<PageApplied>;
  end(): Promise<void>;
}

export interface PullProgress {
  /** The desk had nothing of the school's before this pull (enrolled just now, or resyncing from the start). */
  fromStart: boolean;
  /** Changes applied so far in this pull. */
  pulled: number;
}

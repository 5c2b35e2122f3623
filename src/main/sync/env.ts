// What a sync round runs on: the store, injected time and ids, how to reach the server, and where to log.
import type { Change } from '../../shared/sync/protocol';
import type { Store } from '../db/schema';
import type { Clock, IdSource } from '../services/context';
import type { FetchLike } from './client';

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
}

// What a sync round runs on: the store, injected time and ids, how to reach the server, and where to log.
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
}

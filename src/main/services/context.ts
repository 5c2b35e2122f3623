// What every service receives: the store, injected time and ids, and the live sessions.
import type { Store } from '../db/schema';
import type { ScryptCost } from '../kdf';
import type { Clock, IdSource } from './clock';
import type { SessionTable } from './sessions';

export type { Clock, DeskClock, IdSource } from './clock';

export interface ServiceDeps {
  /** The open store; throws `store_locked` while it is still closed. */
  store(): Store;
  clock: Clock;
  ids: IdSource;
  sessions: SessionTable;
  passwordCost: ScryptCost;
  /** True while a pull is bringing the school in: a student's dues may still be on their way (see duesOwedNow). */
  duesArriving?(): boolean;
}

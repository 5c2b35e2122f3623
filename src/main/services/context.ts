// What every service receives: the store, injected time and ids, and the live sessions.
import type { Store } from '../db/schema';
import type { ScryptCost } from '../kdf';
import type { Session, SessionTable } from './sessions';

export interface Clock {
  now(): Date;
}

/**
 * The backend's clock: `now()` is the computer's wall clock, which stamps the books and which anyone at the desk can set
 * back or forward; `monotonicMs()` only ever moves forward with time passing (its zero means nothing), so session age
 * and idle time are measured on it (by the session table, which takes the wall clock only when it says more; services
 * need only the wall clock).
 */
export interface DeskClock extends Clock {
  monotonicMs(): number;
}

export interface IdSource {
  uuid(): string;
}

export interface ServiceDeps {
  /** The open store; throws `store_locked` while it is still closed. */
  store(): Store;
  clock: Clock;
  ids: IdSource;
  sessions: SessionTable;
  passwordCost: ScryptCost;
}

/** Who is calling: the window (client) and its session, if logged in. */
export interface Call {
  clientId: string;
  session: Session | null;
}

export function requireSession(call: Call): Session {
  if (!call.session) throw new Error('router let a session channel through without a session');
  return call.session;
}

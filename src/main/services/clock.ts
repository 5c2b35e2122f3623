// Time and ids come into the backend from outside, so tests and the demo can set them; the session table needs the
// monotonic half, services only the wall clock.
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

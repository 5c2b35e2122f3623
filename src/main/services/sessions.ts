// Live login sessions, one per window (client). Kept in main's memory only: a restart logs out. Age and idle time are
// measured on the monotonic clock, and on the wall clock when it says more (time asleep, which the monotonic clock may
// not count): setting the computer's clock back never extends a session; setting it forward only ends it sooner.
import { type Role, TWO_STEP_ROLES } from '../../shared/contract/channel';
import type { DeskClock } from './clock';

/** A session ends this long after login, however busy it has been (unlocking an idle lock does not extend it). */
export const SESSION_LIMIT_MS = 12 * 60 * 60_000;

export interface Session {
  clientId: string;
  userId: string;
  username: string;
  fullName: string;
  role: Role;
  /** Login and the last activity on the wall clock (ms since 1970) and on the monotonic clock. */
  startedAt: number;
  startedMs: number;
  lastActivityAt: number;
  lastActivityMs: number;
  locked: boolean;
  /** An admin or accountant without two-step sign-in: until it is set up the session can do nothing else. */
  twoStepPending: boolean;
}

type NewSession = Omit<Session, 'startedAt' | 'startedMs' | 'lastActivityAt' | 'lastActivityMs' | 'locked' | 'twoStepPending'> & {
  twoStepPending?: boolean;
};

export interface SessionTable {
  get(clientId: string): Session | null;
  /** Unless told otherwise, an admin's or accountant's new session is pending two-step set-up. `now`: the wall clock. */
  start(session: NewSession, now: number): Session;
  end(clientId: string): void;
  endForUser(userId: string): void;
  /** Everyone signs in again (the store they signed in against was replaced). */
  endAll(): void;
  ofUser(userId: string): Session[];
  /** True once the session is older than the absolute limit. */
  expired(session: Session): boolean;
  /** The idle check: locks a session idle too long; otherwise counts this call as activity, unless it is passive. */
  touch(clientId: string, idleLimitMs: number, passive?: boolean): Session | null;
  /** The user proved it is them (unlocked the screen): the idle time starts again. */
  active(session: Session): void;
}

export function createSessionTable(clock: DeskClock): SessionTable {
  const sessions = new Map<string, Session>();
  /** How long since a moment kept on both clocks: the more of the two (a clock set back reads less, never more). */
  const since = (wall: number, monotonic: number) => Math.max(clock.monotonicMs() - monotonic, clock.now().getTime() - wall);
  const markActive = (session: Session) => {
    session.lastActivityAt = clock.now().getTime();
    session.lastActivityMs = clock.monotonicMs();
  };
  return {
    get: (clientId) => sessions.get(clientId) ?? null,
    start({ twoStepPending, ...partial }, now) {
      const pending = twoStepPending ?? TWO_STEP_ROLES.includes(partial.role);
      const at = clock.monotonicMs();
      const session: Session = {
        ...partial,
        startedAt: now,
        startedMs: at,
        lastActivityAt: now,
        lastActivityMs: at,
        locked: false,
        twoStepPending: pending,
      };
      sessions.set(partial.clientId, session);
      return session;
    },
    end: (clientId) => void sessions.delete(clientId),
    endForUser(userId) {
      for (const [clientId, s] of sessions) if (s.userId === userId) sessions.delete(clientId);
    },
    endAll: () => sessions.clear(),
    ofUser: (userId) => [...sessions.values()].filter((s) => s.userId === userId),
    expired: (session) => since(session.startedAt, session.startedMs) > SESSION_LIMIT_MS,
    touch(clientId, idleLimitMs, passive = false) {
      const session = sessions.get(clientId);
      if (!session) return null;
      if (session.locked) return session;
      if (since(session.lastActivityAt, session.lastActivityMs) > idleLimitMs) session.locked = true;
      else if (!passive) markActive(session);
      return session;
    },
    active: (session) => markActive(session),
  };
}

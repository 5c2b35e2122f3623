// Live login sessions, one per window (client). Kept in main's memory only: a restart logs out.
import { type Role, TWO_STEP_ROLES } from '../../shared/contract/channel';

/** A session ends this long after login, however busy it has been (unlocking an idle lock does not extend it). */
export const SESSION_LIMIT_MS = 12 * 60 * 60_000;

export interface Session {
  clientId: string;
  userId: string;
  username: string;
  fullName: string;
  role: Role;
  startedAt: number;
  lastActivity: number;
  locked: boolean;
  /** An admin or accountant without two-step sign-in: until it is set up the session can do nothing else. */
  twoStepPending: boolean;
}

type NewSession = Omit<Session, 'startedAt' | 'lastActivity' | 'locked' | 'twoStepPending'> & { twoStepPending?: boolean };

export interface SessionTable {
  get(clientId: string): Session | null;
  /** Unless told otherwise, an admin's or accountant's new session is pending two-step set-up. */
  start(session: NewSession, now: number): Session;
  end(clientId: string): void;
  endForUser(userId: string): void;
  /** Everyone signs in again (the store they signed in against was replaced). */
  endAll(): void;
  ofUser(userId: string): Session[];
  /** True once the session is older than the absolute limit. */
  expired(session: Session, now: number): boolean;
  /**
   * Locks the session if it has been idle longer than the limit; otherwise marks activity.
   * Returns the session as it now stands.
   */
  /** The idle check: locks a session idle too long; otherwise counts this call as activity, unless it is passive. */
  touch(clientId: string, now: number, idleLimitMs: number, passive?: boolean): Session | null;
}

export function createSessionTable(): SessionTable {
  const sessions = new Map<string, Session>();
  return {
    get: (clientId) => sessions.get(clientId) ?? null,
    start({ twoStepPending, ...partial }, now) {
      const pending = twoStepPending ?? TWO_STEP_ROLES.includes(partial.role);
      const session: Session = { ...partial, startedAt: now, lastActivity: now, locked: false, twoStepPending: pending };
      sessions.set(partial.clientId, session);
      return session;
    },
    end: (clientId) => void sessions.delete(clientId),
    endForUser(userId) {
      for (const [clientId, s] of sessions) if (s.userId === userId) sessions.delete(clientId);
    },
    endAll: () => sessions.clear(),
    ofUser: (userId) => [...sessions.values()].filter((s) => s.userId === userId),
    expired: (session, now) => now - session.startedAt > SESSION_LIMIT_MS,
    touch(clientId, now, idleLimitMs, passive = false) {
      const session = sessions.get(clientId);
      if (!session) return null;
      if (session.locked) return session;
      if (now - session.lastActivity > idleLimitMs) session.locked = true;
      else if (!passive) session.lastActivity = now;
      return session;
    },
  };
}

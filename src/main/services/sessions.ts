// Live login sessions, one per window (client). Kept in main's memory only: a restart logs out.
import type { Role } from '../../shared/contract/channel';

export interface Session {
  clientId: string;
  userId: string;
  username: string;
  fullName: string;
  role: Role;
  startedAt: number;
  lastActivity: number;
  locked: boolean;
}

export interface SessionTable {
  get(clientId: string): Session | null;
  start(session: Omit<Session, 'startedAt' | 'lastActivity' | 'locked'>, now: number): Session;
  end(clientId: string): void;
  endForUser(userId: string): void;
  /**
   * Locks the session if it has been idle longer than the limit; otherwise marks activity.
   * Returns the session as it now stands.
   */
  touch(clientId: string, now: number, idleLimitMs: number): Session | null;
}

export function createSessionTable(): SessionTable {
  const sessions = new Map<string, Session>();
  return {
    get: (clientId) => sessions.get(clientId) ?? null,
    start(partial, now) {
      const session: Session = { ...partial, startedAt: now, lastActivity: now, locked: false };
      sessions.set(partial.clientId, session);
      return session;
    },
    end: (clientId) => void sessions.delete(clientId),
    endForUser(userId) {
      for (const [clientId, s] of sessions) if (s.userId === userId) sessions.delete(clientId);
    },
    touch(clientId, now, idleLimitMs) {
      const session = sessions.get(clientId);
      if (!session) return null;
      if (session.locked) return session;
      if (now - session.lastActivity > idleLimitMs) session.locked = true;
      else session.lastActivity = now;
      return session;
    },
  };
}

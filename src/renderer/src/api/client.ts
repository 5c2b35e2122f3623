// The renderer's way to call main: unwraps results, raises ApiError, and announces a locked screen.
import type { ErrorData, Result } from '../../../shared/contract';

export class ApiError extends Error {
  readonly code: ErrorData['code'];
  readonly field: string | undefined;
  constructor(error: ErrorData) {
    super(error.message);
    this.code = error.code;
    this.field = error.field;
  }
}

type Listener = () => void;
/** `reason`: what to tell the user on the login screen (the session's 12 hours are up), if anything. */
type LogoutListener = (reason?: string) => void;
const lockListeners = new Set<Listener>();
const logoutListeners = new Set<LogoutListener>();

/** Called when main says the screen is locked (idle too long) or the session is gone (logged out or expired). */
export function onSessionInterrupted(handlers: { locked: Listener; loggedOut: LogoutListener }): () => void {
  lockListeners.add(handlers.locked);
  logoutListeners.add(handlers.loggedOut);
  return () => {
    lockListeners.delete(handlers.locked);
    logoutListeners.delete(handlers.loggedOut);
  };
}

export async function request<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  if (result.error.code === 'screen_locked') lockListeners.forEach((l) => l());
  if (result.error.code === 'unauthenticated') logoutListeners.forEach((l) => l());
  if (result.error.code === 'session_expired') logoutListeners.forEach((l) => l(result.error.message));
  throw new ApiError(result.error);
}

export const api = (): Window['api'] => window.api;

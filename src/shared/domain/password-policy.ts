// The password policy, shared so the setup and user screens can explain it before main enforces it.
export const MIN_PASSWORD_LENGTH = 10;

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) return 'must not be the same as the username';
  if (new Set(password).size === 1) return 'must not be one character repeated';
  return null;
}

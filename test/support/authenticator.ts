// The tester's authenticator app. Admins and accountants must have two-step sign-in, so the harness sets it up for them
// the honest way, through the channels, the first time each logs in (or is named as an approver), keeps the key, and
// hands out codes computed from it: never one used before (the desk accepts a code once), the step's own code, else
// the next step's; past that the user waits for the next code (the test clock moves on 30 seconds).
import { base32Decode, base32Encode, hotp, STEP_SECONDS, stepAt } from '../../src/main/services/totp-codes';

interface Enrolled {
  secret: Buffer;
  lastStep: number;
  recoveryCodes: string[];
  /** How to take back the last code handed out, if the desk never got to check it. */
  undo: (() => void) | null;
}

export interface Authenticator {
  /** Remembers the key the set-up screen showed a user (a new one replaces the old, as after a reset); `usedStep`: the step of the code that confirmed it, if already sent. */
  add(username: string, key: string, usedStep?: number): void;
  /** The recovery codes shown once when the set-up was confirmed. */
  keepRecoveryCodes(username: string, codes: string[]): void;
  has(username: string): boolean;
  /** The user's key in base32, as typed into an app. */
  key(username: string): string;
  /** A code the desk has not seen from this user yet. */
  code(username: string): string;
  /** The last code was not checked (the password was wrong, say): the next one may be the same. */
  unused(username: string): void;
}

/** How far the harness lets a user wait for a fresh code; a clock set back further gets a recovery code instead. */
const MAX_WAIT_STEPS = 2;

export function createAuthenticator(clock: { current: Date }): Authenticator {
  const users = new Map<string, Enrolled>();
  const entry = (username: string) => {
    const found = users.get(username.toLowerCase());
    if (!found) throw new Error(`the test authenticator has no key for ${username}`);
    return found;
  };
  return {
    add: (username, key, usedStep = 0) =>
      void users.set(username.toLowerCase(), { secret: base32Decode(key), lastStep: usedStep, recoveryCodes: [], undo: null }),
    keepRecoveryCodes: (username, codes) => void (entry(username).recoveryCodes = [...codes]),
    has: (username) => users.has(username.toLowerCase()),
    key: (username) => base32Encode(entry(username).secret),
    code(username) {
      const user = entry(username);
      const now = stepAt(clock.current.getTime() / 1000);
      const step = Math.max(now, user.lastStep + 1);
      const wait = step - (now + 1);
      if (wait > MAX_WAIT_STEPS) {
        const recovery = user.recoveryCodes.shift();
        if (!recovery) throw new Error(`${username}: the test clock went back past codes already used, and no recovery code is left`);
        user.undo = () => user.recoveryCodes.unshift(recovery);
        return recovery;
      }
      if (wait > 0) clock.current = new Date(clock.current.getTime() + wait * STEP_SECONDS * 1000);
      const before = user.lastStep;
      user.undo = () => void (user.lastStep = before);
      user.lastStep = step;
      return hotp(user.secret, step);
    },
    unused(username) {
      const user = entry(username);
      user.undo?.();
      user.undo = null;
    },
  };
}

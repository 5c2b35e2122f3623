// Login, idle lock and unlock, the 12-hour session limit, logout and one's own password, with a persisted lockout.
import type { SessionInfo } from '../../shared/contract/auth';
import { TWO_STEP_ROLES } from '../../shared/contract/channel';
import { AppError } from '../../shared/contract/errors';
import type { Tx, UserTable } from '../db/schema';
import { recordAudit, recordAuditAlone } from './audit';
import { clockBehind, deskTime, observeClock } from './clock-check';
import { oneCheckAtATime } from './one-check-at-a-time';
import { checkSecondFactor, type SecondFactor } from './totp';
import type { ServiceDeps } from './context';
import { assertPasswordPolicy, hashPassword, verifyNothing, verifyPassword } from './passwords';
import { DEFAULT_POLICIES, readPolicies } from './settings';
import { isStoreDamage } from '../db/damage';
import { SESSION_LIMIT_MS, type Session } from './sessions';
import { findUser } from './users';

export const MAX_FAILED_ATTEMPTS = 5;

/** The zone the desk's business days are counted in (dateIn without a zone: the machine's own). */
export const deskTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
export const LOCKOUT_MINUTES = 15;

export async function sessionInfo(deps: ServiceDeps, session: Session): Promise<SessionInfo> {
  const db = deps.store();
  const [school, desk, policies] = await Promise.all([
    db.selectFrom('school').select(['name', 'currency', 'locale']).executeTakeFirstOrThrow(),
    db.selectFrom('desk').select('code').executeTakeFirstOrThrow(),
    readPolicies(db),
  ]);
  return {
    user: { id: session.userId, username: session.username, fullName: session.fullName, role: session.role },
    school: { ...school, timeZone: deskTimeZone() },
    deskCode: desk.code,
    idleLockMinutes: policies.idleLockMinutes,
    locked: session.locked,
    twoStepSetupRequired: session.twoStepPending,
    clockBehind: await clockBehind(deps, school.locale, deskTimeZone()),
  };
}

/**
 * The caller's session as the router sees it. Twelve hours after login it ends, however busy it has been: the call is
 * refused with `session_expired` (audited) and the window goes back to the login screen. Otherwise the idle check.
 * Both are measured on the monotonic clock, so setting the computer's clock back neither extends nor saves a session.
 */
export async function currentSession(deps: ServiceDeps, clientId: string, passive = false): Promise<Session | null> {
  const session = deps.sessions.get(clientId);
  if (!session) return null;
  observeClock(deps);
  if (deps.sessions.expired(session)) {
    deps.sessions.end(clientId);
    await recordAuditAlone(deps, {
      actorId: session.userId,
      action: 'auth.sessionExpired',
      entity: 'user',
      entityId: session.userId,
      after: { loggedInAt: new Date(session.startedAt).toISOString() },
    });
    throw new AppError('session_expired', `your session has ended: a login lasts ${SESSION_LIMIT_MS / 3_600_000} hours. Log in again`);
  }
  const { idleLockMinutes } = await readPolicies(deps.store()).catch((err: unknown) => {
    // A damaged store still lets the admin who is signed in reach Backups → Restore: the default idle lock applies.
    if (isStoreDamage(err)) return DEFAULT_POLICIES;
    throw err;
  });
  return deps.sessions.touch(clientId, idleLockMinutes * 60_000, passive);
}

const schoolLocale = async (deps: ServiceDeps): Promise<string> =>
  (await deps.store().selectFrom('school').select('locale').executeTakeFirst())?.locale ?? 'en-IN';

/** A lockout's refusal, with its end in the desk's own time (never UTC to a person). */
async function lockedError(deps: ServiceDeps, until: string): Promise<AppError> {
  const time = new Intl.DateTimeFormat(await schoolLocale(deps), { timeStyle: 'short', timeZone: deskTimeZone() }).format(new Date(until));
  return new AppError('account_locked', `too many failed attempts: this account is locked until ${time}`);
}

/** The end of the user's lockout if one stands now, else null. */
function standingLock(deps: ServiceDeps, user: UserTable): string | null {
  return user.locked_until && user.locked_until > deps.clock.now().toISOString() ? user.locked_until : null;
}

/**
 * Counts a failed password or code, in the caller's transaction; the fifth in a row locks the account for 15 minutes.
 * A lock that stands is never lifted here (a failure counted beside it used to write `locked_until = null`).
 * Returns the end of the lockout when the account is (now) locked.
 */
async function countFailure(tx: Tx, deps: ServiceDeps, userId: string, action: string): Promise<string | null> {
  const user = await findUser(tx, userId);
  const standing = standingLock(deps, user);
  if (standing) return standing;
  const attempts = user.failed_attempts + 1;
  const lock = attempts >= MAX_FAILED_ATTEMPTS;
  const lockedUntil = lock ? new Date(deps.clock.now().getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
  await tx
    .updateTable('app_user')
    .set({ failed_attempts: lock ? 0 : attempts, locked_until: lockedUntil })
    .where('id', '=', user.id)
    .execute();
  await recordAudit(tx, deps, {
    actorId: user.id,
    action: lock ? 'auth.lockedOut' : action,
    entity: 'user',
    entityId: user.id,
    after: { failedAttempts: attempts, lockedUntil },
  });
  return lockedUntil;
}

/**
 * Checks a user's password, enforcing and updating the lockout. Throws on any refusal. One check per user at a time
 * (./one-check-at-a-time.ts): each reads the lockout as the one before it left it, and the slow KDF runs outside any
 * transaction, so other users' work is not held up.
 */
export async function checkPassword(deps: ServiceDeps, user: UserTable, password: string, failureAction: string): Promise<void> {
  const db = deps.store();
  const lockedUntil = await oneCheckAtATime(db, user.id, async () => {
    const current = await findUser(db, user.id);
    const standing = standingLock(deps, current);
    if (standing) return standing;
    if (await verifyPassword(password, current.password_hash)) return null;
    const locked = await db.transaction().execute((tx) => countFailure(tx, deps, user.id, failureAction));
    if (locked) return locked;
    throw new AppError('invalid_credentials', 'wrong username or password', 'password');
  });
  if (lockedUntil) throw await lockedError(deps, lockedUntil);
}

/** Failures counted so far are forgotten once the user has got in (password, and code where it is on). */
async function clearFailures(tx: Tx, userId: string): Promise<void> {
  await tx
    .updateTable('app_user')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('failed_attempts', '!=', 0), eb('locked_until', 'is not', null)]))
    .execute();
}

type SecondStep = SecondFactor | { ok: false; reason: 'locked'; until: string };

/** The second step's refusal, after any failure was counted. */
async function secondStepError(deps: ServiceDeps, verdict: Exclude<SecondStep, { ok: true }>, field: string): Promise<AppError> {
  switch (verdict.reason) {
    case 'locked':
      return lockedError(deps, verdict.until);
    case 'missing':
      return new AppError('invalid_credentials', 'needs the 6-digit code from the authenticator app (or a recovery code)', field);
    case 'clock_behind': {
      const [locale, zone] = [await schoolLocale(deps), deskTimeZone()];
      return new AppError(
        'invalid_credentials',
        `this computer's clock is behind: it says ${deskTime(deps.clock.now(), locale, zone)}, but a code from your app was already accepted at ${deskTime(new Date(verdict.acceptedAt), locale, zone)}. Set the clock right, or use a recovery code`,
        field,
      );
    }
    case 'replayed':
      return new AppError('invalid_credentials', 'this code was used already: wait for the next one', field);
    case 'wrong':
      return new AppError('invalid_credentials', 'the code is wrong or has expired', field);
  }
}

/**
 * The second step for a user with two-step sign-in on (services/totp.ts): then `onPass` runs in the same transaction
 * (for a user without it, straight away). The lockout is checked, the code checked and a failure counted in one write
 * transaction, one check per user at a time: a wrong code counts toward the lockout like a wrong password, even after
 * the right password; a replayed one too, and is audited as such. A code refused only because the computer's clock
 * was set back is not counted: no code could pass until the clock is right. Returns whether two-step sign-in is on.
 */
export async function passSecondFactor(
  deps: ServiceDeps,
  user: UserTable,
  code: string | undefined,
  onPass: (tx: Tx) => Promise<unknown>,
  field = 'code',
): Promise<boolean> {
  const db = deps.store();
  const verdict = await oneCheckAtATime(db, user.id, () =>
    db.transaction().execute(async (tx): Promise<SecondStep | null> => {
      const current = await findUser(tx, user.id);
      const standing = standingLock(deps, current);
      if (standing) return { ok: false, reason: 'locked', until: standing };
      const v = await checkSecondFactor(deps, tx, current, code);
      if (v && !v.ok) {
        if (v.reason === 'clock_behind')
          await recordAudit(tx, deps, { actorId: user.id, action: 'auth.totpClockBehind', entity: 'user', entityId: user.id });
        if (v.reason !== 'wrong' && v.reason !== 'replayed') return v;
        const locked = await countFailure(tx, deps, user.id, v.reason === 'replayed' ? 'auth.totpReplayed' : 'auth.totpFailed');
        return locked ? { ok: false, reason: 'locked', until: locked } : v;
      }
      await onPass(tx);
      return v;
    }),
  );
  if (verdict && !verdict.ok) throw await secondStepError(deps, verdict, field);
  return verdict !== null;
}

export async function login(deps: ServiceDeps, clientId: string, username: string, password: string, code?: string): Promise<SessionInfo> {
  const user = await deps.store().selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user) {
    await verifyNothing(password, deps.passwordCost);
    throw new AppError('invalid_credentials', 'wrong username or password', 'password');
  }
  // Password and code in one turn: a burst with the right password checks five codes at most, then meets the lock.
  const twoStepOn = await oneCheckAtATime(deps.store(), user.id, async () => {
    await checkPassword(deps, user, password, 'auth.loginFailed');
    if (user.active !== 1) throw new AppError('forbidden', 'this account has been deactivated: ask an admin');
    return passSecondFactor(deps, user, code, (tx) =>
      clearFailures(tx, user.id).then(() =>
        recordAudit(tx, deps, { actorId: user.id, action: 'auth.login', entity: 'user', entityId: user.id }),
      ),
    );
  });
  // An admin or accountant without two-step sign-in gets in with the password, but only to set it up.
  const session = deps.sessions.start(
    {
      clientId,
      userId: user.id,
      username: user.username,
      fullName: user.full_name,
      role: user.role,
      twoStepPending: !twoStepOn && TWO_STEP_ROLES.includes(user.role),
    },
    deps.clock.now().getTime(),
  );
  return sessionInfo(deps, session);
}

/**
 * Before an action that needs it, the logged-in user proves it is still them: their password again, and their code
 * when two-step sign-in is on (it is, for the admins and accountants such actions are for). Counts toward the lockout.
 */
export async function reauthenticate(
  deps: ServiceDeps,
  session: Session,
  reauth: { password: string; code?: string | undefined },
): Promise<void> {
  const user = await findUser(deps.store(), session.userId);
  const twoStepOn = await oneCheckAtATime(deps.store(), user.id, async () => {
    try {
      await checkPassword(deps, user, reauth.password, 'auth.reauthFailed');
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_credentials')
        throw new AppError('invalid_credentials', 'your password is wrong', 'reauth.password');
      throw err;
    }
    return passSecondFactor(deps, user, reauth.code, (tx) => clearFailures(tx, user.id), 'reauth.code');
  });
  if (!twoStepOn && TWO_STEP_ROLES.includes(user.role))
    throw new AppError(
      'two_step_required',
      'set up two-step sign-in first: admins and accountants confirm this with a code from an authenticator app',
    );
}

export async function logout(deps: ServiceDeps, session: Session): Promise<null> {
  await recordAuditAlone(deps, { actorId: session.userId, action: 'auth.logout', entity: 'user', entityId: session.userId });
  deps.sessions.end(session.clientId);
  return null;
}

export async function lock(deps: ServiceDeps, session: Session): Promise<SessionInfo> {
  session.locked = true;
  return sessionInfo(deps, session);
}

/** Unlocking counts toward the lockout like a login; a lockout ends the session. */
export async function unlock(deps: ServiceDeps, session: Session, password: string): Promise<SessionInfo> {
  const user = await findUser(deps.store(), session.userId);
  try {
    await oneCheckAtATime(deps.store(), user.id, async () => {
      await checkPassword(deps, user, password, 'auth.unlockFailed');
      await afterPassword(deps, user.id, async (tx) => {
        await clearFailures(tx, user.id);
        await recordAudit(tx, deps, { actorId: user.id, action: 'auth.unlock', entity: 'user', entityId: user.id });
      });
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'account_locked') deps.sessions.end(session.clientId);
    throw err;
  }
  session.locked = false;
  deps.sessions.active(session);
  return sessionInfo(deps, session);
}

/**
 * What a right password leads to where no code is asked (unlocking the screen, a new password), written only if no
 * lockout stands by then: failures counted while the password was being checked win.
 */
async function afterPassword(deps: ServiceDeps, userId: string, write: (tx: Tx) => Promise<void>): Promise<void> {
  const db = deps.store();
  const lockedUntil = await oneCheckAtATime(db, userId, () =>
    db.transaction().execute(async (tx) => {
      const standing = standingLock(deps, await findUser(tx, userId));
      if (!standing) await write(tx);
      return standing;
    }),
  );
  if (lockedUntil) throw await lockedError(deps, lockedUntil);
}

export async function changeOwnPassword(deps: ServiceDeps, session: Session, current: string, next: string): Promise<null> {
  const user = await findUser(deps.store(), session.userId);
  try {
    await checkPassword(deps, user, current, 'auth.changePasswordFailed');
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_credentials') {
      throw new AppError('invalid_credentials', 'current password is wrong', 'currentPassword');
    }
    throw err;
  }
  assertPasswordPolicy(next, user.username, 'newPassword');
  if (await verifyPassword(next, user.password_hash)) {
    throw new AppError('weak_password', 'newPassword must differ from the current password', 'newPassword');
  }
  const hash = await hashPassword(next, deps.passwordCost);
  await afterPassword(deps, user.id, async (tx) => {
    await tx
      .updateTable('app_user')
      .set({ password_hash: hash, failed_attempts: 0, locked_until: null, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', user.id)
      .execute();
    await recordAudit(tx, deps, { actorId: user.id, action: 'auth.changePassword', entity: 'user', entityId: user.id });
  });
  return null;
}

// Two-step sign-in with an authenticator app (TOTP, RFC 6238): set up with a QR code or the key typed in, confirmed by a
// first code; ten one-time recovery codes (kept as hashes); a code is accepted once only (a replay is refused and
// audited); another admin can reset it. Once set up, logging in needs the code after the password. Admins and
// accountants must have it (TWO_STEP_ROLES): without it their session can only set it up, and they cannot approve.
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { AppError } from '../../shared/contract/errors';
import type { Store, Tx, UserTable } from '../db/schema';
import { base32Decode, base32Encode, matchStep, newRecoveryCodes, newSecret, otpauthUri, STEP_SECONDS, stepAt } from './totp-codes';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';

const hashCode = (code: string) => createHash('sha256').update(code.trim().toLowerCase()).digest('hex');
const RECOVERY = /^[a-z2-7]{4}-[a-z2-7]{4}$/i;

export async function totpStatus(deps: ServiceDeps, userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  const row = await deps.store().selectFrom('user_totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
  const left = await deps
    .store()
    .selectFrom('recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { enabled: Boolean(row?.confirmed_at), recoveryCodesLeft: Number(left.n) };
}

/** A new secret for the user (replacing one not yet confirmed): the key to type in, and the same as a QR code. */
export async function beginTotp(deps: ServiceDeps, userId: string): Promise<{ key: string; uri: string; qrSvg: string }> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const user = await tx.selectFrom('app_user').select(['username']).where('id', '=', userId).executeTakeFirstOrThrow();
      const existing = await tx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
      if (existing?.confirmed_at) throw new AppError('conflict', 'two-step sign-in is already set up for you: another admin can reset it');
      const school = await tx.selectFrom('school').select('name').executeTakeFirst();
      const secret = newSecret();
      const now = deps.clock.now().toISOString();
      await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await tx
        .insertInto('user_totp')
        .values({ user_id: userId, secret: base32Encode(secret), confirmed_at: null, last_step: 0, created_at: now })
        .execute();
      const uri = otpauthUri(`FeeDesk ${school?.name ?? ''}`.trim(), user.username, secret);
      return {
        key: base32Encode(secret)
          .replace(/(.{4})/g, '$1 ')
          .trim(),
        uri,
        qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      };
    });
}

/** The first code from the app turns it on; the answer carries the ten recovery codes, shown this once. */
export async function confirmTotp(deps: ServiceDeps, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
  const answer = await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const row = await tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!row) throw new AppError('conflict', 'start the set-up first', 'code');
      if (row.confirmed_at) throw new AppError('conflict', 'two-step sign-in is already on', 'code');
      const step = matchStep(base32Decode(row.secret), code.trim(), deps.clock.now().getTime() / 1000);
      if (step === null)
        throw new AppError(
          'invalid_input',
          'is not the code your app shows now: check the phone’s clock, and type the 6 digits again',
          'code',
        );
      const codes = newRecoveryCodes();
      await tx
        .updateTable('user_totp')
        .set({ confirmed_at: deps.clock.now().toISOString(), last_step: step })
        .where('user_id', '=', userId)
        .execute();
      await tx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
      await tx
        .insertInto('recovery_code')
        .values(codes.map((c) => ({ user_id: userId, code_hash: hashCode(c), used_at: null })))
        .execute();
      await recordAudit(tx, deps, { actorId: userId, action: 'auth.totpEnabled', entity: 'user', entityId: userId });
      return { recoveryCodes: codes };
    });
  // Set up: the user's sessions waiting for it may now do what their role allows.
  for (const session of deps.sessions.ofUser(userId)) session.twoStepPending = false;
  return answer;
}

/** Another admin turns a user's two-step sign-in off (lost phone); they set it up again after logging in. */
export async function resetTotp(
  deps: ServiceDeps,
  actorId: string,
  userId: string,
): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  if (actorId === userId) throw new AppError('forbidden', 'another admin must reset your two-step sign-in', 'userId');
  await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const user = await tx.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw new AppError('not_found', 'no user has this id', 'userId');
      const had = await tx.selectFrom('user_totp').select('user_id').where('user_id', '=', userId).executeTakeFirst();
      if (!had) throw new AppError('conflict', 'this user has no two-step sign-in to reset', 'userId');
      await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await tx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
      await recordAudit(tx, deps, { actorId, action: 'users.resetTotp', entity: 'user', entityId: userId });
    });
  deps.sessions.endForUser(userId);
  return totpStatus(deps, userId);
}

/** Whether the user has two-step sign-in on (set up and confirmed). */
export async function hasTwoStep(db: Store | Tx, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_totp')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

export type SecondFactor =
  { ok: true } | { ok: false; reason: 'missing' | 'wrong' | 'replayed' } | { ok: false; reason: 'clock_behind'; acceptedAt: number };

/**
 * After the password: a user with two-step sign-in on must give the code their app shows now (once only), or one of
 * their recovery codes (each once). Writes what it accepts; the caller audits and counts a failure.
 *
 * While the computer's clock reads more than a step before the code last accepted from this user, no code from the app
 * can pass (each would be "used already"): the clock was set back, and the answer says so rather than blame the code.
 * Recovery codes do not depend on the clock and still work.
 */
export async function checkSecondFactor(
  deps: ServiceDeps,
  tx: Tx,
  user: UserTable,
  code: string | undefined,
): Promise<SecondFactor | null> {
  const row = await tx
    .selectFrom('user_totp')
    .selectAll()
    .where('user_id', '=', user.id)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!code) return { ok: false, reason: 'missing' };
  if (RECOVERY.test(code.trim())) {
    const used = await tx
      .updateTable('recovery_code')
      .set({ used_at: deps.clock.now().toISOString() })
      .where('user_id', '=', user.id)
      .where('code_hash', '=', hashCode(code))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return { ok: false, reason: 'wrong' };
    await recordAudit(tx, deps, { actorId: user.id, action: 'auth.recoveryCodeUsed', entity: 'user', entityId: user.id });
    return { ok: true };
  }
  const seconds = deps.clock.now().getTime() / 1000;
  if (stepAt(seconds) < row.last_step - 1) return { ok: false, reason: 'clock_behind', acceptedAt: row.last_step * STEP_SECONDS * 1000 };
  const step = matchStep(base32Decode(row.secret), code.trim(), seconds);
  if (step === null) return { ok: false, reason: 'wrong' };
  if (step <= row.last_step) return { ok: false, reason: 'replayed' };
  await tx.updateTable('user_totp').set({ last_step: step }).where('user_id', '=', user.id).execute();
  return { ok: true };
}

// Login, logout, idle lock and one's own password.
import { z } from 'zod';
import { channel } from './channel';
import { id, newPassword, noInput, password, role, totpCode, username } from './common';

export const sessionUser = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role,
});

/**
 * The computer's clock reads earlier than a time FeeDesk already recorded (it was set back): `now` is what it says,
 * `recorded` the newest time FeeDesk has, `message` what to tell the desk, in its own time.
 */
export const clockBehind = z.object({ now: z.string(), recorded: z.string(), message: z.string() });
export type ClockBehind = z.infer<typeof clockBehind>;

export const sessionInfo = z.object({
  user: sessionUser,
  /** timeZone: the zone the desk counts its days in (its machine's), in which every time is shown. */
  school: z.object({ name: z.string(), currency: z.string(), locale: z.string(), timeZone: z.string() }),
  deskCode: z.string(),
  idleLockMinutes: z.number().int(),
  locked: z.boolean(),
  /** An admin or accountant without two-step sign-in: the session can only set it up (or log out) until it is on. */
  twoStepSetupRequired: z.boolean(),
  /** Null while the clock is right. */
  clockBehind: clockBehind.nullable(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

/**
 * The logged-in user's own password again (and their code, with two-step sign-in on), asked before an action that
 * needs it even though they are logged in: reopening a closed day.
 */
export const reauth = z.strictObject({ password, code: totpCode.optional() });
export type Reauth = z.infer<typeof reauth>;

const totpStatus = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() });

export const authChannels = {
  'auth.login': channel({
    input: z.strictObject({ username, password, code: totpCode.optional() }),
    output: sessionInfo,
    access: 'public',
  }),
  'auth.logout': channel({ input: noInput, output: z.null(), access: 'session', whileLocked: true, beforeTwoStep: true }),
  /** Passive: the window re-reads it now and then (is the clock behind?), which is not someone at the desk. */
  'auth.session': channel({
    input: noInput,
    output: sessionInfo.nullable(),
    access: 'public',
    whileLocked: true,
    beforeTwoStep: true,
    passive: true,
  }),
  'auth.lock': channel({ input: noInput, output: sessionInfo, access: 'session', whileLocked: true, beforeTwoStep: true }),
  'auth.unlock': channel({
    input: z.strictObject({ password }),
    output: sessionInfo,
    access: 'session',
    whileLocked: true,
    beforeTwoStep: true,
  }),
  /** Two-step sign-in (TOTP) for the logged-in user: whether it is on, set it up, confirm it with a first code. */
  'auth.totpStatus': channel({ input: noInput, output: totpStatus, access: 'session', beforeTwoStep: true }),
  'auth.totpBegin': channel({
    input: noInput,
    output: z.object({ key: z.string(), uri: z.string(), qrSvg: z.string() }),
    access: 'session',
    beforeTwoStep: true,
  }),
  'auth.totpConfirm': channel({
    input: z.strictObject({ code: totpCode }),
    output: z.object({ recoveryCodes: z.array(z.string()) }),
    access: 'session',
    beforeTwoStep: true,
  }),
  /** Another admin turns a user's two-step sign-in off (a lost phone). */
  'users.resetTotp': channel({ input: z.strictObject({ userId: id }), output: totpStatus, access: ['admin'] }),
  'auth.changePassword': channel({
    input: z.strictObject({ currentPassword: password, newPassword }),
    output: z.null(),
    access: 'session',
    beforeTwoStep: true,
  }),
};

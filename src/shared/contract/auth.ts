// Login, logout, idle lock and one's own password.
import { z } from 'zod';
import { channel } from './channel';
import { newPassword, noInput, password, role, username } from './common';

export const sessionUser = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role,
});

export const sessionInfo = z.object({
  user: sessionUser,
  school: z.object({ name: z.string(), currency: z.string(), locale: z.string() }),
  deskCode: z.string(),
  idleLockMinutes: z.number().int(),
  locked: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const authChannels = {
  'auth.login': channel({
    input: z.strictObject({ username, password }),
    output: sessionInfo,
    access: 'public',
  }),
  'auth.logout': channel({ input: noInput, output: z.null(), access: 'session', whileLocked: true }),
  'auth.session': channel({ input: noInput, output: sessionInfo.nullable(), access: 'public', whileLocked: true }),
  'auth.lock': channel({ input: noInput, output: sessionInfo, access: 'session', whileLocked: true }),
  'auth.unlock': channel({
    input: z.strictObject({ password }),
    output: sessionInfo,
    access: 'session',
    whileLocked: true,
  }),
  'auth.changePassword': channel({
    input: z.strictObject({ currentPassword: password, newPassword }),
    output: z.null(),
    access: 'session',
  }),
};

// User administration: add, reset passwords, deactivate (users are never deleted).
import { z } from 'zod';
import { channel } from './channel';
import { fullName, id, newPassword, noInput, role, username } from './common';

export const user = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role,
  active: z.boolean(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof user>;

export const usersChannels = {
  'users.list': channel({ input: noInput, output: z.array(user), access: ['admin'] }),
  'users.create': channel({
    input: z.strictObject({ username, fullName, role, password: newPassword }),
    output: user,
    access: ['admin'],
  }),
  'users.resetPassword': channel({
    input: z.strictObject({ userId: id, newPassword }),
    output: user,
    access: ['admin'],
  }),
  'users.deactivate': channel({ input: z.strictObject({ userId: id }), output: user, access: ['admin'] }),
  'users.reactivate': channel({ input: z.strictObject({ userId: id }), output: user, access: ['admin'] }),
};

// What a channel declaration is: input and output schemas and who may call it.
import type { z } from 'zod';

export const ROLES = ['admin', 'accountant', 'cashier'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call a channel.
 * - `public`: anyone, before login (setup, login, store unlock).
 * - `session`: any logged-in user.
 * - a list of roles: logged-in users with one of them.
 */
export type Access = 'public' | 'session' | readonly Role[];

export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
  /** Callable while the screen is idle-locked (unlock, logout, session status). */
  whileLocked?: boolean;
}

export function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def;
}

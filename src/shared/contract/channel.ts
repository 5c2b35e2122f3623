// What a channel declaration is: input and output schemas and who may call it.
import { z } from 'zod';

export const ROLES = ['admin', 'accountant', 'cashier'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that must sign in with two steps (TOTP); for a cashier it is optional. */
export const TWO_STEP_ROLES: readonly Role[] = ['admin', 'accountant'];

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
  /**
   * A screen's background poll (the sync light, a job's progress): it meets the idle lock like any call, but is not
   * activity — a desk left alone with its sync light polling still locks.
   */
  passive?: boolean;
  /**
   * Callable by an admin or accountant who has not set up two-step sign-in yet: only what it takes to set it up
   * (or to leave). Every other channel answers `two_step_required` to them.
   */
  beforeTwoStep?: boolean;
}

export function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def;
}

/**
 * A channel's input checked against its schema. Zod throws, rather than failing, on a few values no window can send
 * through IPC's structured clone (an object without a prototype where it reads a string's length): those fail like
 * any other malformed input.
 */
export function parseInput<I extends z.ZodType>(schema: I, value: unknown): z.ZodSafeParseResult<z.output<I>> {
  try {
    return schema.safeParse(value);
  } catch {
    return {
      success: false,
      error: new z.ZodError([{ code: 'custom', message: 'is not plain data', path: [], input: value }]) as z.ZodError<z.output<I>>,
    };
  }
}

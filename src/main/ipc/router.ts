// One entry point for every channel: validate input, check the store, session (lock, limit, two-step) and role, run,
// answer as data.
import type { z } from 'zod';
import {
  AppError,
  contract,
  isChannelName,
  parseInput,
  type ChannelName,
  type ErrorData,
  type OutputOf,
  type ParsedInputOf,
  type Result,
} from '../../shared/contract';
import { storeFault } from '../db/damage';
import type { Session } from '../services/sessions';

/** Who is calling: the window (client) and its session, if logged in. */
export interface Call {
  clientId: string;
  session: Session | null;
}

/** For channels the contract marks as needing a session: the router has checked it before the handler runs. */
export function requireSession(call: Call): Session {
  if (!call.session) throw new Error('router let a session channel through without a session');
  return call.session;
}

export type Handler<C extends ChannelName> = (input: ParsedInputOf<C>, call: Call) => Promise<OutputOf<C>>;
export type Handlers = { [C in ChannelName]: Handler<C> };
/**
 * One contract area's handlers: `HandlersOf<typeof paymentsChannels>` is every channel src/shared/contract/payments.ts
 * declares, no more and no fewer; src/main/channels/payments.ts builds it and createApp spreads it into Handlers.
 */
export type HandlersOf<Area> = { [C in keyof Area & ChannelName]: Handler<C> };

export interface RouterDeps {
  handlers: Handlers;
  storeOpen(): boolean;
  /**
   * The window's session after the idle check (locks it when idle too long; a passive call, a poll, is not activity);
   * throws `session_expired` past the 12-hour limit. Both are measured on the monotonic clock (and on the wall clock
   * when it says more), so a clock set back never extends them.
   */
  session(clientId: string, passive: boolean): Promise<Session | null>;
  /** In tests: check every answer against the contract's output schema. */
  validateOutput: boolean;
  /** Where the store's files are: a full or read-only disk is named to the person by it. */
  storeFolder: string;
  onInternalError(channel: string, err: unknown): void;
}

export type Invoke = (channel: string, input: unknown, clientId: string) => Promise<Result<unknown>>;

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Turns zod's first issue into a message naming the field. */
export function describeIssue(error: z.ZodError, input: unknown): ErrorData {
  const issue = error.issues[0];
  if (!issue) return { code: 'invalid_input', message: 'input is invalid' };
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0]].join('.');
    return { code: 'invalid_input', message: `${path} is not a field this channel takes`, field: path };
  }
  const field = issue.path.join('.');
  if (!field) {
    const expectsNothing = issue.code === 'invalid_type' && issue.expected === 'undefined';
    return { code: 'invalid_input', message: expectsNothing ? 'this channel takes no input' : `input ${issue.message}` };
  }
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const message = missing ? 'is required' : issue.message;
  return { code: 'invalid_input', message: `${field} ${message}`, field };
}

function checkAccess(name: ChannelName, session: Session | null): void {
  const def = contract[name];
  if (def.access === 'public') return;
  if (!session) throw new AppError('unauthenticated', 'log in first');
  if (session.locked && !def.whileLocked) {
    throw new AppError('screen_locked', 'the screen is locked: enter your password to continue');
  }
  if (session.twoStepPending && !def.beforeTwoStep) {
    throw new AppError(
      'two_step_required',
      'set up two-step sign-in first: admins and accountants log in with a code from an authenticator app',
    );
  }
  if (def.access !== 'session' && !def.access.includes(session.role)) {
    throw new AppError('forbidden', `only ${def.access.join(' or ')} users may do this (you are ${session.role})`);
  }
}

export function createRouter(deps: RouterDeps): Invoke {
  return async (channel, rawInput, clientId) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'unknown_channel', message: `unknown channel '${String(channel)}'` } };
    }
    const def = contract[channel];
    const parsed = parseInput(def.input, rawInput);
    if (!parsed.success) return { ok: false, error: describeIssue(parsed.error, rawInput) };
    try {
      if (!channel.startsWith('store.') && !deps.storeOpen()) {
        throw new AppError('store_locked', 'the database is locked: enter the store passphrase first');
      }
      // Public channels work without a session (a login replaces whatever the window had, even an expired one),
      // except auth.session, which reports it.
      const session = def.access === 'public' && channel !== 'auth.session' ? null : await deps.session(clientId, def.passive === true);
      checkAccess(channel, session);
      const handler = deps.handlers[channel] as Handler<typeof channel>;
      const value = await handler(parsed.data as never, { clientId, session });
      if (deps.validateOutput) def.output.parse(value);
      return { ok: true, value };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toData() };
      deps.onInternalError(channel, err);
      const fault = storeFault(err, deps.storeFolder);
      if (fault) return { ok: false, error: fault.toData() };
      return { ok: false, error: { code: 'internal', message: `${channel} failed unexpectedly; the error was logged` } };
    }
  };
}

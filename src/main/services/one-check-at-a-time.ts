// At most one sign-in check (password, then code) in flight per user of a store. The check is slow on purpose (scrypt),
// and the lockout is only as good as the count it reads: checks run side by side each read the count before any of
// them wrote theirs, so 48 wrong passwords sent at once were all tried and the right one behind them got in.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../db/schema';

/** Per open store (a restored or rekeyed store is a new one), per user id: the tail of that user's queue of checks. */
const queues = new WeakMap<Store, Map<string, Promise<void>>>();
/** The turns the running code holds: a login holds one across its password and its code, which take it again. */
const held = new AsyncLocalStorage<readonly { store: Store; userId: string }[]>();

/**
 * Runs `check` once every earlier check for this user has settled (at once if this code already holds the user's
 * turn); checks of different users still run side by side.
 */
export function oneCheckAtATime<T>(store: Store, userId: string, check: () => Promise<T>): Promise<T> {
  const mine = held.getStore() ?? [];
  if (mine.some((turn) => turn.store === store && turn.userId === userId)) return check();
  let users = queues.get(store);
  if (!users) queues.set(store, (users = new Map()));
  const before = users.get(userId) ?? Promise.resolve();
  const result = before.then(() => held.run([...mine, { store, userId }], check));
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  users.set(userId, tail);
  // A user with nothing in flight leaves nothing behind.
  void tail.then(() => {
    if (users.get(userId) === tail) users.delete(userId);
  });
  return result;
}

// Notices a computer clock set back: the wall clock reads earlier than a time FeeDesk has already recorded (the newest
// audit entry in the store, or a time it has seen since). Payments, receipts and day close would be dated wrong, and
// codes from the authenticator app cannot be checked, so the desk says so plainly instead of failing in odd ways.
import type { ClockBehind } from '../../shared/contract/auth';
import type { Store } from '../db/schema';
import type { ServiceDeps } from './context';

/** Less than this behind is the clock being trimmed (NTP), not set back. */
export const CLOCK_TOLERANCE_MS = 2 * 60_000;

/** How many of the newest audit rows the newest recorded time is read from. */
const RECENT_ROWS = 1_000;

/** Per open store: the newest wall time it has recorded or this process has seen since it was opened (ms). */
const newestSeen = new WeakMap<Store, number>();

/** Remembers the wall clock's reading now (every call with a session does), once the store's newest time is known. */
export function observeClock(deps: Pick<ServiceDeps, 'store' | 'clock'>): void {
  const db = deps.store();
  const newest = newestSeen.get(db);
  if (newest !== undefined) newestSeen.set(db, Math.max(newest, deps.clock.now().getTime()));
}

/** Whether the wall clock is behind what FeeDesk already recorded, with the words to tell the desk. */
export async function clockBehind(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  locale: string,
  timeZone: string,
): Promise<ClockBehind | null> {
  const db = deps.store();
  let newest = newestSeen.get(db);
  if (newest === undefined) {
    // The newest of the last rows written, by their sequence: a whole-table max(at) scanned millions of rows at the
    // first login of a big school's desk, and a clock set back shows among the last rows the desk wrote.
    const recent = db.selectFrom('audit_log').select('at').orderBy('seq', 'desc').limit(RECENT_ROWS).as('recent');
    const row = await db
      .selectFrom(recent)
      .select((eb) => eb.fn.max('recent.at').as('at'))
      .executeTakeFirst();
    newest = row?.at ? Date.parse(row.at) : 0;
  }
  const now = deps.clock.now();
  newestSeen.set(db, Math.max(newest, now.getTime()));
  if (now.getTime() >= newest - CLOCK_TOLERANCE_MS) return null;
  const recorded = new Date(newest);
  return {
    now: now.toISOString(),
    recorded: recorded.toISOString(),
    message: `This computer's clock is behind: it says ${deskTime(now, locale, timeZone)}, but FeeDesk already recorded ${deskTime(recorded, locale, timeZone)}. Set the clock right before collecting fees.`,
  };
}

/** "6 Dec 2026, 10:00 am": an instant as the desk's people read it, in the desk's zone. */
export const deskTime = (at: Date, locale: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);

// The lock a day close puts on its desk-day: no money taken or given back on it until an admin reopens it.
import { AppError } from '../../shared/contract/errors';
import type { Store, Tx } from '../db/schema';

export async function latestClose(db: Store | Tx, desk: string, date: string) {
  return db
    .selectFrom('day_close')
    .selectAll()
    .where('desk_code', '=', desk)
    .where('business_date', '=', date)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Refuses money in or out on a desk-day that has been closed (until an admin reopens it). */
export async function assertDayOpen(tx: Tx, desk: string, date: string): Promise<void> {
  const last = await latestClose(tx, desk, date);
  if (last?.kind === 'closed') {
    throw new AppError(
      'conflict',
      `${date} is closed on desk ${desk} (closed ${last.at.slice(0, 16).replace('T', ' ')} UTC): an admin must reopen the day first`,
    );
  }
}

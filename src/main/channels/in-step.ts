// What a desk that syncs does only in step with the sync server: a round first, and nothing of its own left to send.
// The year-end rollover (two desks rolling one year over offline would each make a new year of their own) and refund
// vouchers (two desks paying back the same money offline, or one paying back what another cancelled, would each keep
// their own books: the server refuses the second, but the money has left that desk's drawer).
import { AppError } from '../../shared/contract/errors';
import type { ServiceDeps } from '../services/context';
import type { SyncLoop } from '../sync/loop';

/** `what`: the action in the messages ("the rollover", "a refund"); `then`: what to do once synced ("roll over"). */
export async function inStepWithServer(deps: ServiceDeps, sync: SyncLoop, what: string, then: string): Promise<void> {
  const state = await deps.store().selectFrom('sync_state').select(['enabled', 'desk_id']).where('id', '=', 1).executeTakeFirst();
  if (!state?.enabled || !state.desk_id) return;
  try {
    await sync.runNow();
  } catch (err) {
    throw new AppError(
      'conflict',
      `${what} is done in step with the sync server, which could not be reached (${err instanceof Error ? err.message : String(err)}): connect this desk and try again`,
    );
  }
  const waiting = await deps
    .store()
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('acked_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(waiting.n) > 0)
    throw new AppError('conflict', `${waiting.n} of this desk's changes have not reached the sync server yet: sync, then ${then}`);
}

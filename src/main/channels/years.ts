// The year-end rollover's channels: the review, then the rollover with a second person's approval. Both run on a
// background worker (a 50,000-student school's plan and its million new dues), so the counter stays responsive.
import type { yearsChannels } from '../../shared/contract/years';
import type { OutputOf } from '../../shared/contract';
import { AppError } from '../../shared/contract/errors';
import type { BackgroundRunner } from '../background/runner';
import { type HandlersOf, requireSession } from '../ipc/router';
import { verifyApprover } from '../services/approvals';
import type { ServiceDeps } from '../services/context';
import type { SyncLoop } from '../sync/loop';

/**
 * A desk that syncs rolls over only in step with the server: a round first, and nothing of its own left to send.
 * Two desks rolling the same year over offline would each make their own new year; the server keeps the first and
 * refuses the second, but the second desk would have promoted its students into a year no other desk has.
 */
async function inStepWithServer(deps: ServiceDeps, sync: SyncLoop): Promise<void> {
  const state = await deps.store().selectFrom('sync_state').select(['enabled', 'desk_id']).where('id', '=', 1).executeTakeFirst();
  if (!state?.enabled || !state.desk_id) return;
  try {
    await sync.runNow();
  } catch (err) {
    throw new AppError(
      'conflict',
      `the rollover is done in step with the sync server, which could not be reached (${err instanceof Error ? err.message : String(err)}): connect this desk and try again`,
    );
  }
  const waiting = await deps
    .store()
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('acked_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(waiting.n) > 0)
    throw new AppError('conflict', `${waiting.n} of this desk's changes have not reached the sync server yet: sync, then roll over`);
}

export function yearsHandlers(deps: ServiceDeps, runner: () => BackgroundRunner, sync: SyncLoop): HandlersOf<typeof yearsChannels> {
  return {
    'years.rolloverPreview': (input, call) => {
      const userId = requireSession(call).userId;
      return runner().ask<OutputOf<'years.rolloverPreview'>>({
        kind: 'rollover.preview',
        input,
        actor: { requestedBy: userId, approvedBy: userId, now: deps.clock.now().toISOString() },
      });
    },
    'years.rollover': async ({ plan, approver }, call) => {
      const userId = requireSession(call).userId;
      const approvedBy = await verifyApprover(deps, approver, userId);
      await inStepWithServer(deps, sync);
      return runner().work<OutputOf<'years.rollover'>>(
        { kind: 'rollover.commit', input: plan, actor: { requestedBy: userId, approvedBy, now: deps.clock.now().toISOString() } },
        { kind: 'import.checkpoint' },
      );
    },
  };
}

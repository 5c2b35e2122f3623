// The year-end rollover's channels: the review, then the rollover with a second person's approval. Both run on a
// background worker (a 50,000-student school's plan and its million new dues), so the counter stays responsive.
import type { yearsChannels } from '../../shared/contract/years';
import type { OutputOf } from '../../shared/contract';
import type { BackgroundRunner } from '../background/runner';
import { type HandlersOf, requireSession } from '../ipc/router';
import { verifyApprover } from '../services/approvals';
import type { ServiceDeps } from '../services/context';
import type { SyncLoop } from '../sync/loop';
import { inStepWithServer } from './in-step';

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
      await inStepWithServer(deps, sync, 'the rollover', 'roll over');
      return runner().work<OutputOf<'years.rollover'>>(
        { kind: 'rollover.commit', input: plan, actor: { requestedBy: userId, approvedBy, now: deps.clock.now().toISOString() } },
        { kind: 'import.checkpoint' },
      );
    },
  };
}

// The charges area's channels: plans of optional fees, students put on them and taken off, and one-off charges.
import type { chargesChannels } from '../../shared/contract/charges';
import { type HandlersOf, requireSession } from '../ipc/router';
import { assignCharge, chargeOnce, chargesOf, createPlan, readPlans, stopCharge } from '../services/charges';
import type { ServiceDeps } from '../services/context';

export function chargesHandlers(deps: ServiceDeps): HandlersOf<typeof chargesChannels> {
  return {
    'charges.plans': ({ yearId }) => readPlans(deps.store(), yearId ? { yearId } : {}),
    'charges.createPlan': (input, call) => createPlan(deps, requireSession(call).userId, input),
    'charges.assign': (input, call) => assignCharge(deps, requireSession(call).userId, input),
    'charges.stop': (input, call) => stopCharge(deps, requireSession(call).userId, input),
    'charges.forStudent': ({ studentId }) => chargesOf(deps.store(), studentId),
    'charges.oneOff': (input, call) => chargeOnce(deps, requireSession(call).userId, input),
  };
}

// The setup area's channels: whether this desk is set up, and setting it up (the school, the first admin).
import type { setupChannels } from '../../shared/contract/setup';
import type { HandlersOf } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import { initialize, setupStatus } from '../services/setup';

export function setupHandlers(deps: ServiceDeps): HandlersOf<typeof setupChannels> {
  return {
    'setup.status': () => setupStatus(deps.store()),
    'setup.initialize': (input, call) => initialize(deps, call.clientId, input),
  };
}

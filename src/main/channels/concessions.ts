// The concessions area's channels: asked for by one person, approved or rejected by another.
import type { concessionsChannels } from '../../shared/contract/concessions';
import { type HandlersOf, requireSession } from '../ipc/router';
import { decidePendingConcession, listConcessions, requestConcession } from '../services/concessions';
import type { ServiceDeps } from '../services/context';

export function concessionsHandlers(deps: ServiceDeps): HandlersOf<typeof concessionsChannels> {
  return {
    'concessions.list': ({ status }) => listConcessions(deps.store(), status ? { status } : {}),
    'concessions.request': (input, call) => requestConcession(deps, requireSession(call).userId, input),
    'concessions.approve': (input, call) => decidePendingConcession(deps, requireSession(call).userId, 'approved', input),
    'concessions.reject': (input, call) => decidePendingConcession(deps, requireSession(call).userId, 'rejected', input),
  };
}

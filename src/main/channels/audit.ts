// The audit area's channels: the audit trail, and verifying its chain (on the background worker).
import type { auditChannels } from '../../shared/contract/audit';
import type { BackgroundRunner } from '../background/runner';
import type { HandlersOf } from '../ipc/router';
import { listAudit } from '../services/audit';
import type { ServiceDeps } from '../services/context';

export function auditHandlers(deps: ServiceDeps, runner: () => BackgroundRunner): HandlersOf<typeof auditChannels> {
  return {
    'audit.list': (input) => listAudit(deps.store(), input),
    'audit.verify': () => runner().ask({ kind: 'audit.verify' }),
  };
}

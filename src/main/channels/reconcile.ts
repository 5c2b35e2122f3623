// The reconciliation area's channels: a bank statement read and matched (a dry run), then its chosen lines confirmed.
import type { reconcileChannels } from '../../shared/contract/reconcile';
import { checkSource } from '../imports/file-problems';
import { statementHeaders } from '../imports/bank-statement';
import { type HandlersOf, requireSession } from '../ipc/router';
import { confirmStatement, dryRunStatement, Reconciliations } from '../reconcile/reconcile';
import type { ServiceDeps } from '../services/context';

export function reconcileHandlers(deps: ServiceDeps): HandlersOf<typeof reconcileChannels> {
  const kept = new Reconciliations();
  return {
    'reconcile.headers': async ({ path }) => {
      checkSource(path);
      return { headers: (await statementHeaders(path))?.headers ?? [] };
    },
    'reconcile.dryRun': (input, call) => {
      checkSource(input.path);
      return dryRunStatement(deps, kept, requireSession(call).userId, input);
    },
    'reconcile.confirm': (input, call) => confirmStatement(deps, kept, requireSession(call), input),
  };
}

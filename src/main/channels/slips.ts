// The slips area's channels: printing fee slips, and reading one back at the counter from its QR code.
import type { slipsChannels } from '../../shared/contract/slips';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { PrintDeps } from '../print/deliver';
import { printSlips } from '../print/slip-documents';
import type { ServiceDeps } from '../services/context';
import { studentBySlipToken } from '../services/students';

export function slipsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersOf<typeof slipsChannels> {
  return {
    'slips.print': (input, call) => printSlips(deps, print, requireSession(call).userId, input),
    'slips.resolve': ({ token }) => studentBySlipToken(deps.store(), token),
  };
}

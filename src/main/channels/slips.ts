// The slips area's channels: printing fee slips, and reading one back at the counter from its QR code.
import type { slipsChannels } from '../../shared/contract/slips';
import type { HandlersOf } from '../ipc/router';
import type { PrintDeps } from '../print/deliver';
import { printSlips } from '../print/slip-documents';
import type { ServiceDeps } from '../services/context';
import { studentBySlipToken } from '../services/students';

export function slipsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersOf<typeof slipsChannels> {
  return {
    'slips.print': (input) => printSlips(deps, print, input),
    'slips.resolve': ({ token }) => studentBySlipToken(deps.store(), token),
  };
}

// The diagnostics area's channels: a screen that failed tells the log what happened.
import type { diagnosticsChannels } from '../../shared/contract/diagnostics';
import type { Logger } from '../logger';
import { type HandlersOf, requireSession } from '../ipc/router';

export function diagnosticsHandlers(logger: Logger): HandlersOf<typeof diagnosticsChannels> {
  return {
    'diagnostics.screenFailed': async ({ screen, message, stack }, call) => {
      logger.error(`screen ${screen} failed for ${requireSession(call).userId}: ${message}`, stack ?? undefined);
      return null;
    },
  };
}

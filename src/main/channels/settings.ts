// The settings area's channels: the school's settings (policies) and its logo.
import type { settingsChannels } from '../../shared/contract/settings';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import { readPolicies, setLogo, updatePolicies } from '../services/settings';

export function settingsHandlers(deps: ServiceDeps): HandlersOf<typeof settingsChannels> {
  return {
    'settings.get': () => readPolicies(deps.store()),
    'settings.update': (input, call) => updatePolicies(deps, requireSession(call).userId, input),
    'settings.setLogo': ({ imageBase64 }, call) => setLogo(deps, requireSession(call).userId, imageBase64),
  };
}

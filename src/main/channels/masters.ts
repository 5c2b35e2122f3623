// The masters area's channels: academic years, classes and sections, categories and fee heads.
import type { mastersChannels } from '../../shared/contract/masters';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import { addSection, createCategory, createClass, createHead, createYear, readMasters, setCurrentYear } from '../services/masters';

export function mastersHandlers(deps: ServiceDeps): HandlersOf<typeof mastersChannels> {
  return {
    'masters.get': () => readMasters(deps.store()),
    'masters.createYear': (input, call) => createYear(deps, requireSession(call).userId, input),
    'masters.setCurrentYear': (input, call) => setCurrentYear(deps, requireSession(call).userId, input),
    'masters.createClass': (input, call) => createClass(deps, requireSession(call).userId, input),
    'masters.addSection': (input, call) => addSection(deps, requireSession(call).userId, input),
    'masters.createCategory': (input, call) => createCategory(deps, requireSession(call).userId, input),
    'masters.createHead': (input, call) => createHead(deps, requireSession(call).userId, input),
  };
}

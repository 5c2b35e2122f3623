// The structures area's channels: fee structures per class and year, and assigning them.
import type { structuresChannels } from '../../shared/contract/structures';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import { assignStructureAudited, createStructureAudited, readStructures } from '../services/structures';

export function structuresHandlers(deps: ServiceDeps): HandlersOf<typeof structuresChannels> {
  return {
    'structures.list': ({ yearId }) => readStructures(deps.store(), yearId ? { yearId } : {}),
    'structures.create': (input, call) => createStructureAudited(deps, requireSession(call).userId, input),
    'structures.assign': ({ structureId }, call) => assignStructureAudited(deps, requireSession(call).userId, structureId),
  };
}

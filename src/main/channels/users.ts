// The users area's channels: the admin's list of users, new users, password resets, deactivating and reactivating.
import type { usersChannels } from '../../shared/contract/users';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import { createUser, listUsers, resetPassword, setUserActive } from '../services/users';

export function usersHandlers(deps: ServiceDeps): HandlersOf<typeof usersChannels> {
  return {
    'users.list': () => listUsers(deps.store()),
    'users.create': (input, call) => createUser(deps, requireSession(call).userId, input),
    'users.resetPassword': ({ userId, newPassword }, call) => resetPassword(deps, requireSession(call).userId, userId, newPassword),
    'users.deactivate': ({ userId }, call) => setUserActive(deps, requireSession(call).userId, userId, false),
    'users.reactivate': ({ userId }, call) => setUserActive(deps, requireSession(call).userId, userId, true),
  };
}

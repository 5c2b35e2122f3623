// The auth area's channels: logging in and out, the idle lock, one's own password and two-step sign-in.
import type { authChannels } from '../../shared/contract/auth';
import { type HandlersOf, requireSession } from '../ipc/router';
import { changeOwnPassword, lock, login, logout, sessionInfo, unlock } from '../services/auth';
import type { ServiceDeps } from '../services/context';
import { beginTotp, confirmTotp, resetTotp, totpStatus } from '../services/totp';

export function authHandlers(deps: ServiceDeps): HandlersOf<typeof authChannels> {
  return {
    'auth.login': ({ username, password, code }, call) => login(deps, call.clientId, username, password, code),
    'auth.totpStatus': (_, call) => totpStatus(deps, requireSession(call).userId),
    'auth.totpBegin': (_, call) => beginTotp(deps, requireSession(call).userId),
    'auth.totpConfirm': ({ code }, call) => confirmTotp(deps, requireSession(call).userId, code),
    'users.resetTotp': ({ userId }, call) => resetTotp(deps, requireSession(call).userId, userId),
    'auth.logout': (_, call) => logout(deps, requireSession(call)),
    'auth.session': async (_, call) => (call.session ? sessionInfo(deps, call.session) : null),
    'auth.lock': (_, call) => lock(deps, requireSession(call)),
    'auth.unlock': ({ password }, call) => unlock(deps, requireSession(call), password),
    'auth.changePassword': ({ currentPassword, newPassword }, call) =>
      changeOwnPassword(deps, requireSession(call), currentPassword, newPassword),
  };
}

// Supervisor override: a second person with the right role approves on this desk with their own password.
import type { Role } from '../../shared/contract/channel';
import { AppError } from '../../shared/contract/errors';
import { checkPassword, passSecondFactor } from './auth';
import type { ServiceDeps } from './context';

export const APPROVER_ROLES: readonly Role[] = ['admin', 'accountant'];

/** Returns the approver's user id, or throws naming the approver field at fault. */
export async function verifyApprover(
  deps: ServiceDeps,
  approver: { username: string; password: string; code?: string | undefined },
  requesterId: string,
  roles: readonly Role[] = APPROVER_ROLES,
): Promise<string> {
  const user = await deps.store().selectFrom('app_user').selectAll().where('username', '=', approver.username).executeTakeFirst();
  if (!user || user.active !== 1) throw new AppError('invalid_credentials', 'approver username or password is wrong', 'approver.password');
  try {
    await checkPassword(deps, user, approver.password, 'auth.approvalFailed');
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_credentials') {
      throw new AppError('invalid_credentials', 'approver username or password is wrong', 'approver.password');
    }
    throw err;
  }
  if (!roles.includes(user.role)) {
    throw new AppError('forbidden', `approval needs ${roles.join(' or ')}; ${user.username} is ${user.role}`, 'approver.username');
  }
  if (user.id === requesterId) throw new AppError('forbidden', 'approval must come from a second person, not the one asking', 'approver.username');
  // An approver with two-step sign-in on approves with their code too, even at someone else's desk.
  await passSecondFactor(deps, user, approver.code, async () => undefined, 'approver.code');
  return user.id;
}

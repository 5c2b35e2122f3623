// Supervisor override: a second person with the right role approves on this desk with their own password and the code
// from their authenticator app (two-step sign-in is required of every approver role).
import { type Role, TWO_STEP_ROLES } from '../../shared/contract/channel';
import { AppError } from '../../shared/contract/errors';
import type { UserTable } from '../db/schema';
import { checkPassword, passSecondFactor } from './auth';
import type { ServiceDeps } from './context';
import { oneCheckAtATime } from './one-check-at-a-time';
import { hasTwoStep } from './totp';

export const APPROVER_ROLES: readonly Role[] = ['admin', 'accountant'];

/**
 * Returns the approver's user id, or throws naming the approver field at fault. The two-person rule: the approver is
 * none of `others` — the user logged in where the approval is typed and, where the request was an earlier step (a
 * concession), whoever asked for it, wherever they asked.
 */
export async function verifyApprover(
  deps: ServiceDeps,
  approver: { username: string; password: string; code?: string | undefined },
  others: string | readonly string[],
  roles: readonly Role[] = APPROVER_ROLES,
): Promise<string> {
  const user = await deps.store().selectFrom('app_user').selectAll().where('username', '=', approver.username).executeTakeFirst();
  if (!user || user.active !== 1) throw new AppError('invalid_credentials', 'approver username or password is wrong', 'approver.password');
  // Password and code in one turn of the approver's (services/one-check-at-a-time.ts): a burst meets the lockout.
  return oneCheckAtATime(deps.store(), user.id, () => checkApprover(deps, user, approver, others, roles));
}

async function checkApprover(
  deps: ServiceDeps,
  user: UserTable,
  approver: { username: string; password: string; code?: string | undefined },
  others: string | readonly string[],
  roles: readonly Role[],
): Promise<string> {
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
  if ((typeof others === 'string' ? [others] : others).includes(user.id)) {
    throw new AppError('forbidden', 'approval must come from a second person, not the one asking', 'approver.username');
  }
  // The approver's own password and code, every time, even when they are the one logged in at this desk.
  if (TWO_STEP_ROLES.includes(user.role) && !(await hasTwoStep(deps.store(), user.id))) {
    throw new AppError(
      'two_step_required',
      `${user.username} must set up two-step sign-in (at their next login) before approving`,
      'approver.username',
    );
  }
  await passSecondFactor(deps, user, approver.code, async () => undefined, 'approver.code');
  return user.id;
}

// User administration. Users are never deleted: deactivation keeps their history readable.
import { randomBytes } from 'node:crypto';
import type { User } from '../../shared/contract/users';
import type { Role } from '../../shared/contract/channel';
import { AppError } from '../../shared/contract/errors';
import type { Store, Tx, UserTable } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { assertPasswordPolicy, hashPassword } from './passwords';

export function toUser(row: UserTable): User {
  return {
    id: row.id,
    username: row.username,
    fullName: row.full_name,
    role: row.role,
    active: row.active === 1,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
  };
}

export async function findUser(db: Store | Tx, userId: string): Promise<UserTable> {
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'no user has this id', 'userId');
  return row;
}

export async function listUsers(db: Store): Promise<User[]> {
  const rows = await db.selectFrom('app_user').selectAll().orderBy('active', 'desc').orderBy('username').execute();
  return rows.map(toUser);
}

export interface NewUser {
  username: string;
  fullName: string;
  role: Role;
  password: string;
}

/** Inserts a user inside the caller's transaction (setup and user creation share it). */
export async function insertUser(tx: Tx, deps: ServiceDeps, actorId: string | null, input: NewUser, passwordHash: string): Promise<User> {
  const taken = await tx.selectFrom('app_user').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw new AppError('conflict', `username '${input.username}' is already taken`, 'username');
  const now = deps.clock.now().toISOString();
  const row: UserTable = {
    id: deps.ids.uuid(),
    username: input.username,
    full_name: input.fullName,
    role: input.role,
    password_hash: passwordHash,
    active: 1,
    failed_attempts: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('app_user').values(row).execute();
  const user = toUser(row);
  await recordAudit(tx, deps, { actorId: actorId ?? row.id, action: 'users.create', entity: 'user', entityId: row.id, after: user });
  return user;
}

export async function createUser(deps: ServiceDeps, actorId: string, input: NewUser): Promise<User> {
  assertPasswordPolicy(input.password, input.username, 'password');
  const hash = await hashPassword(input.password, deps.passwordCost);
  return deps
    .store()
    .transaction()
    .execute((tx) => insertUser(tx, deps, actorId, input, hash));
}

async function changeUser(
  deps: ServiceDeps,
  actorId: string,
  userId: string,
  action: string,
  change: (row: UserTable, tx: Tx) => Promise<Partial<UserTable>>,
): Promise<User> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const row = await findUser(tx, userId);
      const changes = { ...(await change(row, tx)), updated_at: deps.clock.now().toISOString() };
      await tx.updateTable('app_user').set(changes).where('id', '=', userId).execute();
      const after = toUser({ ...row, ...changes });
      await recordAudit(tx, deps, { actorId, action, entity: 'user', entityId: userId, before: toUser(row), after });
      return after;
    });
}

export async function resetPassword(deps: ServiceDeps, actorId: string, userId: string, newPassword: string): Promise<User> {
  const target = await findUser(deps.store(), userId);
  assertPasswordPolicy(newPassword, target.username, 'newPassword');
  const hash = await hashPassword(newPassword, deps.passwordCost);
  const user = await changeUser(deps, actorId, userId, 'users.resetPassword', async () => ({
    password_hash: hash,
    failed_attempts: 0,
    locked_until: null,
  }));
  deps.sessions.endForUser(userId);
  return user;
}

export async function setUserActive(deps: ServiceDeps, actorId: string, userId: string, active: boolean): Promise<User> {
  const user = await changeUser(deps, actorId, userId, active ? 'users.reactivate' : 'users.deactivate', async (row, tx) => {
    if ((row.active === 1) === active) {
      throw new AppError('conflict', `user '${row.username}' is already ${active ? 'active' : 'deactivated'}`, 'userId');
    }
    if (!active && row.id === actorId) throw new AppError('conflict', 'you cannot deactivate your own account', 'userId');
    if (!active && row.role === 'admin') {
      const admins = await tx
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('active', '=', 1)
        .executeTakeFirstOrThrow();
      if (admins.n <= 1) throw new AppError('conflict', 'the last active admin cannot be deactivated', 'userId');
    }
    return { active: active ? 1 : 0 };
  });
  if (!active) deps.sessions.endForUser(userId);
  return user;
}

/**
 * The documented way back in when every admin password is lost: run on the desk itself by
 * someone who can already open the store. Sets a one-time random password and audits it.
 */
export async function emergencyResetPassword(deps: ServiceDeps, username: string): Promise<string> {
  const user = await deps.store().selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
  if (!user) throw new AppError('not_found', `no user is called '${username}'`, 'username');
  if (user.role !== 'admin')
    throw new AppError('forbidden', `'${username}' is not an admin: an admin can reset it from the Users screen`, 'username');
  const temporary = randomBytes(12).toString('base64url');
  const hash = await hashPassword(temporary, deps.passwordCost);
  await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      await tx
        .updateTable('app_user')
        .set({ password_hash: hash, failed_attempts: 0, locked_until: null, active: 1, updated_at: deps.clock.now().toISOString() })
        .where('id', '=', user.id)
        .execute();
      await recordAudit(tx, deps, {
        actorId: null,
        action: 'users.emergencyReset',
        entity: 'user',
        entityId: user.id,
        before: toUser(user),
      });
    });
  deps.sessions.endForUser(user.id);
  return temporary;
}

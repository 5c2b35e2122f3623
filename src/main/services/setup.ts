// First run: the school, this desk, the first admin, in one transaction; then that admin is logged in.
import type { SessionInfo } from '../../shared/contract/auth';
import { AppError } from '../../shared/contract/errors';
import type { ParsedInputOf } from '../../shared/contract';
import type { Store } from '../db/schema';
import { recordAudit } from './audit';
import { ensureDeskKey } from './desk-keys';
import { sessionInfo } from './auth';
import type { ServiceDeps } from './context';
import { assertPasswordPolicy, hashPassword } from './passwords';
import { insertUser } from './users';

export async function setupStatus(db: Store) {
  const school = await db.selectFrom('school').select(['name', 'currency', 'locale']).executeTakeFirst();
  const desk = await db.selectFrom('desk').select('code').executeTakeFirst();
  return { initialized: school !== undefined, school: school ?? null, deskCode: desk?.code ?? null };
}

export async function initialize(deps: ServiceDeps, clientId: string, input: ParsedInputOf<'setup.initialize'>): Promise<SessionInfo> {
  assertPasswordPolicy(input.admin.password, input.admin.username, 'admin.password');
  const hash = await hashPassword(input.admin.password, deps.passwordCost);
  const admin = await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      if (await tx.selectFrom('school').select('id').executeTakeFirst()) {
        throw new AppError('already_initialized', 'this desk is already set up');
      }
      const now = deps.clock.now().toISOString();
      const school = { id: deps.ids.uuid(), name: input.schoolName, currency: input.currency, locale: input.locale, created_at: now };
      await tx.insertInto('school').values(school).execute();
      await tx.insertInto('desk').values({ id: deps.ids.uuid(), code: input.deskCode, created_at: now }).execute();
      await ensureDeskKey(tx, deps, input.deskCode);
      const user = await insertUser(tx, deps, null, { ...input.admin, role: 'admin' }, hash);
      await recordAudit(tx, deps, {
        actorId: user.id,
        action: 'setup.initialize',
        entity: 'school',
        entityId: school.id,
        after: { school: { name: school.name, currency: school.currency, locale: school.locale }, deskCode: input.deskCode },
      });
      return user;
    });
  const session = deps.sessions.start(
    { clientId, userId: admin.id, username: admin.username, fullName: admin.fullName, role: 'admin' },
    deps.clock.now().getTime(),
  );
  return sessionInfo(deps, session);
}

// The rows any change from another desk may bring along: the staff it names, and dues; and the bulk insert's size.
import type { DueTable, Tx } from '../db/schema';
import type { Clock, IdSource } from '../services/context';

export interface Env {
  clock: Clock;
  ids: IdSource;
}

/** People from other desks appear in payments and approvals; here they are names that cannot log in. */
export async function ensureRemoteUser(tx: Tx, env: Env, userId: string | null, fullName?: string): Promise<void> {
  if (typeof userId !== 'string') return;
  const now = env.clock.now().toISOString();
  await tx
    .insertInto('app_user')
    .values({
      id: userId,
      username: `remote-${userId.slice(0, 8)}`,
      full_name: fullName ?? 'Staff of another desk',
      role: 'cashier',
      password_hash: '!remote',
      active: 0,
      failed_attempts: 0,
      locked_until: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Splits a list so one insert stays under SQLite's limit of bound parameters (32,766). */
export function* chunks<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.floor(30_000 / columns);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export const insertDues = async (tx: Tx, dues: (DueTable | null | undefined)[]) => {
  for (const part of chunks(
    dues.filter((d): d is DueTable => !!d),
    10,
  ))
    await tx
      .insertInto('due')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
};

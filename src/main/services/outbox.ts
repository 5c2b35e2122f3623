// The sync outbox: every syncable change adds a row in its own transaction, numbered without gaps per desk.
import type Database from 'better-sqlite3-multiple-ciphers';
import { sql } from 'kysely';
import type { MutationArgsInput, MutationName } from '../../shared/sync/protocol';
import { insertRows } from '../db/bulk';
import type { Tx } from '../db/schema';
import type { Clock, IdSource } from './context';

export async function enqueue<N extends MutationName>(
  tx: Tx,
  env: { clock: Clock; ids: IdSource },
  name: N,
  args: MutationArgsInput<N>,
): Promise<number> {
  // Numbered in the insert itself: one statement.
  const row = await sql<{ mutation_id: number }>`
    insert into outbox (mutation_id, id, name, args_json, created_at, result)
    values ((select coalesce(max(mutation_id), 0) + 1 from outbox), ${env.ids.uuid()}, ${name}, ${JSON.stringify(args)}, ${env.clock.now().toISOString()}, null)
    returning mutation_id`.execute(tx);
  return row.rows[0]!.mutation_id;
}

/** Many changes of one kind in one go (a bulk import): consecutive numbers, inserted in chunks. */
export async function enqueueMany<N extends MutationName>(
  tx: Tx,
  env: { clock: Clock; ids: IdSource; raw?: Database.Database },
  name: N,
  argsList: readonly MutationArgsInput<N>[],
): Promise<void> {
  if (argsList.length === 0) return;
  const row = await sql<{ next: number }>`select coalesce(max(mutation_id), 0) + 1 as next from outbox`.execute(tx);
  const first = row.rows[0]!.next;
  const at = env.clock.now().toISOString();
  const rows = argsList.map((args, i) => ({
    mutation_id: first + i,
    id: env.ids.uuid(),
    name,
    args_json: JSON.stringify(args),
    created_at: at,
    result: null,
  }));
  // An import holds the raw connection its transaction is open on: insert by one prepared statement there.
  if (env.raw) insertRows(env.raw, 'outbox', rows);
  else
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto('outbox')
        .values(rows.slice(i, i + 500))
        .execute();
}

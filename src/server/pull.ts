// Pull: the school's changes after the desk's cookie, other desks' and the server's own, one bounded page at a time.
import { sql } from 'kysely';
import { formatCookie, parseCookie, type Change, type PullRequest, type PullResponse } from '../shared/sync/protocol';
import type { ServerStore } from './db/schema';
import { SyncError } from './errors';
import { checkSchemaVersion } from './push';
import type { DeskIdentity } from './batch-state';

/** A page stops early once this much argument text is in it, so one response stays a few megabytes at most. */
const PAGE_BYTES = 3 * 1024 * 1024;

export async function readEpoch(db: ServerStore): Promise<string> {
  const row = await db.selectFrom('server_meta').select('value').where('key', '=', 'epoch').executeTakeFirstOrThrow();
  return row.value;
}

async function lastChange(db: ServerStore, schoolId: string) {
  const row = await db
    .selectFrom('change')
    .select(['seq', 'batch'])
    .where('school_id', '=', schoolId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), batch: row.batch } : null;
}

/**
 * The sequence a desk's cookie names, if this database still holds the change the desk last saw there. Another
 * database (epoch), a log that ends before it, or another change under that number (written after a restore from
 * backup took the desk's position away) means the desk must start again from the beginning.
 */
async function positionHeld(db: ServerStore, epoch: string, schoolId: string, text: string): Promise<number> {
  const cookie = parseCookie(text);
  const held =
    cookie !== null &&
    cookie.epoch === epoch &&
    (cookie.seq === 0 ||
      (await sql<{ batch: string | null }>`select batch from change where school_id = ${schoolId} and seq = ${cookie.seq}`
        .execute(db)
        .then(({ rows }) => rows.length === 1 && rows[0]!.batch === cookie.batch)));
  if (!held)
    throw new SyncError(
      409,
      'unknown_cookie',
      "this server does not hold the desk's sync position (restored from a backup, or replaced): the desk must resync from the start",
    );
  return cookie.seq;
}

export async function pull(db: ServerStore, epoch: string, desk: DeskIdentity, body: PullRequest): Promise<PullResponse> {
  if (body.deskId !== desk.deskId) throw new SyncError(403, 'forbidden', 'this token belongs to another desk than the request names');
  checkSchemaVersion(body.schemaVersion);
  const limit = body.limit ?? 1000;
  const head = await lastChange(db, desk.schoolId);
  const top = head?.seq ?? 0;
  const since = body.cookie === null ? 0 : await positionHeld(db, epoch, desk.schoolId, body.cookie);
  const rows = await sql<{ seq: number; name: string; desk_code: string | null; args: string; batch: string | null }>`
    select c.seq, c.name, d.code as desk_code, c.args::text as args, c.batch
    from change c left join desk d on d.id = c.desk_id
    where c.school_id = ${desk.schoolId} and c.seq > ${since} and c.seq <= ${top}
      and (c.desk_id is null or c.desk_id <> ${desk.deskId})
    order by c.seq limit ${limit + 1}`.execute(db);
  const changes: Change[] = [];
  let bytes = 0;
  for (const r of rows.rows.slice(0, limit)) {
    if (changes.length > 0 && bytes + r.args.length > PAGE_BYTES) break;
    bytes += r.args.length;
    changes.push({ seq: Number(r.seq), name: r.name, deskCode: r.desk_code, args: JSON.parse(r.args) });
  }
  const more = changes.length < rows.rows.length;
  const last = more ? rows.rows[changes.length - 1]! : head;
  const upTo = last ? Number(last.seq) : 0;
  const deskRow = await db
    .updateTable('desk')
    .set({ last_pull_seq: since, last_pull_at: new Date() })
    .where('id', '=', desk.deskId)
    .returning('last_mutation_id')
    .executeTakeFirstOrThrow();
  return { cookie: formatCookie(epoch, upTo, last?.batch ?? null), changes, more, lastMutationId: Number(deskRow.last_mutation_id) };
}

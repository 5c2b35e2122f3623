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

export async function pull(db: ServerStore, epoch: string, desk: DeskIdentity, body: PullRequest): Promise<PullResponse> {
  if (body.deskId !== desk.deskId) throw new SyncError(403, 'forbidden', 'this token belongs to another desk than the request names');
  checkSchemaVersion(body.schemaVersion);
  const limit = body.limit ?? 1000;
  const head = await sql<{ seq: number | null }>`select max(seq)::bigint as seq from change where school_id = ${desk.schoolId}`.execute(db);
  const top = Number(head.rows[0]?.seq ?? 0);
  let since = 0;
  if (body.cookie !== null) {
    const cookie = parseCookie(body.cookie);
    if (!cookie || cookie.epoch !== epoch || cookie.seq > top) {
      throw new SyncError(
        409,
        'unknown_cookie',
        "this server does not recognise the desk's sync position (restored or replaced server): the desk must resync from the start",
      );
    }
    since = cookie.seq;
  }
  const rows = await sql<{ seq: number; name: string; desk_code: string | null; args: string }>`
    select c.seq, c.name, d.code as desk_code, c.args::text as args
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
  const upTo = more ? changes.at(-1)!.seq : top;
  const deskRow = await db
    .updateTable('desk')
    .set({ last_pull_seq: since, last_pull_at: new Date() })
    .where('id', '=', desk.deskId)
    .returning('last_mutation_id')
    .executeTakeFirstOrThrow();
  return { cookie: formatCookie(epoch, upTo), changes, more, lastMutationId: Number(deskRow.last_mutation_id) };
}

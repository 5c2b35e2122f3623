// The audit trail becomes a hash chain (services/audit-chain.ts): rows written before this migration are chained here, in
// order, and signed checkpoints get a table of their own, append-only like the trail.
import { type Kysely, sql } from 'kysely';
import { chainHash, GENESIS, type ChainRow } from '../../../node-shared/audit-chain';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table audit_checkpoint (
    upto_seq integer primary key, desk_code text not null, head_hash text not null, at text not null,
    key_id text not null, signature text not null)`.execute(db);
  await sql`create trigger audit_checkpoint_no_update before update on audit_checkpoint
    begin select raise(abort, 'audit_checkpoint is append-only'); end`.execute(db);
  await sql`create trigger audit_checkpoint_no_delete before delete on audit_checkpoint
    begin select raise(abort, 'audit_checkpoint is append-only'); end`.execute(db);

  // Chain the rows already there (the append-only trigger steps aside for this one pass).
  await sql`drop trigger audit_log_no_update`.execute(db);
  const rows =
    await sql<ChainRow>`select seq, id, at, user_id, desk_code, action, entity, entity_id, before_json, after_json from audit_log order by seq`.execute(
      db,
    );
  let prev = GENESIS;
  for (const r of rows.rows) {
    const hash = chainHash(prev, r);
    await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(db);
    prev = hash;
  }
  await sql`create trigger audit_log_no_update before update on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
}

// Tenancy and desk identity: schools → branches → desks. An admin issues a one-time enrollment code; the desk
// redeems it once for a desk id and a long random token. Only hashes of codes and tokens are stored.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EnrollRequest, EnrollResponse } from '../shared/sync/protocol';
import type { ServerStore, ServerTx } from './db/schema';
import { SyncError } from './errors';
import type { DeskIdentity } from './batch-state';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newCode(): string {
  const chars = [...randomBytes(12)].map((b) => BASE32[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

export interface EnrollmentOrder {
  schoolName: string;
  branchName: string;
  deskCode: string;
  validHours: number;
}

/** Creates the school and branch if they are new, and a code the named desk can redeem once before it expires. */
/** The desk enrolled under this code in the school now (a revoked one no longer holds its code). */
function enrolledDesk(tx: ServerTx, schoolId: string, deskCode: string) {
  return tx
    .selectFrom('desk')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('code', '=', deskCode)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function createEnrollment(db: ServerStore, order: EnrollmentOrder) {
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('school')
      .values({ id: randomUUID(), name: order.schoolName })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const school = await tx.selectFrom('school').select(['id', 'name']).where('name', '=', order.schoolName).executeTakeFirstOrThrow();
    await tx
      .insertInto('branch')
      .values({ id: randomUUID(), school_id: school.id, name: order.branchName })
      .onConflict((oc) => oc.columns(['school_id', 'name']).doNothing())
      .execute();
    const branch = await tx
      .selectFrom('branch')
      .select('id')
      .where('school_id', '=', school.id)
      .where('name', '=', order.branchName)
      .executeTakeFirstOrThrow();
    if (await enrolledDesk(tx, school.id, order.deskCode))
      throw new SyncError(
        409,
        'conflict',
        `desk ${order.deskCode} is already enrolled in ${school.name}: give the new desk another code, or revoke ${order.deskCode} first`,
      );
    const code = newCode();
    const expiresAt = new Date(Date.now() + order.validHours * 3_600_000);
    await tx
      .insertInto('enrollment')
      .values({
        code_hash: sha256(code),
        school_id: school.id,
        branch_id: branch.id,
        desk_code: order.deskCode,
        expires_at: expiresAt,
        redeemed_at: null,
        desk_id: null,
      })
      .execute();
    return {
      code,
      schoolId: school.id,
      schoolName: school.name,
      branchName: order.branchName,
      deskCode: order.deskCode,
      expiresAt: expiresAt.toISOString(),
    };
  });
}

export async function redeemEnrollment(db: ServerStore, request: EnrollRequest): Promise<EnrollResponse> {
  return db.transaction().execute(async (tx) => {
    const e = await tx.selectFrom('enrollment').selectAll().where('code_hash', '=', sha256(request.code)).forUpdate().executeTakeFirst();
    const refuse = (why: string) => new SyncError(403, 'enrollment_invalid', why);
    if (!e) throw refuse('this enrollment code is not known: check it, or ask the administrator for a new one');
    if (e.redeemed_at) throw refuse('this enrollment code was already used: ask the administrator for a new one');
    if (new Date(e.expires_at).getTime() < Date.now())
      throw refuse('this enrollment code has expired: ask the administrator for a new one');
    if (e.desk_code !== request.deskCode) throw refuse(`this code is for desk ${e.desk_code}, but this desk is ${request.deskCode}`);
    if (await enrolledDesk(tx, e.school_id, e.desk_code))
      throw new SyncError(409, 'conflict', `desk ${e.desk_code} is already enrolled in this school`);
    // A revoked desk code enrolls as a new desk row: the revoked one keeps the payments, keys and audit chain it
    // pushed, and the new one starts its mutation ids afresh (push treats what the earlier row applied as duplicates).
    const token = randomBytes(32).toString('base64url');
    const deskId = randomUUID();
    await tx
      .insertInto('desk')
      .values({
        id: deskId,
        school_id: e.school_id,
        branch_id: e.branch_id,
        code: e.desk_code,
        token_hash: sha256(token),
        last_mutation_id: 0,
        last_pull_seq: 0,
        last_push_at: null,
        last_pull_at: null,
      })
      .execute();
    await tx.updateTable('enrollment').set({ redeemed_at: new Date(), desk_id: deskId }).where('code_hash', '=', e.code_hash).execute();
    const names = await tx
      .selectFrom('school as s')
      .innerJoin('branch as b', 'b.school_id', 's.id')
      .select(['s.name as school', 'b.name as branch'])
      .where('b.id', '=', e.branch_id)
      .executeTakeFirstOrThrow();
    return { deskId, token, schoolId: e.school_id, schoolName: names.school, branchName: names.branch };
  });
}

/** The desk a bearer token belongs to; every sync route but enrollment needs one. */
export async function authenticate(db: ServerStore, authorization: string | undefined): Promise<DeskIdentity> {
  const token = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(authorization ?? '')?.[1];
  if (!token) throw new SyncError(401, 'unauthorized', 'send the desk token as "Authorization: Bearer <token>"');
  const desk = await db
    .selectFrom('desk')
    .select(['id', 'school_id', 'code', 'revoked_at'])
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!desk) throw new SyncError(401, 'unauthorized', 'this desk token is not valid: enroll the desk again');
  if (desk.revoked_at) throw new SyncError(401, 'unauthorized', "this desk was revoked by the school's administrator: enroll it again");
  return { deskId: desk.id, schoolId: desk.school_id, deskCode: desk.code };
}

export interface Revocation {
  schoolName: string;
  deskCode: string;
}

/**
 * Cuts a lost or stolen desk off at once: its token stops working on the next request, and enrollment codes issued
 * for its desk code and not yet used expire, so the code may be enrolled again only with one issued after this.
 */
export async function revokeDesk(db: ServerStore, order: Revocation) {
  return db.transaction().execute(async (tx) => {
    const school = await tx.selectFrom('school').select(['id', 'name']).where('name', '=', order.schoolName).executeTakeFirst();
    if (!school) throw new SyncError(404, 'not_found', `no school named ${order.schoolName} on this server`);
    const now = new Date();
    const revoked = await tx
      .updateTable('desk')
      .set({ revoked_at: now })
      .where('school_id', '=', school.id)
      .where('code', '=', order.deskCode)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!revoked)
      throw new SyncError(404, 'not_found', `desk ${order.deskCode} of ${school.name} is not enrolled (or was revoked already)`);
    await tx
      .updateTable('enrollment')
      .set({ expires_at: now })
      .where('school_id', '=', school.id)
      .where('desk_code', '=', order.deskCode)
      .where('redeemed_at', 'is', null)
      .execute();
    return { schoolName: school.name, deskCode: order.deskCode, deskId: revoked.id, revokedAt: now.toISOString() };
  });
}

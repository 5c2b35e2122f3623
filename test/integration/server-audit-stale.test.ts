// /metrics flags a desk whose payments have been on the server longer than a limit without their audit rows: until
// those arrive, whoever holds the desk's store key can rewrite that history unseen (issue 17, item 9, server half).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import { createEnrollment } from '../../src/server/enrollment';
import { SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';
import type { FastifyInstance } from 'fastify';
import { paymentRecordArgs } from '../support/mutations';

const ADMIN = randomUUID().replaceAll('-', '');
const LIMIT = 10 * 60;
const CLASS = randomUUID();
const STUDENT = randomUUID();

let database: ServerDatabase;
let app: FastifyInstance;
let desk: { deskId: string; token: string; next: number };

const push = async (name: string, args: unknown) => {
  const mutation: Mutation = { mutationId: desk.next++, id: randomUUID(), name, args };
  const res = await app.inject({
    method: 'POST',
    url: '/v1/push',
    headers: { authorization: `Bearer ${desk.token}` },
    payload: { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [mutation] },
  });
  expect(res.statusCode, res.body).toBe(200);
  expect((res.json() as { results: { status: string }[] }).results[0]!.status).toBe('applied');
};

/** The desk's audit gauges as a scraper reads them. */
const gauges = async () => {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.statusCode).toBe(200);
  const read = (name: string) =>
    Number(new RegExp(`^${name}\\{school="Audit Watch School",desk="D01"\\} (\\S+)$`, 'm').exec(res.body)?.[1]);
  return {
    behind: read('feedesk_desk_audit_behind_seconds'),
    stale: read('feedesk_desk_audit_stale'),
    limit: Number(/^feedesk_desk_audit_stale_limit_seconds (\S+)$/m.exec(res.body)?.[1]),
  };
};

/** As if the payment had reached the server `minutes` ago. */
const syncedAgo = (receiptNo: string, minutes: number) =>
  sql`update payment set synced_at = now() - make_interval(mins => ${minutes}) where receipt_no = ${receiptNo}`.execute(database.db);

beforeAll(async () => {
  database = await openServerDatabase({});
  ({ app } = await buildSyncServer({ db: database.db, adminToken: ADMIN, auditStaleSeconds: LIMIT }));
  const { code } = await createEnrollment(database.db, {
    schoolName: 'Audit Watch School',
    branchName: 'Main',
    deskCode: 'D01',
    validHours: 1,
  });
  const res = await app.inject({ method: 'POST', url: '/v1/enroll', payload: { code, deskCode: 'D01' } });
  desk = { ...(res.json() as { deskId: string; token: string }), next: 1 };
  await push('masters.createClass', { id: CLASS, name: 'Class 5', sortOrder: 5, sections: [] });
  await push('students.create', {
    id: STUDENT,
    admission_no: 'AW-1',
    full_name: 'Asha Rao',
    class_id: CLASS,
    section_id: null,
    guardian_name: 'Guardian',
    phone: '9845000000',
    phone2: null,
    email: null,
    category_id: null,
    family_id: null,
    status: 'active',
    joined_on: '2026-04-01',
    left_on: null,
    version: 1,
    created_at: '2026-04-01T00:00:00.000Z',
    updated_at: '2026-04-01T00:00:00.000Z',
  });
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe("a desk's payments ahead of its audit trail (issue 17, item 9)", () => {
  it('reads 0 while every payment has its audit row or none is waiting', async () => {
    expect(await gauges()).toEqual({ behind: 0, stale: 0, limit: LIMIT });
  });

  it('flags the desk once a payment has waited longer than the limit for its audit row, and clears when it arrives', async () => {
    const pay = paymentRecordArgs({ deskCode: 'D01', studentId: STUDENT, receiptNo: 'AW-D01/0001', amount: 2000_00 });
    await push('payments.record', pay);
    await syncedAgo('AW-D01/0001', 9);
    const early = await gauges();
    expect(early.stale).toBe(0);
    expect(early.behind).toBeGreaterThanOrEqual(9 * 60);

    await syncedAgo('AW-D01/0001', 11);
    const late = await gauges();
    expect(late.stale).toBe(1);
    expect(late.behind).toBeGreaterThan(LIMIT);

    // The audit row for that payment arrives (stored as the audit push stores it): the window is closed.
    await database.db
      .insertInto('audit_row')
      .values({
        desk_id: desk.deskId,
        seq: 1,
        id: randomUUID(),
        at: '2026-06-01T05:00:00.000Z',
        user_id: null,
        desk_code: 'D01',
        action: 'payments.record',
        entity: 'payment',
        entity_id: pay.payment.id,
        before_json: null,
        after_json: '{}',
        prev_hash: '0'.repeat(64),
        hash: '1'.repeat(64),
      })
      .execute();
    expect(await gauges()).toEqual({ behind: 0, stale: 0, limit: LIMIT });
  });
});

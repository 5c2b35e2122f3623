// A lost or stolen desk is cut off by the school's administrator, over the admin route or the server's command line,
// and its desk code can be enrolled again (issue 17, item 8).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import { authenticate, createEnrollment, redeemEnrollment } from '../../src/server/enrollment';
import { SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';
import { tempDir } from '../support/harness';
import type { FastifyInstance } from 'fastify';

const ADMIN = randomUUID().replaceAll('-', '');
const admin = { authorization: `Bearer ${ADMIN}` };
const REVOKED = /this desk was revoked by the school's administrator: enroll it again/;

let database: ServerDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await openServerDatabase({});
  ({ app } = await buildSyncServer({ db: database.db, adminToken: ADMIN }));
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

interface Desk {
  deskId: string;
  token: string;
}

const issueCode = async (schoolName: string, deskCode: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/enrollments',
    headers: admin,
    payload: { schoolName, deskCode, validHours: 1 },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { code: string }).code;
};
const redeem = async (code: string, deskCode: string) => app.inject({ method: 'POST', url: '/v1/enroll', payload: { code, deskCode } });
const enroll = async (schoolName: string, deskCode: string): Promise<Desk> => {
  const res = await redeem(await issueCode(schoolName, deskCode), deskCode);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Desk;
};
const push = (desk: Desk, mutations: Mutation[]) =>
  app.inject({
    method: 'POST',
    url: '/v1/push',
    headers: { authorization: `Bearer ${desk.token}` },
    payload: { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations },
  });
const pull = (desk: Desk) =>
  app.inject({
    method: 'POST',
    url: '/v1/pull',
    headers: { authorization: `Bearer ${desk.token}` },
    payload: { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null },
  });
const revoke = (schoolName: string, deskCode: string, headers: Record<string, string> = admin) =>
  app.inject({ method: 'POST', url: '/v1/admin/revocations', headers, payload: { schoolName, deskCode } });
const classMutation = (mutationId: number): Mutation => ({
  mutationId,
  id: randomUUID(),
  name: 'masters.createClass',
  args: { id: randomUUID(), name: `Class ${randomUUID().slice(0, 6)}`, sortOrder: 1, sections: [] },
});

describe('revoking a desk (issue 17, item 8)', () => {
  it("refuses the desk's token at once, on every route, once the administrator revokes it", async () => {
    const desk = await enroll('Revoke School', 'D02');
    expect((await push(desk, [classMutation(1)])).statusCode).toBe(200);

    expect((await revoke('Revoke School', 'D02', { authorization: 'Bearer not-the-admin-token-at-all' })).statusCode).toBe(401);
    expect((await push(desk, [classMutation(2)])).statusCode).toBe(200);

    const res = await revoke('Revoke School', 'D02');
    expect(res.statusCode, res.body).toBe(200);
    for (const answer of [
      await push(desk, [classMutation(3)]),
      await pull(desk),
      await app.inject({ method: 'POST', url: '/v1/audit/head', headers: { authorization: `Bearer ${desk.token}` }, payload: {} }),
    ]) {
      expect(answer.statusCode).toBe(401);
      expect((answer.json() as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'unauthorized',
        message: expect.stringMatching(REVOKED),
      });
    }
    expect((await revoke('Revoke School', 'D02')).statusCode).toBe(404);
  });

  it('enrolls a revoked desk code again with a new code only; the same desk sending its outbox again gets duplicates', async () => {
    const before = await issueCode('Re-enroll School', 'D03');
    const spare = await issueCode('Re-enroll School', 'D03');
    const old = (await redeem(before, 'D03')).json() as Desk;
    const sent = [classMutation(1), classMutation(2)];
    expect((await push(old, sent)).statusCode).toBe(200);
    expect((await revoke('Re-enroll School', 'D03')).statusCode).toBe(200);

    // A code issued before the revocation (say, written down beside the lost laptop) no longer works.
    const stale = await redeem(spare, 'D03');
    expect(stale.statusCode).toBe(403);
    expect((stale.json() as { error: { message: string } }).error.message).toMatch(/expired/);

    const res = await redeem(await issueCode('Re-enroll School', 'D03'), 'D03');
    expect(res.statusCode, res.body).toBe(200);
    const renewed = res.json() as Desk;
    expect(renewed.deskId).not.toBe(old.deskId);
    expect((await push(old, [classMutation(3)])).statusCode).toBe(401);

    // The same desk, enrolled again, sends its outbox from the start: what its earlier enrollment applied is a duplicate.
    const again = await push(renewed, [...sent, classMutation(3)]);
    expect(again.statusCode, again.body).toBe(200);
    expect((again.json() as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
    const pulled = await pull(renewed);
    expect(pulled.statusCode).toBe(200);
    expect((pulled.json() as { changes: { deskCode: string }[] }).changes.map((c) => c.deskCode)).toEqual(['D03', 'D03']);
  });

  it('revokes from the command line: npm run server -- revoke --school "Name" --desk D02', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const own = await openServerDatabase({ dataDir: dir });
      const { code } = await createEnrollment(own.db, { schoolName: 'CLI School', branchName: 'Main', deskCode: 'D02', validHours: 1 });
      const { token } = await redeemEnrollment(own.db, { code, deskCode: 'D02' });
      expect((await authenticate(own.db, `Bearer ${token}`)).deskCode).toBe('D02');
      await own.close();

      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/server/main.ts', 'revoke', '--school', 'CLI School', '--desk', 'd02'],
        {
          env: { ...process.env, FEEDESK_SERVER_DATA: dir, DATABASE_URL: '' },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Desk D02 of CLI School is revoked/);

      const after = await openServerDatabase({ dataDir: dir });
      try {
        await expect(authenticate(after.db, `Bearer ${token}`)).rejects.toThrow(REVOKED);
      } finally {
        await after.close();
      }
    } finally {
      cleanup();
    }
  }, 150_000);
});

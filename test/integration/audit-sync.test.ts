// The audit chain goes to the server (embedded PGlite and real PostgreSQL): it arrives whole and verifies, a second
// push stores nothing, a cut connection resumes without duplicates; a rewritten chain, a deleted row and a forged
// checkpoint are refused and recorded as fork, gap and bad_checkpoint alerts, on the admin route and in the metrics,
// while the desk's payments keep syncing and its sync screen says what was refused. A server restored from an older
// backup is simply sent the rows it lost.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, checkpointBytes, GENESIS, type ChainRow } from '../../src/node-shared/audit-chain';
import { verifyWith } from '../../src/node-shared/receipt-keys';
import type { FetchLike } from '../../src/main/sync/client';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import { openSideStore, openTestDesk, schoolInput, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { behindTheBack } from '../support/tamper';
import { enrollDesk, serverFigures, startSyncServer, type TestSyncServer, syncBackends } from '../support/sync-server';

const backends = await syncBackends();

const DAY = '2026-04-02';
type LocalRow = ChainRow & { prev_hash: string; hash: string };

async function localChain(desk: TestDesk): Promise<{
  rows: LocalRow[];
  checkpoints: { upto_seq: number; head_hash: string; signature: string; key_id: string; desk_code: string; at: string }[];
}> {
  const side = await openSideStore(desk);
  try {
    const rows = side.raw
      .prepare(
        'select seq, id, at, user_id, desk_code, action, entity, entity_id, before_json, after_json, prev_hash, hash from audit_log order by seq',
      )
      .all() as LocalRow[];
    const checkpoints = side.raw
      .prepare('select upto_seq, desk_code, head_hash, at, key_id, signature from audit_checkpoint order by upto_seq')
      .all() as never[];
    return { rows, checkpoints };
  } finally {
    await side.close();
  }
}

describe.each(backends)('the audit chain on a %s server', (_name, backend) => {
  let server: TestSyncServer;
  let schools = 0;
  const desks: TestDesk[] = [];

  beforeAll(async () => {
    server = await startSyncServer(backend);
  });
  afterAll(async () => {
    for (const d of desks) expect(d.errors).toEqual([]);
    for (const d of desks) await d.close();
    await server?.close();
  });

  /** A desk of its own school with a morning's payments, enrolled and synced once. */
  async function syncedDesk(options: { fetch?: FetchLike; pushBatch?: number } = {}) {
    const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    desks.push(desk);
    desk.clock.current = new Date(`${DAY}T05:00:00Z`);
    if (options.fetch || options.pushBatch)
      await desk.restart({ ...(options.fetch ? { syncFetch: options.fetch } : {}), sync: { pushBatch: options.pushBatch ?? 500 } });
    await desk.ok('setup.initialize', schoolInput({ deskCode: 'D01' }));
    const school = await seedSmallSchool(desk);
    const students = [(await admit(desk, school)).id, (await admit(desk, school)).id];
    await desk.ok('payments.record', { studentIds: [students[0]!], amount: 4_500_00, method: { mode: 'cash' } });
    await desk.ok('payments.record', { studentIds: [students[1]!], amount: 3_000_00, method: { mode: 'upi', utr: 'UTR0000012345' } });
    await enrollDesk(server, desk, `School ${++schools} (${randomUUID().slice(0, 8)})`);
    // Enrolling starts a round in the background: this joins it, or runs one.
    await desk.app.sync.runNow().catch(() => {});
    const deskId = (
      await server.database.db.selectFrom('desk').select('id').orderBy('enrolled_at', 'desc').limit(1).executeTakeFirstOrThrow()
    ).id;
    return { desk, students, deskId };
  }

  const serverRows = (deskId: string) =>
    server.database.db.selectFrom('audit_row').selectAll().where('desk_id', '=', deskId).orderBy('seq').execute();
  const alertsOf = (deskId: string) =>
    server.database.db.selectFrom('audit_alert').selectAll().where('desk_id', '=', deskId).orderBy('id').execute();
  const admin = (url: string, token?: string) =>
    server.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('arrives whole, verifies on the server, and a second push stores nothing', async () => {
    const { desk, deskId } = await syncedDesk();
    await desk.ok('dayClose.close', { date: DAY, cashCount: { '50000': 9 }, counted: { upi: 3_000_00 } });
    const round = await desk.app.sync.runNow();
    expect(round?.audited).toBeGreaterThan(0);

    const local = await localChain(desk);
    const held = await serverRows(deskId);
    expect(held.map((r) => ({ ...r, seq: Number(r.seq) }))).toEqual(
      local.rows.map((r) => ({ ...r, desk_id: deskId, received_at: expect.any(Date) })),
    );
    // The server's copy verifies on its own: every link, every hash, the checkpoint with the desk's published key.
    let prev = GENESIS;
    for (const r of held) {
      expect(r.prev_hash).toBe(prev);
      expect(chainHash(r.prev_hash, { ...r, seq: Number(r.seq) })).toBe(r.hash);
      prev = r.hash;
    }
    const points = await server.database.db.selectFrom('audit_checkpoint').selectAll().where('desk_id', '=', deskId).execute();
    expect(points.map((p) => Number(p.upto_seq))).toEqual(local.checkpoints.map((c) => c.upto_seq));
    expect(local.checkpoints.length).toBe(1);
    const key = await server.database.db
      .selectFrom('desk_key')
      .select(['key_id', 'public_key'])
      .where('desk_id', '=', deskId)
      .executeTakeFirstOrThrow();
    const point = { ...points[0]!, upto_seq: Number(points[0]!.upto_seq) };
    expect(verifyWith(key.key_id, key.public_key, checkpointBytes(point), Buffer.from(point.signature, 'base64'))).toBe(true);
    expect(point.head_hash).toBe(held.find((r) => Number(r.seq) === point.upto_seq)!.hash);

    const status = await desk.ok('sync.status');
    expect(status.audit).toEqual({ rows: local.rows.length, held: local.rows.length, refused: null, unsyncedSince: null, stale: false });
    expect(status.rejected).toBe(0);

    // Again, by the desk and by hand: nothing new is stored, nothing is refused.
    expect((await desk.app.sync.runNow())?.audited).toBe(0);
    const side = await openSideStore(desk);
    const token = (await side.db.selectFrom('sync_state').select('token').executeTakeFirstOrThrow()).token!;
    await side.close();
    const again = await server.app.inject({
      method: 'POST',
      url: '/v1/audit/push',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: JSON.stringify({ deskId, schemaVersion: SYNC_SCHEMA_VERSION, from: 1, rows: local.rows, checkpoints: local.checkpoints }),
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({
      heldUpTo: local.rows.length,
      checkpointUpTo: point.upto_seq,
      stored: { rows: 0, checkpoints: 0 },
      refused: null,
    });
    expect((await serverRows(deskId)).length).toBe(local.rows.length);
    // A malformed push is a 4xx with a reason, never a verdict on the chain.
    const malformed = (body: object) =>
      server.app.inject({
        method: 'POST',
        url: '/v1/audit/push',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: JSON.stringify({ deskId, schemaVersion: SYNC_SCHEMA_VERSION, ...body }),
      });
    expect((await malformed({ from: 1, rows: [local.rows[1], local.rows[0]], checkpoints: [] })).json().error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/rising seq order/),
    });
    expect((await malformed({ from: 1, rows: [], checkpoints: [] })).statusCode).toBe(400);
    expect((await malformed({ from: 1, rows: [{ ...local.rows[0], hash: 'not a hash' }], checkpoints: [] })).json().error.message).toMatch(
      /^rows\.0\.hash: /,
    );
    expect(await alertsOf(deskId)).toEqual([]);
    // Another desk's id with this token is refused outright.
    const other = await server.app.inject({
      method: 'POST',
      url: '/v1/audit/head',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: JSON.stringify({ deskId: randomUUID(), schemaVersion: SYNC_SCHEMA_VERSION, seq: 0 }),
    });
    expect(other.statusCode).toBe(403);
  });

  it('resumes after connections cut mid-push, with no row stored twice', async () => {
    let pushes = 0;
    // The 2nd audit push reaches the server but its answer is lost; the 4th never arrives.
    const cutting: FetchLike = async (url, init) => {
      if (url.endsWith('/v1/audit/push')) {
        pushes += 1;
        if (pushes === 4) throw new Error('connection reset');
        if (pushes === 2) {
          await fetch(url, init);
          throw new Error('response cut off');
        }
      }
      return fetch(url, init);
    };
    const { desk, deskId } = await syncedDesk({ fetch: cutting, pushBatch: 4 });
    const whole = async () => (await desk.ok('sync.status')).audit.held === (await localChain(desk)).rows.length;
    for (let round = 0; round < 5 && !(await whole()); round++) await desk.app.sync.runNow().catch(() => {});
    expect(pushes).toBeGreaterThan(4);
    const local = await localChain(desk);
    const held = await serverRows(deskId);
    expect(held.map((r) => [Number(r.seq), r.hash])).toEqual(local.rows.map((r) => [r.seq, r.hash]));
    expect(await alertsOf(deskId)).toEqual([]);
    const status = await desk.ok('sync.status');
    expect(status.audit).toEqual({ rows: local.rows.length, held: local.rows.length, refused: null, unsyncedSince: null, stale: false });
    expect(status.lastError).toBeNull();
  });

  it('refuses a chain rewritten from a changed row: a fork alert at that row, the payments still sync', async () => {
    const { desk, students, deskId } = await syncedDesk();
    const before = await localChain(desk);
    const target = before.rows.find((r) => r.action === 'payments.record')!;
    // A forger with the database key edits a payment's audit row and recomputes every hash after it.
    target.after_json = target.after_json!.replace('"mode":"cash"', '"mode":"upi "');
    let prev = target.prev_hash;
    const updates: unknown[][] = [];
    for (const r of before.rows.filter((x) => x.seq >= target.seq)) {
      const hash = chainHash(prev, r);
      updates.push([r.after_json, prev, hash, r.seq]);
      prev = hash;
    }
    await behindTheBack(
      desk,
      updates.map(() => 'update audit_log set after_json = ?, prev_hash = ?, hash = ? where seq = ?'),
      updates,
    );
    await desk.ok('payments.record', { studentIds: [students[0]!], amount: 500_00, method: { mode: 'cash' } });
    const round = await desk.app.sync.runNow();
    expect(round?.pushed).toBeGreaterThan(0);
    expect((await serverFigures(server.database.db)).receiptNos.filter((n) => n.includes('D01')).length).toBeGreaterThanOrEqual(3);

    const alerts = await alertsOf(deskId);
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'fork', detail: expect.stringMatching(/differs from the row \d+ the server holds/), times: 1 }),
    ]);
    expect(Number(alerts[0]!.seq)).toBe(target.seq);
    // The server kept its copy of the row, and nothing after the fork.
    const held = await serverRows(deskId);
    expect(held.find((r) => Number(r.seq) === target.seq)!.hash).toBe(target.hash);
    expect(held.length).toBe(before.rows.length);

    const status = await desk.ok('sync.status');
    expect(status.audit.refused).toMatchObject({
      kind: 'fork',
      seq: target.seq,
      reason: expect.stringMatching(new RegExp(`^the server refused this desk's audit trail at row ${target.seq} \\(fork\\)`)),
    });
    expect(status.rejected).toBe(1);
    expect(status.queue).toBe(0);
    const rejected = await desk.ok('sync.rejected');
    expect(rejected[0]).toMatchObject({ mutationId: 0, name: 'audit.chain', record: { kind: 'fork', seq: target.seq } });

    // Trying again is refused again: the same alert, counted, not a new one.
    await desk.app.sync.runNow();
    const after = await alertsOf(deskId);
    expect(after.map((a) => [a.kind, Number(a.seq), a.times])).toEqual([['fork', target.seq, 2]]);

    // The operator sees it on the admin route (with the admin token only) and in the metrics.
    expect((await admin('/v1/admin/audit')).statusCode).toBe(401);
    const view = await admin('/v1/admin/audit', server.adminToken);
    expect(view.statusCode).toBe(200);
    const body = view.json() as {
      desks: { deskId: string; heldUpTo: number }[];
      alerts: { deskId: string; kind: string; seq: number; times: number; detail: string }[];
    };
    expect(body.desks.find((d) => d.deskId === deskId)).toMatchObject({ heldUpTo: before.rows.length });
    expect(body.alerts.filter((a) => a.deskId === deskId)).toEqual([expect.objectContaining({ kind: 'fork', seq: target.seq, times: 2 })]);
    const metrics = (await admin('/metrics', server.adminToken)).body;
    expect(metrics).toMatch(/feedesk_sync_audit_refusals_total\{kind="fork"\} [1-9]/);
    expect(metrics).toMatch(/feedesk_sync_desk_audit_alerts\{school="School \d+ [^"]*",desk="D01"\} 1/);
  });

  it('refuses a chain with a row deleted before it was sent: a gap alert where it skips', async () => {
    const { desk, students, deskId } = await syncedDesk();
    const sent = (await localChain(desk)).rows.length;
    await desk.ok('payments.record', { studentIds: [students[0]!], amount: 500_00, method: { mode: 'cash' } });
    await desk.ok('payments.record', { studentIds: [students[1]!], amount: 600_00, method: { mode: 'cash' } });
    await desk.ok('payments.record', { studentIds: [students[1]!], amount: 700_00, method: { mode: 'cash' } });
    expect((await localChain(desk)).rows.length).toBeGreaterThanOrEqual(sent + 3);
    await behindTheBack(desk, ['delete from audit_log where seq = ?'], [[sent + 2]]);
    await desk.app.sync.runNow();
    const alerts = await alertsOf(deskId);
    expect(alerts.map((a) => [a.kind, Number(a.seq)])).toEqual([['gap', sent + 3]]);
    expect(alerts[0]!.detail).toBe(`row ${sent + 3} follows row ${sent + 1}: rows ${sent + 2}–${sent + 2} are missing (deleted)`);
    expect((await serverRows(deskId)).length).toBe(sent + 1);
    expect((await desk.ok('sync.status')).audit).toMatchObject({ held: sent + 1, refused: { kind: 'gap', seq: sent + 3 } });
    expect((await desk.ok('sync.status')).queue).toBe(0);
  });

  it('refuses a checkpoint signed with another key: a bad_checkpoint alert, the rows before it kept', async () => {
    const { desk, deskId } = await syncedDesk();
    await desk.ok('dayClose.close', { date: DAY, cashCount: { '50000': 9 }, counted: { upi: 3_000_00 } });
    const { rows, checkpoints } = await localChain(desk);
    const point = checkpoints.at(-1)!;
    const forger = generateKeyPairSync('ed25519').privateKey;
    await behindTheBack(
      desk,
      ['update audit_checkpoint set signature = ? where upto_seq = ?'],
      [[sign(null, checkpointBytes(point), forger).toString('base64'), point.upto_seq]],
    );
    await desk.app.sync.runNow();
    const alerts = await alertsOf(deskId);
    expect(alerts.map((a) => [a.kind, Number(a.seq)])).toEqual([['bad_checkpoint', point.upto_seq]]);
    expect(alerts[0]!.detail).toMatch(/does not verify with this desk's key [0-9a-f]{16}: it was forged or altered$/);
    expect((await serverRows(deskId)).length).toBe(rows.length);
    expect(await server.database.db.selectFrom('audit_checkpoint').select('upto_seq').where('desk_id', '=', deskId).execute()).toEqual([]);
    const view = (await admin('/v1/admin/audit', server.adminToken)).json() as { alerts: { deskId: string; kind: string }[] };
    expect(view.alerts.filter((a) => a.deskId === deskId).map((a) => a.kind)).toEqual(['bad_checkpoint']);
    expect((await desk.ok('sync.rejected'))[0]).toMatchObject({
      name: 'audit.chain',
      record: { kind: 'bad_checkpoint', seq: point.upto_seq },
    });
  });
});

describe('the audit chain and a server restored from an older backup', () => {
  it('is sent again from where the restored server stops, with no alert', async () => {
    const data = tempDir();
    const backup = tempDir();
    const server = await startSyncServer({ kind: 'pglite' }, 0, join(data.dir, 'db'));
    const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    try {
      desk.clock.current = new Date(`${DAY}T05:00:00Z`);
      await desk.ok('setup.initialize', schoolInput({ deskCode: 'D01' }));
      const student = await admit(desk, await seedSmallSchool(desk));
      await enrollDesk(server, desk);
      await desk.app.sync.runNow().catch(() => {});
      await server.restartAfter(() => cpSync(join(data.dir, 'db'), join(backup.dir, 'db'), { recursive: true }));
      const before = (await localChain(desk)).rows.length;
      await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
      await desk.app.sync.runNow();
      await server.restartAfter(() => {
        rmSync(join(data.dir, 'db'), { recursive: true });
        cpSync(join(backup.dir, 'db'), join(data.dir, 'db'), { recursive: true });
      });
      expect(await server.database.db.selectFrom('audit_row').select('seq').execute()).toHaveLength(before);
      await desk.app.sync.runNow();
      const local = await localChain(desk);
      const held = await server.database.db.selectFrom('audit_row').select(['seq', 'hash']).orderBy('seq').execute();
      expect(held.map((r) => [Number(r.seq), r.hash])).toEqual(local.rows.map((r) => [r.seq, r.hash]));
      expect(await server.database.db.selectFrom('audit_alert').selectAll().execute()).toEqual([]);
      expect((await desk.ok('sync.status')).audit).toEqual({
        rows: local.rows.length,
        held: local.rows.length,
        refused: null,
        unsyncedSince: null,
        stale: false,
      });
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.close();
      await server.close();
      data.cleanup();
      backup.cleanup();
    }
  });
});

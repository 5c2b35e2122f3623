// The sync server held down without a token, over real HTTP: slow bodies, huge bodies before the token is checked,
// more connections than it should hold, and guessing at enrollment codes, tokens and receipts (issue 17, item 7).
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import { createEnrollment } from '../../src/server/enrollment';
import type { ServerLimits } from '../../src/server/guards';
import { BODY_LIMIT_BYTES, SYNC_SCHEMA_VERSION } from '../../src/shared/sync/protocol';
import type { FastifyInstance } from 'fastify';

interface Running {
  app: FastifyInstance;
  database: ServerDatabase;
  port: number;
  url: string;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.app.close();
    await r.database.close();
  }
});

async function start(limits: Partial<ServerLimits> = {}): Promise<Running> {
  const database = await openServerDatabase({});
  // On builds before the guards, `limits` is an unknown option and the server runs as it always did.
  const { app } = await buildSyncServer({ db: database.db, limits } as Parameters<typeof buildSyncServer>[0]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const r = { app, database, port, url: `http://127.0.0.1:${port}` };
  running.push(r);
  return r;
}

async function enroll(server: Running, deskCode = 'D01') {
  const { code } = await createEnrollment(server.database.db, { schoolName: 'Flood School', branchName: 'Main', deskCode, validHours: 1 });
  const res = await fetch(`${server.url}/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, deskCode }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { deskId: string; token: string };
}

const post = (server: Running, path: string, body: unknown, token?: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/** Resolves with what `promise` gives, or with `fallback` once `ms` have passed. */
const within = <T, F>(promise: Promise<T>, ms: number, fallback: F) =>
  Promise.race([promise, new Promise<F>((resolve) => setTimeout(() => resolve(fallback), ms))]);

/** A raw connection: everything it receives until the server closes it. */
function rawConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
  socket.on('error', () => {});
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, connected, closed, received: () => received };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const openConnections = (server: Running) =>
  new Promise<number>((resolve, reject) => server.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

describe('the sync server held down without a token (issue 17, item 7)', () => {
  it("cuts a slow body off with 408 in the protocol's words once the request timeout passes", async () => {
    const server = await start({ requestTimeoutMs: 1500, headersTimeoutMs: 1000 });
    const desk = await enroll(server);
    const c = rawConnection(server.port);
    await c.connected;
    const startedAt = Date.now();
    c.socket.write(
      `POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${desk.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"deskId":`,
    );
    // One byte every 200 ms: never idle, never done.
    const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 200);
    try {
      const outcome = await within(
        c.closed.then(() => 'closed' as const),
        12_000,
        'still open' as const,
      );
      expect(outcome).toBe('closed');
      expect(Date.now() - startedAt).toBeLessThan(8000);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(JSON.parse(c.received().slice(c.received().indexOf('\r\n\r\n') + 4))).toMatchObject({
        error: { code: 'timeout', message: expect.stringMatching(/did not arrive within 2 seconds/) },
      });
    } finally {
      clearInterval(drip);
      c.socket.destroy();
    }
  });

  it('answers a 32 MB push without a token with 401 before reading its body', async () => {
    const server = await start();
    const sent = { bytes: 0 };
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/v1/push`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(BODY_LIMIT_BYTES) } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // Only the first 64 KB of the promised 32 MB: a server that reads the body first never answers.
      const chunk = Buffer.alloc(64 * 1024, ' ');
      req.write(chunk);
      sent.bytes += chunk.length;
    });
    const outcome = await within(answer, 10_000, null);
    expect(outcome, 'no answer while the body was still to come').not.toBeNull();
    expect(outcome!.status).toBe(401);
    expect(JSON.parse(outcome!.body)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(sent.bytes).toBeLessThan(BODY_LIMIT_BYTES / 100);
  });

  it('refuses connections beyond the cap, and takes new ones once others close', async () => {
    const server = await start({ maxConnections: 3 });
    const held = [rawConnection(server.port), rawConnection(server.port), rawConnection(server.port)];
    await Promise.all(held.map((c) => c.connected));
    await until(async () => (await openConnections(server)) === 3, 'the server to hold 3 connections');

    const extra = rawConnection(server.port);
    extra.socket.on('connect', () => extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    expect(
      await within(
        extra.closed.then(() => 'closed' as const),
        10_000,
        'served' as const,
      ),
    ).toBe('closed');
    expect(extra.received()).toBe('');

    for (const c of held) c.socket.destroy();
    await until(async () => (await openConnections(server)) === 0, 'the held connections to close');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('refuses connections from one address beyond its share, and still serves another address', async () => {
    const server = await start({ connectionsPerAddress: 2 });
    const held = [rawConnection(server.port), rawConnection(server.port)];
    await Promise.all(held.map((c) => c.connected));
    await until(async () => (await openConnections(server)) === 2, 'the server to hold 2 connections');

    const extra = rawConnection(server.port);
    extra.socket.on('connect', () => extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    expect(
      await within(
        extra.closed.then(() => 'closed' as const),
        10_000,
        'served' as const,
      ),
    ).toBe('closed');
    expect(extra.received()).toBe('');

    // Another address on the loopback network is not held back by the first one's connections.
    const other = connect({ port: server.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    let answer = '';
    other.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    other.on('error', () => {});
    other.on('connect', () => other.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    await until(() => answer.includes('"ok":true'), 'the other address to be served');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    for (const c of [...held, { socket: other }]) c.socket.destroy();
  });

  it('refuses enrollment code guessing with 429 after the allowed wrong codes, saying when to try again', async () => {
    const server = await start({ badCodesPerAddress: 5 });
    for (let i = 0; i < 5; i++) expect((await post(server, '/v1/enroll', { code: 'AAAA-BBBB-CCCC', deskCode: 'D09' })).status).toBe(403);
    const { code } = await createEnrollment(server.database.db, {
      schoolName: 'Flood School',
      branchName: 'Main',
      deskCode: 'D09',
      validHours: 1,
    });
    for (const guess of ['AAAA-BBBB-DDDD', code]) {
      const res = await post(server, '/v1/enroll', { code: guess, deskCode: 'D09' });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({
        error: { code: 'rate_limited', message: expect.stringMatching(/try again in \d+ seconds?/) },
      });
    }
  });

  it('keeps enrollment and admin bodies small: a 64 KB enrollment is refused as too large', async () => {
    const server = await start();
    const res = await post(server, '/v1/enroll', { code: 'AAAA-BBBB-CCCC', deskCode: 'D01', padding: 'x'.repeat(64 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'too_large' } });
  });

  it('refuses bad desk tokens from one address with 429 after the allowed tries, and still serves a valid desk from it', async () => {
    const server = await start({ badTokensPerAddress: 5 });
    const desk = await enroll(server);
    const pullBody = { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null };
    for (let i = 0; i < 5; i++)
      expect((await post(server, '/v1/pull', pullBody, `guess${randomUUID().replaceAll('-', '')}`)).status).toBe(401);
    const blocked = await post(server, '/v1/pull', pullBody, `guess${randomUUID().replaceAll('-', '')}`);
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await post(server, '/v1/pull', pullBody, desk.token)).status).toBe(200);
  });

  it('limits receipt checks per address', async () => {
    const server = await start({ verifyPerAddress: 5 });
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/verify/not-a-receipt`)).status).toBe(200);
    const res = await fetch(`${server.url}/verify/not-a-receipt`);
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('limits one desk that sends too much without slowing another desk', async () => {
    const server = await start({ perDesk: 5 });
    const a = await enroll(server, 'D01');
    const b = await enroll(server, 'D02');
    const pull = (desk: { deskId: string; token: string }) =>
      post(server, '/v1/pull', { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, desk.token);
    for (let i = 0; i < 5; i++) expect((await pull(a)).status).toBe(200);
    expect((await pull(a)).status).toBe(429);
    expect((await pull(b)).status).toBe(200);
  });

  it("never limits a healthy desk's sync traffic at the default limits", async () => {
    const server = await start();
    const desk = await enroll(server);
    const statuses = new Set<number>();
    for (let i = 1; i <= 150; i++) {
      const mutation = {
        mutationId: i,
        id: randomUUID(),
        name: 'masters.createClass',
        args: { id: randomUUID(), name: `Class ${i}`, sortOrder: i, sections: [] },
      };
      statuses.add(
        (await post(server, '/v1/push', { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [mutation] }, desk.token))
          .status,
      );
      statuses.add(
        (await post(server, '/v1/pull', { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, desk.token)).status,
      );
      statuses.add(
        (await post(server, '/v1/audit/head', { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, seq: 0 }, desk.token)).status,
      );
    }
    expect([...statuses]).toEqual([200]);
  }, 120_000);
});

// Browser mode's loopback server against a real backend, spoken to as a browser, a foreign page and an attacker would:
// raw HTTP, so the Host, Origin, Cookie and path go out exactly as written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebShell, type WebShell } from '../../src/main/web/server';
import { CHANNEL_HEADER, CLIENT_HEADER, PRINT_HEADER } from '../../src/main/web/policy';
import { createSystemPrinter } from '../../src/main/print/system-printer';
import { ADMIN, openTestDesk, schoolInput, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { send } from '../support/http';

let desk: TestDesk;
let shell: WebShell;
let renderer: { dir: string; cleanup(): void };
/** Every call that reached the backend. */
let reached: string[];
let warnings: string[];
let host: string;
let origin: string;
let cookie: string;
let token: string;

const json = (extra: Record<string, string> = {}) => ({ host, origin, cookie, 'content-type': 'application/json', ...extra });

async function newClient(previous: string | null = null): Promise<string> {
  const answer = await send(shell.port, { method: 'POST', path: '/api/client', headers: json(), body: JSON.stringify({ previous }) });
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { clientId: string }).clientId;
}

async function call(clientId: string, channel: string, input?: unknown, headers: Record<string, string> = {}) {
  return send(shell.port, {
    method: 'POST',
    path: '/api/invoke',
    headers: json({ [CLIENT_HEADER]: clientId, ...headers }),
    body: JSON.stringify({ channel, input }),
  });
}

async function isInitialized(): Promise<boolean> {
  return (await desk.ok('setup.status', undefined, 'check')).initialized;
}

beforeEach(async () => {
  renderer = tempDir();
  // A renderer folder with a secret file beside it (outside it), for the path checks.
  mkdirSync(join(renderer.dir, 'out/renderer/assets'), { recursive: true });
  writeFileSync(
    join(renderer.dir, 'out/renderer/index.html'),
    '<!doctype html><html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(join(renderer.dir, 'out/renderer/assets/app.js'), 'console.log("app")');
  writeFileSync(join(renderer.dir, 'out/secret.txt'), 'TOP SECRET');
  writeFileSync(join(renderer.dir, 'secret.txt'), 'TOP SECRET');
  reached = [];
  warnings = [];
  desk = await openTestDesk({
    printer: createSystemPrinter({
      spoolDir: join(renderer.dir, 'spool'),
      platform: 'linux',
      // No CUPS here (the true edge): every job goes to the tab's print dialog.
      run: () => Promise.reject(Object.assign(new Error('spawn lp ENOENT'), { code: 'ENOENT' })),
      toBrowser: (job) => shell.printInBrowser(job),
    }),
  });
  shell = await startWebShell({
    invoke: (channel, input, clientId) => {
      reached.push(channel);
      return desk.app.invoke(channel, input, clientId);
    },
    rendererDir: join(renderer.dir, 'out/renderer'),
    warn: (line) => void warnings.push(line),
  });
  host = `127.0.0.1:${shell.port}`;
  origin = `http://${host}`;
  token = new URL(shell.openingAddress).searchParams.get('feedesk-token')!;
  const exchange = await send(shell.port, { path: `/?feedesk-token=${token}`, headers: { host, 'sec-fetch-site': 'none' } });
  cookie = String(exchange.headers['set-cookie']).split(';')[0]!;
});

afterEach(async () => {
  await shell.close();
  await desk.close();
  // The secrets were printed once, by the shell's caller: never again, refusals included.
  for (const line of warnings) {
    expect(line).not.toContain(token);
    expect(line).not.toContain(cookie.split('=')[1]);
  }
  renderer.cleanup();
});

describe('browser mode: the launch secret and its cookie', () => {
  it('serves only the loopback address, on a port of its own', () => {
    expect(shell.openingAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?feedesk-token=[0-9a-f]{48}$/);
    expect(shell.origin).toBe(origin);
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and sends the browser on without it in the address', async () => {
    const answer = await send(shell.port, { path: `/?feedesk-token=${token}`, headers: { host } });
    expect(answer.status).toBe(303);
    expect(answer.headers['location']).toBe('/');
    const set = String(answer.headers['set-cookie']);
    expect(set).toMatch(new RegExp(`^feedesk-${shell.port}=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict$`));
    expect(set).not.toContain(token);
    const page = await send(shell.port, { path: '/', headers: { host, cookie } });
    expect(page.status).toBe(200);
    // The api script comes first, so window.api exists when the renderer starts.
    expect(page.body.indexOf('<script type="module" src="/web-api.js">')).toBeLessThan(page.body.indexOf('./assets/app.js'));
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a wrong token and sets no cookie', async () => {
    const answer = await send(shell.port, { path: `/?feedesk-token=${'0'.repeat(48)}`, headers: { host } });
    expect(answer.status).toBe(401);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.body).toMatch(/earlier start of FeeDesk/);
  });

  it('refuses every call without the cookie or with a wrong one, and nothing runs', async () => {
    const clientId = await newClient();
    const initialize = JSON.stringify({ channel: 'setup.initialize', input: schoolInput() });
    const base = { host, origin, 'content-type': 'application/json', [CLIENT_HEADER]: clientId };
    for (const headers of [
      base,
      { ...base, cookie: `feedesk-${shell.port}=${'a'.repeat(64)}` },
      { ...base, cookie: `feedesk-${shell.port + 1}=${cookie.split('=')[1]}` },
    ]) {
      const answer = await send(shell.port, { method: 'POST', path: '/api/invoke', headers, body: initialize });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatch(/not signed in to this FeeDesk/);
    }
    expect(await send(shell.port, { path: '/', headers: { host } })).toMatchObject({ status: 401 });
    expect(await send(shell.port, { path: '/assets/app.js', headers: { host } })).toMatchObject({ status: 401 });
    expect(reached).toEqual([]);
    expect(await isInitialized()).toBe(false);
  });
});

describe('browser mode: other sites and other names', () => {
  it('refuses a foreign Host header (DNS rebinding), whatever else is right', async () => {
    const clientId = await newClient();
    for (const foreign of [`evil.example:${shell.port}`, `localhost:${shell.port}`, `127.0.0.1:${shell.port + 1}`, '127.0.0.1']) {
      const answer = await call(clientId, 'setup.initialize', schoolInput(), { host: foreign });
      expect(answer.status, foreign).toBe(403);
      const page = await send(shell.port, { path: `/?feedesk-token=${token}`, headers: { host: foreign } });
      expect(page.status, foreign).toBe(403);
      expect(page.headers['set-cookie']).toBeUndefined();
    }
    expect(reached).toEqual([]);
    expect(await isInitialized()).toBe(false);
  });

  it('refuses calls from another origin, a sandboxed page or one without an Origin, even with the cookie', async () => {
    const clientId = await newClient();
    for (const from of ['http://evil.example', `http://127.0.0.1:${shell.port + 1}`, 'null']) {
      expect((await call(clientId, 'setup.initialize', schoolInput(), { origin: from })).status, from).toBe(403);
    }
    const { origin: _dropped, ...noOrigin } = json({ [CLIENT_HEADER]: clientId });
    const answer = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke',
      headers: noOrigin,
      body: JSON.stringify({ channel: 'setup.initialize', input: schoolInput() }),
    });
    expect(answer.status).toBe(403);
    expect((await call(clientId, 'setup.initialize', schoolInput(), { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call(clientId, 'setup.initialize', schoolInput(), { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect(reached).toEqual([]);
    expect(await isInitialized()).toBe(false);
  });

  it('refuses a cross-site form POST (the only request another site can make carry a cookie)', async () => {
    const clientId = await newClient();
    const form = new URLSearchParams({ channel: 'setup.initialize', input: JSON.stringify(schoolInput()) }).toString();
    const attempts: Record<string, string>[] = [
      { host, origin: 'http://evil.example', cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      // Even were the Origin forged to ours (no browser lets a page do that), a form cannot send JSON.
      { host, origin, cookie, 'content-type': 'application/x-www-form-urlencoded', [CLIENT_HEADER]: clientId },
      { host, origin, cookie, 'content-type': 'text/plain', [CLIENT_HEADER]: clientId },
    ];
    for (const headers of attempts) {
      const answer = await send(shell.port, { method: 'POST', path: '/api/invoke', headers, body: form });
      expect([403, 415]).toContain(answer.status);
    }
    expect(reached).toEqual([]);
    expect(await isInitialized()).toBe(false);
  });

  it('answers API calls to POST only, and not to a tab it never issued', async () => {
    expect((await send(shell.port, { path: '/api/invoke', headers: { host, origin, cookie } })).status).toBe(405);
    const forged = await call('tab-00000000-0000-4000-8000-000000000000', 'store.status');
    expect(forged.status).toBe(401);
    expect(forged.body).toMatch(/tab is not known/);
    expect(reached).toEqual([]);
  });

  it('refuses a body too large for any channel, and JSON that is not JSON', async () => {
    const clientId = await newClient();
    const huge = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke',
      headers: json({ [CLIENT_HEADER]: clientId }),
      body: Buffer.alloc(3 * 1024 * 1024, 0x20),
    });
    expect(huge.status).toBe(413);
    const broken = await send(shell.port, {
      method: 'POST',
      path: '/api/invoke',
      headers: json({ [CLIENT_HEADER]: clientId }),
      body: '{"channel": "store.status"',
    });
    expect(broken.status).toBe(415);
    expect(reached).toEqual([]);
  });

  it('takes a file a tab sends (imports.receiveFile) at the file’s size, and a body that large for that channel only', async () => {
    const clientId = await newClient();
    const content = Buffer.alloc(3 * 1024 * 1024, 'Adm No,Name\r\n').toString('base64');
    const body = (channel: string) => JSON.stringify({ channel, input: { fileName: 'students.csv', content } });
    const post = (announced: string, channel: string) =>
      send(shell.port, {
        method: 'POST',
        path: '/api/invoke',
        headers: json({ [CLIENT_HEADER]: clientId, [CHANNEL_HEADER]: announced }),
        body: body(channel),
      });
    // Announced as another channel: as large as that channel allows, which is far less.
    expect((await post('store.status', 'store.status')).status).toBe(413);
    // Let in at a file's size, it must be that file's call.
    expect((await post('imports.receiveFile', 'store.status')).status).toBe(400);
    expect(reached).toEqual([]);
    const sent = await post('imports.receiveFile', 'imports.receiveFile');
    expect(sent.status).toBe(200);
    expect(reached).toEqual(['imports.receiveFile']);
  });
});

describe('browser mode: files come from the renderer folder only', () => {
  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/assets/%5c..%5c..%5csecret.txt',
    '/%00/index.html',
    '/%E0%A4%A',
    '/secret.txt',
  ])('answers %s with 404, never a file outside', async (path) => {
    const answer = await send(shell.port, { path, headers: { host, cookie } });
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('TOP SECRET');
  });

  it('serves the renderer’s own files with its CSP', async () => {
    const asset = await send(shell.port, { path: '/assets/app.js', headers: { host, cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect(asset.headers['content-security-policy']).toContain("object-src 'none'");
  });
});

describe('browser mode: tabs and calls', () => {
  it('answers the contract’s channels through the transport, each tab with a session of its own', async () => {
    const first = await newClient();
    const second = await newClient();
    expect(second).not.toBe(first);
    const status = await call(first, 'store.status');
    expect(JSON.parse(status.body)).toEqual({ ok: true, value: { state: 'open' } });
    expect(JSON.parse((await call(first, 'setup.initialize', schoolInput())).body)).toMatchObject({ ok: true });
    // The admin is logged in at the first tab (set-up logs her in) and nowhere else.
    expect(JSON.parse((await call(first, 'auth.session')).body)).toMatchObject({ ok: true, value: { user: { username: ADMIN.username } } });
    expect(JSON.parse((await call(second, 'auth.session')).body)).toEqual({ ok: true, value: null });
    // A reload keeps its tab (the id it had), a copy of a tab or another start of FeeDesk does not.
    expect(await newClient(first)).toBe(first);
    expect(await newClient('tab-from-an-earlier-start')).not.toBe('tab-from-an-earlier-start');
  });

  it('hands a print with no system printer to the tab that asked, as a PDF only its cookie fetches', async () => {
    desk.clock.current = new Date('2026-04-05T05:00:00Z');
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    const student = await admit(desk, school);
    const receipt = await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
    const clientId = await newClient();
    await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, clientId);

    const printed = await call(clientId, 'receipts.print', { paymentId: receipt.paymentId, target: 'printer' });
    expect(JSON.parse(printed.body)).toMatchObject({ ok: true, value: { copyNo: 1 } });
    const url = String(printed.headers[PRINT_HEADER]);
    expect(url).toMatch(/^\/print\/[0-9a-f-]{36}\.pdf$/);
    const pdf = await send(shell.port, { path: url, headers: { host, cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.startsWith('%PDF-')).toBe(true);
    expect((await send(shell.port, { path: url, headers: { host } })).status).toBe(401);
    expect((await send(shell.port, { path: url, headers: { host: `evil.example:${shell.port}`, cookie } })).status).toBe(403);
    // Saving a PDF prints nothing: no dialog.
    const saved = await call(clientId, 'receipts.print', { paymentId: receipt.paymentId, target: 'pdf' });
    expect(saved.headers[PRINT_HEADER]).toBeUndefined();
    // A print outside any tab's call (a scheduled job) has no dialog to go to.
    expect(shell.printInBrowser({ title: 'x', pdf: new Uint8Array([1]), silent: true, printerName: null })).toBe(false);
  });
});

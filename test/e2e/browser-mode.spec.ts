// Browser mode as users get it: `npm start` on a machine with no display and no Electron binary, two tabs, a foreign
// page trying its luck, a receipt printed where there is no system printer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installedElectron } from '../../scripts/start-shell';
import { createSystemPrinter } from '../../src/main/print/system-printer';
import { CLIENT_HEADER } from '../../src/main/web/policy';
import { startWebShell } from '../../src/main/web/server';
import { ADMIN, openTestDesk, setUpSchool, tempDir } from '../support/harness';
import { send } from '../support/http';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, RENDERER_DIR, SHOTS, test } from './support/fixtures';

const root = join(import.meta.dirname, '../..');
const ADDRESS = /FeeDesk is running in your browser at (http:\/\/127\.0\.0\.1:(\d+)\/\?feedesk-token=([0-9a-f]+))/;

/** A FeeDesk process as a user starts it, its output kept. */
function startFeeDesk(command: string, args: string[], env: Record<string, string | undefined>) {
  const child = spawn(command, args, { cwd: root, env: env as NodeJS.ProcessEnv, detached: true }) as ChildProcessWithoutNullStreams;
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    /** The exit code (null when ended by a signal). */
    exited: ended.then((e) => e.code),
    /** npm ends itself with the signal its child got (Ctrl+C): ended well is 0, or that signal after the child ended well. */
    endedWell: ended.then((e) => e.code === 0 || e.signal === 'SIGINT'),
    async address(): Promise<{ url: string; port: number; token: string }> {
      await expect
        .poll(() => (ADDRESS.test(output) ? 'address' : output), { timeout: 90_000, message: 'the address FeeDesk prints' })
        .toBe('address');
      const m = ADDRESS.exec(output)!;
      return { url: m[1]!, port: Number(m[2]), token: m[3]! };
    },
    /** Ctrl+C in a terminal: SIGINT to the whole process group (npm, the launcher, FeeDesk). */
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** A machine with nothing of FeeDesk's yet: its own home, no display. */
function freshMachine(extra: Record<string, string> = {}) {
  const home = tempDir();
  const env: Record<string, string | undefined> = { ...process.env, HOME: home.dir, XDG_CONFIG_HOME: join(home.dir, '.config'), ...extra };
  if (!extra['DISPLAY']) delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  return { home, env, folder: join(home.dir, '.config', 'FeeDesk') };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The address's secret exchanged for the cookie, as the browser does on arrival. */
async function cookieFor(port: number, token: string): Promise<string> {
  const answer = await send(port, { path: `/?feedesk-token=${token}`, headers: { host: `127.0.0.1:${port}` } });
  expect(answer.status).toBe(303);
  return String(answer.headers['set-cookie']).split(';')[0]!;
}

async function invokeOver(port: number, cookie: string | null, channel: string, input?: unknown) {
  const host = `127.0.0.1:${port}`;
  const base = { host, origin: `http://${host}`, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) };
  const client = await send(port, { method: 'POST', path: '/api/client', headers: base, body: '{}' });
  const clientId = client.status === 200 ? (JSON.parse(client.body) as { clientId: string }).clientId : 'none';
  return send(port, {
    method: 'POST',
    path: '/api/invoke',
    headers: { ...base, [CLIENT_HEADER]: clientId },
    body: JSON.stringify({ channel, input }),
  });
}

test('npm start -- --browser with no display: comes up, answers through its transport only with the secret, refuses a second FeeDesk, stops on Ctrl+C with the store closed', async () => {
  test.setTimeout(180_000);
  const machine = freshMachine();
  // A receipt a crashed run left in the print spool, and one another running process is printing.
  const spool = join(machine.folder, 'spool');
  mkdirSync(spool, { recursive: true });
  writeFileSync(join(spool, '999999999-3-receipt-2026-27-D01-000042.pdf'), '%PDF-1.7 Asha Verma 12,500.00');
  writeFileSync(join(spool, `${process.pid}-1-receipt-2026-27-D01-000043.pdf`), '%PDF-1.7');
  const feedesk = startFeeDesk('npm', ['start', '--', '--browser'], machine.env);
  try {
    const { port, token } = await feedesk.address();
    expect(readdirSync(spool)).toEqual([`${process.pid}-1-receipt-2026-27-D01-000043.pdf`]);
    // Asked for: no reason line.
    expect(feedesk.output()).not.toMatch(/instead of a desktop window/);

    expect((await invokeOver(port, null, 'store.status')).status).toBe(401);
    const cookie = await cookieFor(port, token);
    const status = await invokeOver(port, cookie, 'store.status');
    // No keychain in plain Node: a new desk chooses a passphrase.
    expect(JSON.parse(status.body)).toEqual({ ok: true, value: { state: 'new_passphrase' } });
    expect(JSON.parse((await invokeOver(port, cookie, 'store.createPassphrase', { passphrase: 'mango orchard monsoon' })).body)).toEqual({
      ok: true,
      value: { state: 'open' },
    });
    expect(existsSync(join(machine.folder, 'feedesk.db'))).toBe(true);
    // Refusals are logged without the secrets.
    expect((await send(port, { path: `/?feedesk-token=${'0'.repeat(48)}`, headers: { host: `evil.example:${port}` } })).status).toBe(403);

    const second = startFeeDesk(process.execPath, [join(root, 'out/main/web.js'), '--no-open'], machine.env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `FeeDesk could not start: FeeDesk is already running on this store (${join(machine.folder, 'feedesk.db')}): browser mode, process`,
    );
    expect(second.output()).toContain(`at http://127.0.0.1:${port}/`);
    expect(second.output()).not.toContain(token);

    feedesk.interrupt();
    expect(await feedesk.endedWell).toBe(true);
    expect(feedesk.output()).toContain('FeeDesk: stopped; the store is closed.');
    // Closed: the WAL checkpointed into the file and removed, the lock let go; the file is encrypted.
    expect(existsSync(join(machine.folder, 'feedesk.db-wal'))).toBe(false);
    expect(existsSync(join(machine.folder, 'feedesk.db.lock.json'))).toBe(false);
    expect(statSync(join(machine.folder, 'feedesk.db')).size).toBeGreaterThan(4096);
    expect(readFileSync(join(machine.folder, 'feedesk.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
    // The secret went to the terminal once, in the address, and never again.
    expect(feedesk.output().split(token).length - 1).toBe(1);
  } finally {
    feedesk.kill();
    machine.home.cleanup();
  }
});

test('npm start where Electron’s binary cannot be downloaded: FeeDesk in the browser, and one line saying why', async () => {
  test.setTimeout(180_000);
  const electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  test.skip(installedElectron(electronDir) !== null, 'the Electron binary is installed here: npm start opens the desktop window');
  // A display to open a window on, and a download host that refuses (a port just let go of), as on a registry-only network.
  const machine = freshMachine({ DISPLAY: ':99', ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/` });
  machine.env['electron_config_cache'] = join(machine.home.dir, 'electron-cache');
  const feedesk = startFeeDesk('npm', ['start', '--', '--no-open'], machine.env);
  try {
    const { port, token } = await feedesk.address();
    expect(feedesk.output()).toMatch(/Getting Electron \d+\.\d+\.\d+ for the desktop window/);
    const reasons = feedesk
      .output()
      .split('\n')
      .filter((line) => line.includes('instead of a desktop window'));
    expect(reasons).toEqual([
      expect.stringMatching(
        /^FeeDesk opens in your browser instead of a desktop window: the Electron binary could not be downloaded \(.*ECONNREFUSED.*\)\.$/,
      ),
    ]);
    const cookie = await cookieFor(port, token);
    expect(JSON.parse((await invokeOver(port, cookie, 'store.status')).body)).toMatchObject({ ok: true });
    feedesk.interrupt();
    expect(await feedesk.endedWell).toBe(true);
    expect(feedesk.output()).toContain('FeeDesk: stopped; the store is closed.');
  } finally {
    feedesk.kill();
    machine.home.cleanup();
  }
});

test('each tab is a desk window of its own: its own login and lock; a reload keeps it, a duplicated tab does not', async ({
  page,
  context,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();

  const other = await context.newPage();
  await other.goto(rendererUrl);
  await expect(other.getByLabel('Username')).toBeVisible();

  // Chromium's "Duplicate tab" copies sessionStorage: the copy must not walk into the first tab's session.
  const id = await page.evaluate(() => sessionStorage.getItem('feedesk.clientId'));
  expect(id).toMatch(/^tab-/);
  const copy = await context.newPage();
  await copy.addInitScript((value) => sessionStorage.setItem('feedesk.clientId', value), id!);
  await copy.goto(rendererUrl);
  await expect(copy.getByLabel('Username')).toBeVisible();
  expect(await copy.evaluate(() => sessionStorage.getItem('feedesk.clientId'))).not.toBe(id);

  // Alt+L locks from a text box (the browser keeps Ctrl+L for its address bar); the other tabs are not locked.
  await page.getByRole('combobox').first().focus();
  await page.keyboard.press('Alt+L');
  await expect(page.getByRole('dialog', { name: 'Screen locked' })).toBeVisible();
  await expect(other.getByLabel('Username')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Screen locked' })).toBeHidden();
  await expectAccessible(page, 'collect after unlock (browser mode)');
});

test('a foreign page on the same machine cannot make FeeDesk do anything, though the browser holds its cookie', async ({
  page,
  desk,
  rendererUrl,
  shell,
}) => {
  await page.goto(rendererUrl);
  await expect(page.getByRole('heading', { name: /Protect this desk|Set up FeeDesk/ })).toBeVisible();
  const target = `${shell.origin}/api/invoke`;
  const attack = `<!doctype html><html><body>
    <form id="f" method="POST" action="${target}" enctype="text/plain">
      <input name='{"channel":"setup.initialize","input":{"schoolName":"Pwned","currency":"INR","locale":"en-IN","deskCode":"D09","admin":{"username":"mallory","fullName":"M","password":"mallory-takes-over"}},"x":"' value='"}'>
    </form>
    <script>
      fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ channel: 'setup.initialize', input: {} }) }).finally(() => document.getElementById('f').submit());
    </script></body></html>`;
  // Another port of 127.0.0.1 is the same site: a SameSite cookie goes along, so the Origin check is what holds.
  const evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attack));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const refused = page.waitForResponse(
      (r) => r.url() === target && r.request().method() === 'POST' && r.request().postData()?.includes('Pwned') === true,
    );
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    expect((await refused).status()).toBe(403);
    expect((await desk.ok('setup.status', undefined, 'check')).initialized).toBe(false);
    expect(desk.errors.length).toBeGreaterThan(0);
    // The refusals were logged: they are expected here.
    desk.errors.length = 0;
  } finally {
    await new Promise((resolve) => evil.close(resolve));
  }
});

test('with no system printer, Print opens the browser’s print dialog on the receipt', async ({ page }) => {
  const spool = tempDir();
  let shell: Awaited<ReturnType<typeof startWebShell>> | null = null;
  const desk = await openTestDesk({
    printer: createSystemPrinter({
      spoolDir: spool.dir,
      platform: 'win32',
      run: () => Promise.reject(new Error('not on this platform')),
      toBrowser: (job) => shell!.printInBrowser(job),
    }),
  });
  shell = await startWebShell({
    invoke: (channel, input, clientId) => desk.app.invoke(channel, input, clientId),
    rendererDir: RENDERER_DIR,
  });
  try {
    desk.clock.current = new Date('2026-04-05T05:00:00Z');
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    await admit(desk, school, { fullName: 'Ishaan Verma' });
    // The print dialog is the edge here (headless Chromium has none, and may crash asked for one): the frame's
    // print() is counted instead of opened.
    await page.addInitScript({
      content: `(() => {
        const own = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow');
        Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', { configurable: true, get() {
          const w = own.get.call(this);
          if (!w) return w;
          return new Proxy(w, { get(target, key) {
            if (key === 'print') return () => { window.__printDialogs = (window.__printDialogs || 0) + 1; };
            const value = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          } });
        } });
      })();`,
    });
    await page.goto(shell.openingAddress);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByLabel('Code from your authenticator app').fill(desk.authenticator.code(ADMIN.username));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
    await page.keyboard.type('ishaan');
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Amount received')).toBeFocused();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('2500');
    await page.keyboard.press('F2');
    const preview = page.getByRole('region', { name: 'Receipt preview' });
    await expect(preview.getByRole('heading', { name: 'Receipt 2026-27/D01/000001' })).toBeVisible();
    await preview.getByRole('button', { name: 'Print (Ctrl+P)' }).click();
    await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
    const frame = page.locator('iframe[title="Printing"]');
    await expect(frame).toHaveCount(1);
    const src = (await frame.getAttribute('src'))!;
    expect(src).toMatch(/^\/print\/[0-9a-f-]{36}\.pdf$/);
    const pdf = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { type: response.headers.get('content-type'), head: new TextDecoder().decode((await response.arrayBuffer()).slice(0, 5)) };
    }, src);
    expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
    await expect.poll(() => page.evaluate('window.__printDialogs')).toBe(1);
    await page.screenshot({ path: join(SHOTS, '90-browser-mode-print.png') });
  } finally {
    await shell.close();
    await desk.close();
    spool.cleanup();
  }
});

test('the opened page carries window.api from web-api.js and nothing of Node', async ({ page, rendererUrl }) => {
  await page.goto(rendererUrl);
  await expect(page).toHaveURL(/\/$/);
  expect(page.url()).not.toContain('feedesk-token');
  const shape = await page.evaluate(
    '({ api: typeof window.api?.store?.status, require: typeof window.require, process: typeof window.process, cookie: document.cookie })',
  );
  // HttpOnly: the cookie is not the page's to read.
  expect(shape).toEqual({ api: 'function', require: 'undefined', process: 'undefined', cookie: '' });
});

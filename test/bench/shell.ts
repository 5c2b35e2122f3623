// Browser mode's cost: one call through its HTTP transport against the same call made directly, and how long
// `out/main/web.js` takes from process start to its first answered call (the built app, as `npm start` runs it).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { CLIENT_HEADER } from '../../src/main/web/policy';
import { startWebShell, type WebShell } from '../../src/main/web/server';
import { openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import type { BenchCase } from './harness';

const root = join(import.meta.dirname, '../..');
const scratch = tempDir();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One POST over a kept-alive connection, as a browser tab makes its calls. */
function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function get(port: number, path: string): Promise<{ status: number; cookie: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '').split(';')[0]! }));
    })
      .on('error', reject)
      .end();
  });
}

/** The address's secret exchanged for the cookie, and a tab's id: what a browser does before its first call. */
async function browserTab(address: string): Promise<((channel: string, input?: unknown) => Promise<string>) & { clientId: string }> {
  const url = new URL(address);
  const port = Number(url.port);
  const { cookie } = await get(port, `${url.pathname}${url.search}`);
  const headers = { origin: url.origin, cookie, 'content-type': 'application/json' };
  const client = await post(port, '/api/client', headers, '{}');
  const { clientId } = JSON.parse(client.body) as { clientId: string };
  const send = async (channel: string, input?: unknown) => {
    const answer = await post(port, '/api/invoke', { ...headers, [CLIENT_HEADER]: clientId }, JSON.stringify({ channel, input }));
    if (answer.status !== 200 || !answer.body.startsWith('{"ok":true'))
      throw new Error(`${channel} through browser mode: ${answer.status} ${answer.body}`);
    return answer.body;
  };
  return Object.assign(send, { clientId });
}

let desk: TestDesk | null = null;
let shell: WebShell | null = null;
let call: Awaited<ReturnType<typeof browserTab>> | null = null;
const studentIds: string[] = [];

/** A small school, the cashier logged in at a direct client and at a browser tab. */
async function openShell(): Promise<void> {
  if (desk) return;
  desk = await openTestDesk({ dir: join(scratch.dir, 'desk') });
  desk.clock.current = new Date('2026-08-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  for (let i = 0; i < 20; i++) studentIds.push((await admit(desk, school)).id);
  await desk.ok('users.create', { username: 'cashier', fullName: 'Ravi Kumar', role: 'cashier', password: 'counter-cash-2026' });
  shell = await startWebShell({
    invoke: (channel, input, clientId) => desk!.app.invoke(channel, input, clientId),
    rendererDir: join(root, 'out/renderer'),
  });
  call = await browserTab(shell.openingAddress);
  for (const client of ['bench', call.clientId])
    await desk.ok('auth.login', { username: 'cashier', password: 'counter-cash-2026' }, client);
}

const pick = () => studentIds[Math.floor(Math.random() * studentIds.length)]!;

/** Starts the built browser-mode shell on a profile and returns its address once printed. */
function startBuilt(profile: string): Promise<{ address: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'out/main/web.js'), '--no-open', `--user-data-dir=${profile}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const stopped = new Promise<void>((done) => child.on('exit', () => done()));
    child.on('error', reject);
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /running in your browser at (\S+)/.exec(output);
      if (m) resolve({ address: m[1]!, stop: () => (child.kill('SIGINT'), stopped) });
    });
    void stopped.then(() => reject(new Error(`web.js ended before printing its address:\n${output}`)));
  });
}

let started = 0;

export const shellCases: BenchCase[] = [
  {
    name: 'shell.invoke.direct',
    runs: 2000,
    warmup: 200,
    setup: openShell,
    async run() {
      const result = await desk!.app.invoke('store.status', undefined, 'bench');
      if (!result.ok) throw new Error('store.status failed');
    },
  },
  {
    name: 'shell.invoke.http',
    baseline: 'shell.invoke.direct',
    runs: 2000,
    warmup: 200,
    setup: openShell,
    async run() {
      await call!('store.status');
    },
  },
  {
    // What a cashier's screen asks when a student opens: the dues, with fines to date.
    name: 'shell.dues.direct',
    runs: 1000,
    warmup: 100,
    setup: openShell,
    async run() {
      const result = await desk!.app.invoke('payments.openDues', { studentIds: [pick()] }, 'bench');
      if (!result.ok) throw new Error(`payments.openDues failed: ${result.error.message}`);
    },
  },
  {
    name: 'shell.dues.http',
    baseline: 'shell.dues.direct',
    runs: 1000,
    warmup: 100,
    setup: openShell,
    async run() {
      await call!('payments.openDues', { studentIds: [pick()] });
    },
  },
  {
    // From `node out/main/web.js` starting to its first answered call (an existing passphrase store: it asks for the passphrase).
    name: 'shell.start',
    runs: 10,
    warmup: 1,
    async setup() {
      const first = await startBuilt(join(scratch.dir, 'profile'));
      const tab = await browserTab(first.address);
      await tab('store.createPassphrase', { passphrase: 'bench passphrase 2026' });
      await first.stop();
    },
    async run() {
      const launched = await startBuilt(join(scratch.dir, 'profile'));
      const tab = await browserTab(launched.address);
      await tab('store.status');
      started += 1;
      return () => launched.stop();
    },
    extra: () => ({ starts: started }),
  },
];

export async function closeShellBench(): Promise<void> {
  await shell?.close();
  await desk?.close();
  agent.destroy();
  scratch.cleanup();
}

// Browser mode's window onto the backend: the built renderer and the contract's channels served on the loopback
// interface to the user's own browser. Each tab is a client of its own (its own session and idle lock); the checks a
// request passes are the pure functions of policy.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Result } from '../../shared/contract/errors';
import type { PrintJob } from '../print/printer';
import { contentTypeFor, resolveRendererFile } from '../shell-policy';
import {
  CLIENT_HEADER,
  type Launch,
  LOOPBACK,
  newLaunch,
  openingAddress,
  PRINT_HEADER,
  type Refusal,
  bodyLimit,
  CHANNEL_HEADER,
  refuseApiCall,
  refuseForeign,
  type RequestFacts,
  responseHeaders,
  sessionCookie,
  TOKEN_PARAM,
  tokenMatches,
  hasSessionCookie,
  withWebApi,
} from './policy';

/** The script the renderer build emits for browser mode (src/preload/web.ts): window.api over HTTP. */
export const WEB_API_SCRIPT = '/web-api.js';
/** A PDF handed to the browser's print dialog stays fetchable this long. */
const PRINT_KEPT_MS = 10 * 60_000;

export type Invoke = (channel: string, input: unknown, clientId: string) => Promise<Result<unknown>>;

export interface WebShellOptions {
  invoke: Invoke;
  /** out/renderer: index.html, assets and web-api.js. */
  rendererDir: string;
  /** 0 (the default): a free port. */
  port?: number;
  /** Told about refused and failed requests; never given the secrets. */
  warn?: (message: string) => void;
}

export interface WebShell {
  /** The address to open once: it carries the launch secret. */
  openingAddress: string;
  /** http://127.0.0.1:PORT, without the secret. */
  origin: string;
  port: number;
  /**
   * For the printer: during a call from a tab, keeps the PDF for that tab to print through the browser's dialog
   * and returns true; outside any call (a scheduled job) returns false.
   */
  printInBrowser(job: PrintJob): boolean;
  close(): Promise<void>;
}

interface CallContext {
  printUrl: string | null;
}

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const warn = options.warn ?? (() => {});
  const calls = new AsyncLocalStorage<CallContext>();
  const clients = new Set<string>();
  const prints = new Map<string, { job: PrintJob; until: number }>();
  let launch: Launch | null = null;
  let indexHtml: Buffer | null = null;

  const page = async (): Promise<Buffer> => (indexHtml ??= Buffer.from(withWebApi(await readFile(indexFile, 'utf8'), WEB_API_SCRIPT)));

  const indexFile = resolveRendererFile(options.rendererDir, '/')!;
  const refuse = (res: ServerResponse, refusal: Refusal) => {
    res.writeHead(refusal.status, responseHeaders({ 'content-type': 'text/plain; charset=utf-8' }));
    res.end(`${refusal.reason}\n`);
  };

  const facts = (req: IncomingMessage): RequestFacts => ({
    method: req.method ?? 'GET',
    host: req.headers.host,
    origin: req.headers.origin,
    fetchSite: header(req, 'sec-fetch-site'),
    cookie: req.headers.cookie,
  });

  async function serveFile(req: IncomingMessage, res: ServerResponse, url: URL, l: Launch) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, { status: 405, reason: 'only GET here' });
    if (url.searchParams.has(TOKEN_PARAM)) {
      if (!tokenMatches(url.searchParams.get(TOKEN_PARAM), l)) {
        return refuse(res, { status: 401, reason: 'this address is from an earlier start of FeeDesk: open the one it printed this time' });
      }
      // The secret leaves the address bar (and the history's later entries) at once.
      res.writeHead(303, responseHeaders({ location: '/', 'set-cookie': sessionCookie(l) }));
      return res.end();
    }
    if (!hasSessionCookie(req.headers.cookie, l)) {
      return refuse(res, {
        status: 401,
        reason: 'not signed in to this FeeDesk: open the address it printed when it started (with its feedesk-token)',
      });
    }
    const print = /^\/print\/([0-9a-f-]{36})\.pdf$/.exec(url.pathname);
    if (print) return servePrint(res, print[1]!);
    const file = resolveRendererFile(options.rendererDir, url.pathname);
    if (!file) return refuse(res, { status: 404, reason: 'not found' });
    try {
      const body = file === indexFile ? await page() : await readFile(file);
      res.writeHead(200, responseHeaders({ 'content-type': contentTypeFor(file) }));
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      refuse(res, { status: 404, reason: 'not found' });
    }
  }

  function servePrint(res: ServerResponse, id: string) {
    const kept = prints.get(id);
    if (!kept || kept.until < Date.now()) return refuse(res, { status: 404, reason: 'this print has expired: print it again' });
    const name = kept.job.title.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.pdf$/i, '');
    // No CSP here: the browser's PDF viewer is not our page, and no script of ours runs in it.
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${name}.pdf"`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(kept.job.pdf));
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL, l: Launch) {
    const refusal = refuseApiCall({ ...facts(req), contentType: req.headers['content-type'] }, l);
    if (refusal) return refuse(res, refusal);
    const announced = header(req, CHANNEL_HEADER);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, bodyLimit(announced))).toString('utf8'));
    } catch (err) {
      if (!(err instanceof TooLarge)) return refuse(res, { status: 415, reason: 'the request is not JSON' });
      res.setHeader('connection', 'close');
      res.on('finish', () => req.socket.destroy());
      return refuse(res, { status: 413, reason: 'the request is too large' });
    }
    if (url.pathname === '/api/client') return json(res, { clientId: clientFor(body) });
    if (url.pathname !== '/api/invoke') return refuse(res, { status: 404, reason: 'no such API' });
    const clientId = header(req, CLIENT_HEADER);
    if (!clientId || !clients.has(clientId))
      return refuse(res, { status: 401, reason: 'this tab is not known to this FeeDesk: reload it' });
    const call = isRecord(body) ? body : {};
    // A body let in at a file's size is that file's call, nothing else.
    if (announced !== undefined && call['channel'] !== announced)
      return refuse(res, { status: 400, reason: 'the call is not for the channel its header names' });
    const context: CallContext = { printUrl: null };
    const result = await calls.run(context, () => options.invoke(String(call['channel']), call['input'], clientId));
    json(res, result, context.printUrl ? { [PRINT_HEADER]: context.printUrl } : {});
  }

  /** A tab keeps its id across reloads (sessionStorage); one this launch did not issue gets a new one. */
  function clientFor(body: unknown): string {
    const previous = isRecord(body) && typeof body['previous'] === 'string' ? body['previous'] : null;
    if (previous && clients.has(previous)) return previous;
    const id = `tab-${randomUUID()}`;
    clients.add(id);
    return id;
  }

  const server = createServer((req, res) => {
    const l = launch!;
    const refusal = refuseForeign(facts(req), l);
    if (refusal) {
      warn(`browser mode: refused ${req.method} from a foreign page or host (${refusal.reason})`);
      return refuse(res, refusal);
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', l.origin);
    } catch {
      return refuse(res, { status: 404, reason: 'not found' });
    }
    const handled = url.pathname.startsWith('/api/') ? serveApi(req, res, url, l) : serveFile(req, res, url, l);
    handled.catch((err: unknown) => {
      warn(`browser mode: ${req.method} ${url.pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, { status: 404, reason: 'not found' });
      else res.destroy();
    });
  });
  // Keep-alive sockets of an open tab must not hold up a stop.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  launch = newLaunch(port);

  const sweep = setInterval(() => {
    for (const [id, kept] of prints) if (kept.until < Date.now()) prints.delete(id);
  }, 60_000);
  sweep.unref();

  return {
    openingAddress: openingAddress(launch),
    origin: launch.origin,
    port,
    printInBrowser(job) {
      const context = calls.getStore();
      if (!context) return false;
      const id = randomUUID();
      prints.set(id, { job, until: Date.now() + PRINT_KEPT_MS });
      context.printUrl = `/print/${id}.pdf`;
      return true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the answer says why and closes the connection.
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, value: unknown, extra: Record<string, string> = {}) {
  res.writeHead(200, responseHeaders({ 'content-type': 'application/json; charset=utf-8', ...extra }));
  res.end(JSON.stringify(value));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

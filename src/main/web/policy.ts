// What browser mode's loopback server lets through, as pure functions (tested without a socket). Built like a
// notebook server's: loopback only, a fresh secret per launch handed to the browser once in the opened address and
// exchanged for an HttpOnly SameSite=Strict cookie, the Host header pinned to the address served (DNS rebinding),
// the Origin pinned to it too (no CORS, no cross-site form posts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../shell-policy';
import { RECEIVED_FILE_MAX_BYTES } from '../../shared/contract/imports';

export const LOOPBACK = '127.0.0.1';
/** The query parameter of the opened address that carries the launch secret. */
export const TOKEN_PARAM = 'feedesk-token';
/** The header a tab names itself by (its own session and idle lock, as a window in the desktop app). */
export const CLIENT_HEADER = 'x-feedesk-client';
/** The header on an answer whose print job is for the browser's own print dialog. */
export const PRINT_HEADER = 'x-feedesk-print';

/** One launch of browser mode: where it serves, and its two secrets. */
export interface Launch {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** 127.0.0.1:PORT: the only Host header answered. */
  host: string;
  /** In the address opened once; exchanged for the cookie. */
  token: string;
  /** Per port: a cookie is sent to every port of a host, and two FeeDesks (a demo beside the real one) must not mix. */
  cookieName: string;
  cookieValue: string;
}

export function newLaunch(port: number): Launch {
  return {
    origin: `http://${LOOPBACK}:${port}`,
    host: `${LOOPBACK}:${port}`,
    token: randomBytes(24).toString('hex'),
    cookieName: `feedesk-${port}`,
    cookieValue: randomBytes(32).toString('hex'),
  };
}

/** The address printed once and opened in the browser. */
export const openingAddress = (launch: Launch): string => `${launch.origin}/?${TOKEN_PARAM}=${launch.token}`;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const tokenMatches = (given: string | null, launch: Launch): boolean => given !== null && sameSecret(given, launch.token);

/** The cookie the token is exchanged for: the browser sends it back, no script can read it, no other site can make it go. */
export const sessionCookie = (launch: Launch): string => `${launch.cookieName}=${launch.cookieValue}; Path=/; HttpOnly; SameSite=Strict`;

export function hasSessionCookie(cookieHeader: string | undefined, launch: Launch): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((part) => {
    const at = part.indexOf('=');
    return at > 0 && part.slice(0, at).trim() === launch.cookieName && sameSecret(part.slice(at + 1).trim(), launch.cookieValue);
  });
}

export type Refusal = { status: 400 | 401 | 403 | 404 | 405 | 413 | 415; reason: string };

export interface RequestFacts {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  /** Sec-Fetch-Site, which browsers send and no page can forge. */
  fetchSite: string | undefined;
  cookie: string | undefined;
}

/**
 * The checks every request passes before anything else: the Host is the address served (a page on another name that
 * resolves to 127.0.0.1 is refused), and any Origin or Sec-Fetch-Site the browser sends says it comes from the app.
 */
export function refuseForeign(request: RequestFacts, launch: Launch): Refusal | null {
  if (request.host !== launch.host) return { status: 403, reason: 'this address serves FeeDesk only as ' + launch.origin };
  if (request.origin !== undefined && request.origin !== launch.origin)
    return { status: 403, reason: 'requests from other sites are refused' };
  if (request.fetchSite !== undefined && !['same-origin', 'none'].includes(request.fetchSite))
    return { status: 403, reason: 'requests from other sites are refused' };
  return null;
}

/** An API call: POST, from the app's own page (Origin required), with the launch's cookie. */
export function refuseApiCall(request: RequestFacts & { contentType: string | undefined }, launch: Launch): Refusal | null {
  const foreign = refuseForeign(request, launch);
  if (foreign) return foreign;
  if (request.method !== 'POST') return { status: 405, reason: 'API calls are POST' };
  if (request.origin !== launch.origin) return { status: 403, reason: 'API calls come from the FeeDesk page only' };
  if (!hasSessionCookie(request.cookie, launch))
    return { status: 401, reason: 'not signed in to this FeeDesk: open the address it printed when it started' };
  if (!/^application\/json(;|$)/i.test(request.contentType ?? '')) return { status: 415, reason: 'API calls are JSON' };
  return null;
}

/** The header a tab's call names its channel in, so the server knows how large a body to take before reading it. */
export const CHANNEL_HEADER = 'x-feedesk-channel';
/** Larger than any ordinary channel's input (a 200 KB logo in base64 is the largest). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Channels whose input carries a whole file (an import sent from the tab): as large as that file in base64, and a little. */
const FILE_INPUTS: Readonly<Record<string, number>> = { 'imports.receiveFile': Math.ceil(RECEIVED_FILE_MAX_BYTES / 3) * 4 + 64 * 1024 };

/** The most a call's body may hold: the announced channel's, once the body is read it must be that channel's call. */
export function bodyLimit(announcedChannel: string | undefined): number {
  return (
    (announcedChannel !== undefined && Object.hasOwn(FILE_INPUTS, announcedChannel) ? FILE_INPUTS[announcedChannel] : undefined) ??
    MAX_BODY_BYTES
  );
}

/** The headers on every page, asset and answer: the renderer's CSP plus what the desktop window gets for free. */
export function responseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`,
    ...SECURITY_HEADERS,
    'x-frame-options': 'SAMEORIGIN',
    'cache-control': 'no-store',
    ...extra,
  };
}

/** The renderer's index.html with the browser-mode api script before its own: module scripts run in document order. */
export function withWebApi(indexHtml: string, scriptPath: string): string {
  const tag = `<script type="module" src="${scriptPath}"></script>`;
  const first = indexHtml.search(/<script\b/i);
  if (first < 0) throw new Error('the renderer index.html has no script to put the api before');
  return `${indexHtml.slice(0, first)}${tag}\n    ${indexHtml.slice(first)}`;
}

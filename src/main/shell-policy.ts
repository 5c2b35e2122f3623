// What both shells allow (the Electron window's app:// and browser mode's loopback server), as pure functions
// so they are tested without Electron or a socket.
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://feedesk';

/** The renderer's Content Security Policy: no inline or eval'd script, no remote origins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine writes its CSS variables into a <style> element at runtime.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** True for pages of the app itself (or the dev server while developing). */
export function isAppUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === new URL(APP_ORIGIN).host) return true;
  return devServerUrl !== undefined && parsed.origin === new URL(devServerUrl).origin;
}

/** Maps an app:// request to a file inside the renderer folder, or null when it would leave it. */
export function resolveAppAsset(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== new URL(APP_ORIGIN).host) return null;
  return resolveRendererFile(rendererDir, url.pathname);
}

/**
 * Maps a URL's path (as the URL parser left it, still percent-encoded) to a file inside the renderer folder, or null:
 * undecodable, a NUL, a backslash (a separator on Windows, never in the renderer's own names), or outside the folder.
 */
export function resolveRendererFile(rendererDir: string, encodedPath: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = normalize(rendererDir);
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return file;
}

/** What both shells send with everything they serve, beside the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Headers on every file the desktop window's app:// handler serves from the renderer folder. */
export function rendererHeaders(file: string): Record<string, string> {
  return { 'content-type': contentTypeFor(file), 'content-security-policy': CONTENT_SECURITY_POLICY, ...SECURITY_HEADERS };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

// What browser mode's loopback server lets through (src/main/web/policy.ts) and which renderer file a path names
// (resolveRendererFile), as the pure functions they are.
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from '../../src/main/shell-policy';
import { RECEIVED_FILE_MAX_BYTES } from '../../src/shared/contract/imports';
import {
  bodyLimit,
  LOOPBACK,
  MAX_BODY_BYTES,
  TOKEN_PARAM,
  hasSessionCookie,
  newLaunch,
  openingAddress,
  refuseApiCall,
  refuseForeign,
  responseHeaders,
  sessionCookie,
  tokenMatches,
  withWebApi,
  type Launch,
  type RequestFacts,
} from '../../src/main/web/policy';

const PORT = 48123;
const launch: Launch = newLaunch(PORT);

/** A request as the app's own page sends it. */
const fromApp = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  host: launch.host,
  origin: undefined,
  fetchSite: 'same-origin',
  cookie: `${launch.cookieName}=${launch.cookieValue}`,
  ...over,
});

/** An API call as the app's own page sends it. */
const apiCall = (over: Partial<RequestFacts & { contentType: string | undefined }> = {}) => ({
  ...fromApp({ method: 'POST', origin: launch.origin }),
  contentType: 'application/json',
  ...over,
});

describe('a launch', () => {
  it('serves on the loopback address and port, with a cookie named for the port', () => {
    expect(LOOPBACK).toBe('127.0.0.1');
    expect(launch.origin).toBe(`http://127.0.0.1:${PORT}`);
    expect(launch.host).toBe(`127.0.0.1:${PORT}`);
    expect(launch.cookieName).toBe(`feedesk-${PORT}`);
    expect(newLaunch(8123).cookieName).not.toBe(launch.cookieName);
  });

  it('has a hex token and a hex cookie value that differ from each other', () => {
    expect(launch.token).toMatch(/^[0-9a-f]{32,}$/);
    expect(launch.cookieValue).toMatch(/^[0-9a-f]{32,}$/);
    expect(launch.token).not.toBe(launch.cookieValue);
  });

  it('has fresh secrets each launch, even on the same port', () => {
    const again = newLaunch(PORT);
    expect(again.token).not.toBe(launch.token);
    expect(again.cookieValue).not.toBe(launch.cookieValue);
  });

  it('opens an address carrying the token', () => {
    expect(openingAddress(launch)).toBe(`http://127.0.0.1:${PORT}/?${TOKEN_PARAM}=${launch.token}`);
    expect(new URL(openingAddress(launch)).searchParams.get(TOKEN_PARAM)).toBe(launch.token);
  });
});

describe('the launch token', () => {
  it("accepts the launch's own token", () => {
    expect(tokenMatches(launch.token, launch)).toBe(true);
  });

  it('refuses a wrong, missing or differently sized token', () => {
    const wrong = launch.token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(tokenMatches(wrong, launch)).toBe(false);
    expect(tokenMatches(newLaunch(PORT).token, launch)).toBe(false);
    expect(tokenMatches(null, launch)).toBe(false);
    expect(tokenMatches('', launch)).toBe(false);
    expect(tokenMatches(launch.token.slice(0, -1), launch)).toBe(false);
    expect(tokenMatches(`${launch.token}0`, launch)).toBe(false);
    expect(tokenMatches(launch.cookieValue, launch)).toBe(false);
  });
});

describe('the session cookie', () => {
  const cookie = sessionCookie(launch);
  const attributes = cookie.split(';').map((part) => part.trim());

  it('carries the launch cookie name and value', () => {
    expect(attributes[0]).toBe(`${launch.cookieName}=${launch.cookieValue}`);
  });

  it('is HttpOnly, SameSite=Strict, for the whole site, and names no Domain', () => {
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Path=/');
    expect(cookie.toLowerCase()).not.toContain('domain');
  });

  it('is recognised when the browser sends it back, among other cookies', () => {
    expect(hasSessionCookie(`${launch.cookieName}=${launch.cookieValue}`, launch)).toBe(true);
    expect(hasSessionCookie(`theme=dark; ${launch.cookieName}=${launch.cookieValue}; lang=en`, launch)).toBe(true);
  });

  it('is recognised with spaces around its name and value', () => {
    expect(hasSessionCookie(`a=b;  ${launch.cookieName} =  ${launch.cookieValue}  ;c=d`, launch)).toBe(true);
  });

  it('refuses a wrong value, another port’s cookie, or no cookie header', () => {
    expect(hasSessionCookie(`${launch.cookieName}=${newLaunch(PORT).cookieValue}`, launch)).toBe(false);
    expect(hasSessionCookie(`${launch.cookieName}=`, launch)).toBe(false);
    expect(hasSessionCookie(`${launch.cookieName}=${launch.cookieValue.slice(1)}`, launch)).toBe(false);
    expect(hasSessionCookie(`feedesk-${PORT + 1}=${launch.cookieValue}`, launch)).toBe(false);
    expect(hasSessionCookie(`x${launch.cookieName}=${launch.cookieValue}`, launch)).toBe(false);
    expect(hasSessionCookie(`=${launch.cookieValue}`, launch)).toBe(false);
    expect(hasSessionCookie(undefined, launch)).toBe(false);
    expect(hasSessionCookie('', launch)).toBe(false);
  });
});

describe('refusing foreign requests', () => {
  it('lets through a request from the app to the address served', () => {
    expect(refuseForeign(fromApp(), launch)).toBeNull();
    expect(refuseForeign(fromApp({ origin: launch.origin }), launch)).toBeNull();
    expect(refuseForeign(fromApp({ origin: undefined, fetchSite: undefined }), launch)).toBeNull();
  });

  it.each([
    ['localhost', `localhost:${PORT}`],
    ['another port', `127.0.0.1:${PORT + 1}`],
    ['a rebound name', `evil.example:${PORT}`],
    ['no port', '127.0.0.1'],
    ['no Host header', undefined],
  ])('refuses a Host that is not the address served (%s)', (_label, host) => {
    expect(refuseForeign(fromApp({ host }), launch)?.status).toBe(403);
  });

  it.each([['https://evil.example'], [`http://localhost:${PORT}`], [`http://127.0.0.1:${PORT + 1}`], ['null']])(
    'refuses an Origin of %s',
    (origin) => {
      expect(refuseForeign(fromApp({ origin }), launch)?.status).toBe(403);
    },
  );

  it.each([['cross-site'], ['same-site']])('refuses Sec-Fetch-Site: %s', (fetchSite) => {
    expect(refuseForeign(fromApp({ fetchSite }), launch)?.status).toBe(403);
  });

  it.each([['none'], ['same-origin']])('lets through Sec-Fetch-Site: %s', (fetchSite) => {
    expect(refuseForeign(fromApp({ fetchSite }), launch)).toBeNull();
  });
});

describe('refusing API calls', () => {
  it('lets through a JSON POST from the app page with the session cookie', () => {
    expect(refuseApiCall(apiCall(), launch)).toBeNull();
    expect(refuseApiCall(apiCall({ contentType: 'application/json; charset=utf-8' }), launch)).toBeNull();
    expect(refuseApiCall(apiCall({ contentType: 'Application/JSON' }), launch)).toBeNull();
  });

  it('refuses a call that is not a POST', () => {
    expect(refuseApiCall(apiCall({ method: 'GET' }), launch)?.status).toBe(405);
    expect(refuseApiCall(apiCall({ method: 'PUT' }), launch)?.status).toBe(405);
  });

  it('refuses a call without an Origin', () => {
    expect(refuseApiCall(apiCall({ origin: undefined }), launch)?.status).toBe(403);
  });

  it('refuses foreign calls before anything else', () => {
    expect(refuseApiCall(apiCall({ host: `localhost:${PORT}`, cookie: undefined }), launch)?.status).toBe(403);
    expect(refuseApiCall(apiCall({ origin: 'https://evil.example', cookie: undefined }), launch)?.status).toBe(403);
  });

  it('refuses a call without the session cookie, or with a wrong one', () => {
    expect(refuseApiCall(apiCall({ cookie: undefined }), launch)?.status).toBe(401);
    expect(refuseApiCall(apiCall({ cookie: `${launch.cookieName}=${newLaunch(PORT).cookieValue}` }), launch)?.status).toBe(401);
    expect(refuseApiCall(apiCall({ cookie: `feedesk-${PORT + 1}=${launch.cookieValue}` }), launch)?.status).toBe(401);
  });

  it.each([
    ['application/x-www-form-urlencoded'],
    ['text/plain'],
    ['multipart/form-data; boundary=x'],
    ['application/jsonp'],
    [''],
    [undefined],
  ])('refuses a body of type %s', (contentType) => {
    expect(refuseApiCall(apiCall({ contentType }), launch)?.status).toBe(415);
  });
});

describe('response headers', () => {
  const headers = responseHeaders();

  it("carries the app's Content Security Policy, and no framing by other sites", () => {
    expect(headers['content-security-policy']).toContain(CONTENT_SECURITY_POLICY);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('forbids sniffing and caching', () => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
  });

  it('merges extra headers in', () => {
    const withExtra = responseHeaders({ 'content-type': 'application/json', 'x-feedesk-print': '1' });
    expect(withExtra['content-type']).toBe('application/json');
    expect(withExtra['x-feedesk-print']).toBe('1');
    expect(withExtra['x-content-type-options']).toBe('nosniff');
    expect(withExtra['content-security-policy']).toBe(headers['content-security-policy']);
  });
});

describe("putting the web api into the renderer's index.html", () => {
  const INDEX = [
    '<!doctype html>',
    '<html>',
    '  <head>',
    '    <meta charset="UTF-8" />',
    '    <script type="module" crossorigin src="/assets/index-abc.js"></script>',
    '    <link rel="stylesheet" href="/assets/index-abc.css">',
    '  </head>',
    '  <body><div id="root"></div><script src="/assets/late.js"></script></body>',
    '</html>',
  ].join('\n');
  const TAG = '<script type="module" src="/web-api.js"></script>';

  it('puts the api module script before the first script and keeps the rest', () => {
    const html = withWebApi(INDEX, '/web-api.js');
    const first = INDEX.indexOf('<script');

    expect(html.split(TAG)).toHaveLength(2);
    expect(html.startsWith(INDEX.slice(0, first) + TAG)).toBe(true);
    expect(html.slice(html.indexOf(TAG) + TAG.length).trimStart()).toBe(INDEX.slice(first));
    expect(html.indexOf(TAG)).toBeLessThan(html.indexOf('/assets/index-abc.js'));
  });

  it('finds the first script whatever its case', () => {
    const html = withWebApi('<head><SCRIPT src="/a.js"></SCRIPT></head>', '/web-api.js');
    expect(html.indexOf(TAG)).toBe('<head>'.length);
    expect(html).toContain('<SCRIPT src="/a.js"></SCRIPT>');
  });

  it('refuses an index.html with no script', () => {
    expect(() => withWebApi('<html><head></head><body></body></html>', '/web-api.js')).toThrow(/no script/);
    expect(() => withWebApi('<html><noscript>x</noscript></html>', '/web-api.js')).toThrow(Error);
  });
});

describe('resolving a renderer file from a URL path', () => {
  const DIR = '/opt/feedesk/out/renderer';

  /** Null, or a file strictly inside the renderer folder. */
  const staysInside = (file: string | null): boolean => file === null || file.startsWith(DIR + sep);

  it('serves index.html for the root', () => {
    expect(resolveRendererFile(DIR, '/')).toBe(join(DIR, 'index.html'));
    expect(resolveRendererFile(DIR, '')).toBe(join(DIR, 'index.html'));
  });

  it('serves a nested asset, decoding its name', () => {
    expect(resolveRendererFile(DIR, '/assets/index-abc.js')).toBe(join(DIR, 'assets', 'index-abc.js'));
    expect(resolveRendererFile(DIR, '/assets/font%20bold.woff2')).toBe(join(DIR, 'assets', 'font bold.woff2'));
  });

  it.each([
    '/%2e%2e/x',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2fsecret',
    '/assets/..%2f..%2f..%2fsecret',
    '/assets/%2e%2e%2f%2e%2e%2f..%2fsecret',
    '/%2e%2e',
    '/..',
    '/../renderer-other/x.js',
    '/%2e%2e%2frenderer2%2findex.html',
    '//etc/passwd',
  ])('never leaves the renderer folder for %s', (path) => {
    expect(staysInside(resolveRendererFile(DIR, path))).toBe(true);
  });

  it('refuses a path that climbs out, rather than clamping it', () => {
    expect(resolveRendererFile(DIR, '/%2e%2e/x')).toBeNull();
    expect(resolveRendererFile(DIR, '/..%2fsecret')).toBeNull();
    expect(resolveRendererFile(DIR, '/%2e%2e%2frenderer2%2findex.html')).toBeNull();
  });

  it.each(['/assets\\index.js', '/%5c..%5c..%5cwindows%5cwin.ini', '/assets%5Cindex.js', '/a%5cb'])('refuses a backslash in %s', (path) => {
    expect(resolveRendererFile(DIR, path)).toBeNull();
  });

  it('refuses a NUL', () => {
    expect(resolveRendererFile(DIR, '/index.html%00.js')).toBeNull();
    expect(resolveRendererFile(DIR, '/index.html\0')).toBeNull();
  });

  it.each(['/%', '/%E0%A4%A', '/%zz', '/assets/%c3'])('refuses the badly encoded %s', (path) => {
    expect(resolveRendererFile(DIR, path)).toBeNull();
  });
});

describe('how large a call may be', () => {
  it('is 2 MB for every channel but the one that carries a file, which takes the largest file in base64', () => {
    expect(bodyLimit(undefined)).toBe(MAX_BODY_BYTES);
    expect(bodyLimit('auth.login')).toBe(MAX_BODY_BYTES);
    expect(bodyLimit('imports.receiveFile')).toBeGreaterThan((RECEIVED_FILE_MAX_BYTES * 4) / 3);
  });

  it.each(['__proto__', 'constructor', 'toString', 'imports.receivefile', ''])('gives the ordinary size to the name %j', (name) => {
    expect(bodyLimit(name)).toBe(MAX_BODY_BYTES);
  });
});

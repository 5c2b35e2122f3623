import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, isAppUrl, resolveAppAsset } from '../../src/main/shell-policy';

const DIR = '/opt/feedesk/out/renderer';

describe('app:// asset resolution', () => {
  it('serves index.html for the root and files inside the renderer folder', () => {
    expect(resolveAppAsset(DIR, 'app://feedesk/')).toBe(join(DIR, 'index.html'));
    expect(resolveAppAsset(DIR, 'app://feedesk/assets/index-abc.js')).toBe(join(DIR, 'assets/index-abc.js'));
  });

  it('refuses paths that climb out of the renderer folder, other hosts and other schemes', () => {
    // The URL parser folds ../ away: the request stays inside the folder.
    expect(resolveAppAsset(DIR, 'app://feedesk/../../etc/passwd')).toBe(join(DIR, 'etc/passwd'));
    expect(resolveAppAsset(DIR, 'app://feedesk/%2e%2e/%2e%2e/etc/passwd')).toBe(join(DIR, 'etc/passwd'));
    // Encoded slashes survive the URL parser; decoding them must not let the path escape.
    expect(resolveAppAsset(DIR, 'app://feedesk/assets/%2e%2e%2f%2e%2e%2f..%2fsecret')).toBeNull();
    expect(resolveAppAsset(DIR, 'app://feedesk/a%00b')).toBeNull();
    expect(resolveAppAsset(DIR, 'app://feedesk/%E0%A4%A')).toBeNull();
    expect(resolveAppAsset(DIR, 'app://evil/index.html')).toBeNull();
    expect(resolveAppAsset(DIR, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppAsset(DIR, 'not a url')).toBeNull();
  });

  it('labels content types', () => {
    expect(contentTypeFor('x/index.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('x/a.JS')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('x/blob.bin')).toBe('application/octet-stream');
    expect(contentTypeFor('assets/NotoSansDevanagari-Regular-x.ttf')).toBe('font/ttf');
  });
});

describe('trusted pages (navigation and IPC sender checks)', () => {
  it('trusts the app origin and, while developing, the dev server only', () => {
    expect(isAppUrl('app://feedesk/index.html')).toBe(true);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///opt/feedesk/out/renderer/index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl('::nonsense')).toBe(false);
  });
});

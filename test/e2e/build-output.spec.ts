// Checks on what `electron-vite build` produced: the preload's reach and the renderer's CSP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../../src/main/shell-policy';
import { RENDERER_DIR } from './support/fixtures';

const OUT = join(import.meta.dirname, '../../out');

function parseCsp(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

test('the sandboxed preload requires nothing but electron', () => {
  const preload = readFileSync(join(OUT, 'preload/index.cjs'), 'utf8');
  const required = new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
  expect([...required]).toEqual(['electron']);
  expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
});

test('the built renderer’s CSP forbids inline scripts, eval and remote origins', () => {
  const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  expect(meta, 'index.html has a CSP meta tag').not.toBeNull();
  const policy = meta![1]!.replace(/\s+/g, ' ');
  expect(policy).toBe(CONTENT_SECURITY_POLICY);

  const csp = parseCsp(policy);
  const scriptSrc = csp.get('script-src') ?? csp.get('default-src')!;
  expect(scriptSrc).toEqual(["'self'"]);
  for (const [directive, sources] of csp) {
    expect(sources, directive).not.toContain("'unsafe-eval'");
    for (const source of sources) expect(source, `${directive} allows ${source}`).toMatch(/^('[a-z-]+'|data:)$/);
  }
  expect(csp.get('object-src')).toEqual(["'none'"]);
  // No inline script survived the build.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
});

test('the packaged desktop app has no DevTools and no default menu (issue 17, item 3)', () => {
  const main = readFileSync(join(OUT, 'main/index.js'), 'utf8');
  // The window's preferences turn DevTools off when packaged (the window is sandboxed, isolated, without Node) …
  const preferences = [...main.matchAll(/webPreferences:\s*\{([^}]*)\}/g)].map((m) => m[1]!).find((p) => p.includes('preload')) ?? '';
  expect(preferences).toMatch(/devTools:\s*!app\.isPackaged/);
  for (const setting of [/contextIsolation:\s*true/, /sandbox:\s*true/, /nodeIntegration:\s*false/]) expect(preferences).toMatch(setting);
  // … and a packaged build removes the menu that carries Toggle Developer Tools.
  expect(main).toMatch(/if \(app\.isPackaged\) Menu\.setApplicationMenu\(null\)/);
});

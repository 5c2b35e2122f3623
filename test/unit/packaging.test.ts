// The installer configuration keeps the Electron fuses the security guide asks for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const builder = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('electron-builder configuration', () => {
  it('turns off runAsNode, NODE_OPTIONS and --inspect, and locks the app to a verified asar', () => {
    expect(builder.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(builder.asar).toBe(true);
  });

  it('builds AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
    expect(builder.linux.target).toEqual(['AppImage', 'deb']);
    expect(builder.win.target).toEqual(['nsis']);
    expect(builder.mac.target).toEqual(['dmg']);
  });

  it('packages the built output that package.json points Electron at', () => {
    expect(pkg.main).toBe('./out/main/index.js');
    expect(builder.files).toContain('out/**');
    expect(pkg.engines.node).toMatch(/^>=22/);
  });

  it('declares the sync server’s runtime packages as production dependencies, so a production audit covers them (issue 17, item 18)', () => {
    // Before: fastify, pg and PGlite were devDependencies, and `npm audit --omit=dev` skipped the internet-facing part.
    for (const serverPackage of SERVER_PACKAGES) expect(Object.keys(pkg.dependencies), serverPackage).toContain(serverPackage);
    for (const serverPackage of SERVER_PACKAGES) expect(Object.keys(pkg.devDependencies), serverPackage).not.toContain(serverPackage);
  });

  it('keeps the sync server and every package only it needs out of the desktop app', () => {
    // electron-builder packs every production dependency; the server runs from a checkout (npm run server). Worked out
    // from the lock file, so a new package under fastify or pg is caught here rather than shipped to every desk.
    const desktop = closure(Object.keys(pkg.dependencies).filter((name) => !SERVER_PACKAGES.includes(name)));
    const serverOnly = [...closure(SERVER_PACKAGES)].filter((path) => !desktop.has(path) && path.split('node_modules/').length === 2);
    expect(serverOnly.length).toBeGreaterThan(SERVER_PACKAGES.length);
    const excluded = new Set(
      (builder.files as string[]).flatMap((pattern) => {
        const m = /^!node_modules\/(.+)\/\*\*$/.exec(pattern);
        return m ? [`node_modules/${m[1]}`] : [];
      }),
    );
    expect(
      [...serverOnly].filter((path) => !excluded.has(path)),
      'server-only packages the desktop app would carry',
    ).toEqual([]);
    // …and nothing the desktop app needs is left out.
    expect(
      [...excluded].filter((path) => desktop.has(path)),
      'desktop packages excluded',
    ).toEqual([]);
    // Only those exact folders: no other pattern reaches into node_modules.
    expect((builder.files as string[]).filter((p) => p.includes('node_modules') && !/^!node_modules\/(.+)\/\*\*$/.test(p))).toEqual([]);
  });
});

/** What the sync server adds to FeeDesk: run with `npm run server`, never part of the desktop app. */
const SERVER_PACKAGES = ['fastify', '@fastify/rate-limit', 'pg', '@electric-sql/pglite'];

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** Where Node finds `name` from the package at `from`: its own node_modules, then each folder up. */
function resolveFrom(from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return null;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

/** Every installed package these need at run time, as lock-file paths. */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = roots.map((name) => resolveFrom('', name)).filter((path): path is string => path !== null);
  while (todo.length > 0) {
    const path = todo.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const found = resolveFrom(path, name);
      if (found) todo.push(found);
    }
  }
  return seen;
}

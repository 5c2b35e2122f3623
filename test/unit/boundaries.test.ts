// The house rules on imports: Electron stays at the edge, the renderer never touches Node.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|cts|js|mjs)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Every module specifier a file imports, re-exports or requires. */
export function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers;
}

const ELECTRON_ALLOWED = [/^src\/main\/index\.ts$/, /^src\/main\/electron\//, /^src\/preload\//];
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe('import boundaries', () => {
  it('finds imports in every form the checks rely on', () => {
    const sample = `import a from 'electron';\nimport { b } from "node:fs";\nexport * from 'path';\nimport 'crypto';\nconst c = require('child_process');\nawait import('os');`;
    expect(importsOf(sample)).toEqual(expect.arrayContaining(['electron', 'node:fs', 'path', 'crypto', 'child_process', 'os']));
  });

  it('only src/main/index.ts, src/main/electron/ and src/preload import electron', () => {
    const offenders = sourceFiles('src').filter(
      (file) =>
        !ELECTRON_ALLOWED.some((allowed) => allowed.test(file)) &&
        importsOf(readFileSync(join(root, file), 'utf8')).some((s) => s === 'electron' || s.startsWith('electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('the sync server shares only src/shared and src/node-shared with the desk: nothing of src/main', () => {
    // Before: the server's receipt check, audit rules and push rules reached into the desk's services and audit chain.
    const reachesInto = (file: string, folders: string[]) =>
      importsOf(readFileSync(join(root, file), 'utf8')).some((s) => s.startsWith('.') && folders.some((f) => relative(root, join(root, file, '..', s)).startsWith(f)));
    expect(sourceFiles('src/server').filter((file) => reachesInto(file, ['src/main/', 'src/renderer/', 'src/preload/']))).toEqual([]);
    expect(sourceFiles('src/node-shared').filter((file) => reachesInto(file, ['src/main/', 'src/server/', 'src/renderer/', 'src/preload/']))).toEqual([]);
  });

  it('no file in src/renderer or src/shared imports a Node built-in', () => {
    const offenders = [...sourceFiles('src/renderer'), ...sourceFiles('src/shared')].filter((file) =>
      importsOf(readFileSync(join(root, file), 'utf8')).some((s) => nodeBuiltins.has(s)),
    );
    expect(offenders).toEqual([]);
  });
});

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

  it('keeps the sync server and its database drivers out of the desktop app', () => {
    // electron-builder packs every production dependency; the server runs from a checkout (npm run server).
    for (const serverOnly of ['fastify', 'pg', '@electric-sql/pglite']) expect(Object.keys(pkg.dependencies)).not.toContain(serverOnly);
  });
});

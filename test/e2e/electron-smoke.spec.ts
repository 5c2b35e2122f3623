// Launches the real Electron app where its binary is installed; skipped, saying why, elsewhere.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(import.meta.dirname, '../..');

/** The Electron binary's path, without triggering the electron package's download-on-require. */
function electronBinary(): string | null {
  const pkg = createRequire(join(root, 'package.json')).resolve('electron/package.json');
  const pathFile = join(dirname(pkg), 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dirname(pkg), 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();

test('the Electron app opens its window on the setup screen', async () => {
  test.skip(
    !binary,
    'Electron binary not installed (node_modules/electron/dist is missing; it downloads from GitHub, which this machine cannot reach)',
  );
  const app = await electron.launch({
    executablePath: binary!,
    args: [join(root, 'out/main/index.js'), `--user-data-dir=${mkdtempSync(join(tmpdir(), 'feedesk-electron-'))}`],
  });
  const window = await app.firstWindow();
  await expect(window.getByRole('heading', { name: /Set up FeeDesk|Protect this desk/ })).toBeVisible();
  expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  await app.close();
});

// `npm start`, `npm run demo`, `npm run dev`: builds FeeDesk, gets the Electron binary if it is missing (the electron
// package downloads it on first use, not at install), and opens the desktop window; where that cannot be — asked for
// with --browser, no display, no binary to be had, a window that will not start — runs browser mode instead
// (out/main/web.js: the same backend in plain Node, served to the browser) and says why in one line.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BROWSER_FLAG, WINDOW_READY_LINE } from '../src/main/web/desktop-env';
import { browserReasonLine, chooseShell, installedElectron, oneLine, windowFailedToStart } from './start-shell';

const root = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
/** What FeeDesk itself is given (--demo, --user-data-dir=…, --port=…, --no-open, the maintenance flags). */
const appArgs = argv.filter((a) => a !== '--dev' && a !== BROWSER_FLAG);
const electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
const electronVite = join(dirname(createRequire(join(root, 'package.json')).resolve('electron-vite/package.json')), 'bin/electron-vite.js');

function build(): void {
  const result = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Downloads the binary with progress (the package's own downloader, its checksums), then lets its install step unpack it. */
async function getElectron(): Promise<string | null> {
  const fromElectron = createRequire(join(electronDir, 'package.json'));
  const { downloadArtifact } = (await import(pathToFileURL(fromElectron.resolve('@electron/get')).href)) as typeof import('@electron/get');
  const { version } = fromElectron('./package.json') as { version: string };
  console.log(`Getting Electron ${version} for the desktop window (once, about 100 MB)…`);
  const stalled = new AbortController();
  let stall = setTimeout(() => stalled.abort(new Error('no data for 30 seconds')), 30_000);
  let shown = -1;
  try {
    await downloadArtifact({
      version,
      artifactName: 'electron',
      platform: process.platform,
      arch: process.arch,
      checksums: fromElectron('./checksums.json') as Record<string, string>,
      downloadOptions: {
        quiet: true,
        signal: stalled.signal,
        getProgressCallback: async ({ percent }: { percent: number }) => {
          clearTimeout(stall);
          stall = setTimeout(() => stalled.abort(new Error('no data for 30 seconds')), 30_000);
          const now = Math.floor(percent * 10) * 10;
          if (now > shown) console.log(`  Electron: ${(shown = now)}%`);
        },
      },
    });
  } catch (err) {
    return oneLine(stalled.signal.aborted ? stalled.signal.reason : err);
  } finally {
    clearTimeout(stall);
  }
  const unpack = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (unpack.status !== 0) return oneLine(new Error(unpack.stderr || `install step exited ${unpack.status}`));
  return null;
}

/** Runs a child to its end, passing Ctrl+C and SIGTERM on (a terminal's Ctrl+C reaches it anyway; twice is harmless). */
function runToEnd(command: string, args: string[], onStdout?: (chunk: Buffer) => void): Promise<number | null> {
  const child = spawn(command, args, { cwd: root, stdio: ['inherit', onStdout ? 'pipe' : 'inherit', 'inherit'] });
  if (onStdout) child.stdout?.on('data', (chunk: Buffer) => (process.stdout.write(chunk), onStdout(chunk)));
  const relay = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const relays = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, relay(signal)] as const);
  for (const [signal, handler] of relays) process.on(signal, handler);
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code) => {
      for (const [signal, handler] of relays) process.off(signal, handler);
      resolve(code);
    });
  });
}

async function browser(reason: string | null): Promise<never> {
  const line = browserReasonLine(reason);
  if (line) console.log(line);
  if (dev) {
    console.log('(Hot reload needs the desktop window: this is a fresh build, served as built.)');
    build();
  }
  process.exit((await runToEnd(process.execPath, [join(root, 'out/main/web.js'), ...appArgs])) ?? 1);
}

async function desktop(binary: string): Promise<never> {
  if (dev) process.exit((await runToEnd(process.execPath, [electronVite, 'dev', '--', ...appArgs])) ?? 1);
  const started = Date.now();
  let windowOpened = false;
  const code = await runToEnd(binary, [root, ...appArgs], (chunk) => {
    if (chunk.toString().includes(WINDOW_READY_LINE)) windowOpened = true;
  });
  if (windowFailedToStart({ code, afterMs: Date.now() - started, windowOpened })) {
    return browser(`the desktop window did not start (Electron exited with ${code ?? 'a signal'}; its message is above)`);
  }
  process.exit(code ?? 1);
}

async function main(): Promise<never> {
  if (!dev) build();
  const choice = chooseShell({
    argv,
    platform: process.platform,
    env: process.env,
    electronInstalled: installedElectron(electronDir) !== null,
  });
  if (choice.shell === 'browser') return browser(choice.reason);
  if (choice.shell === 'get-electron') {
    const failure = await getElectron();
    if (failure) return browser(`the Electron binary could not be downloaded (${failure})`);
  }
  const binary = installedElectron(electronDir);
  if (!binary) return browser('the Electron binary was downloaded but is not where the electron package expects it');
  return desktop(binary);
}

void main();

import { existsSync, readFileSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';

/** PLAYWRIGHT_CHROMIUM_PATH, else Playwright's own browser if installed, else Debian's Chromium. */
function chromiumPath(): string {
  const fromEnv = process.env['PLAYWRIGHT_CHROMIUM_PATH'];
  if (fromEnv) return fromEnv;
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return bundled;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error(
    'No Chromium for the end-to-end tests: install one (Debian: apt-get install chromium; elsewhere: npx playwright install chromium) or set PLAYWRIGHT_CHROMIUM_PATH',
  );
}

// The desk and the browser both in an Indian school's zone, as the cashiers this suite stands for: the desk counts its
// days in its machine's zone (set here for the worker processes, which inherit it), the browser shows them in it.
process.env['TZ'] = 'Asia/Kolkata';

/**
 * The share of all cores busy over half a second as the run starts (Linux's /proc/stat; elsewhere 0): the suite's
 * own vitest half has ended by then, so a busy machine is someone else's load (a build, a CPU burner). Measured once:
 * the worker processes inherit the answer.
 */
function machineBusy(): number {
  const known = process.env['FEEDESK_E2E_MACHINE_BUSY'];
  if (known !== undefined) return Number(known);
  const sample = () => {
    const fields = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]?.split(/\s+/).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal: idle and iowait are the time no one wanted the core.
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
  };
  let busy = 0;
  if (existsSync('/proc/stat')) {
    const first = sample();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    const second = sample();
    const total = second.total - first.total;
    busy = total > 0 ? 1 - (second.idle - first.idle) / total : 0;
  }
  process.env['FEEDESK_E2E_MACHINE_BUSY'] = busy.toFixed(2);
  return busy;
}

/**
 * Other work keeping most of the machine busy (two CPU burners on two cores: about 1.0): one spec at a time, and
 * twice the time for each, since a spec's desk and its browser then get a third of a core each. Quiet, or one core
 * busy: two at a time (below).
 */
const BUSY = machineBusy() > 0.75;

/** Specs that run `npm start`, which rebuilds out/ (the renderer every other spec is served from). */
const REBUILDS = /browser-mode\.spec\.ts$/;

export default defineConfig({
  testDir: 'test/e2e',
  // Not tsconfig.node.json: its type-only path mapping must not steer runtime imports.
  tsconfig: './tsconfig.base.json',
  outputDir: 'test-results/e2e',
  // Two at a time: each spec is a desk backend and a browser that mostly wait on each other, the disk and the typist's
  // pauses, so on the 2-core CI machine two specs together take the suite from about 7 to about 4½ minutes. Specs share
  // nothing (each has its own store, port and browser context), so they hold in any order and side by side; the one
  // that rebuilds out/ runs after them (projects, below).
  workers: BUSY ? 1 : 2,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  reporter: process.env['CI'] ? [['list'], ['json', { outputFile: 'test-results/playwright.json' }]] : [['list']],
  timeout: BUSY ? 120_000 : 60_000,
  // What a screen waits for (a worker reading a spreadsheet, a PDF) can take past 5 s on a machine under load: under two
  // CPU burners the import mapping took longer to come up. The assertions wait for a condition, so only failures wait long.
  expect: { timeout: BUSY ? 30_000 : 15_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 720 },
    locale: 'en-IN',
    timezoneId: 'Asia/Kolkata',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'desk', testIgnore: REBUILDS },
    // `npm start` builds FeeDesk again, which empties out/ for a moment under every other spec's renderer: its spec
    // runs once all the others have ended (and not at all if one of them failed: the run has failed already).
    { name: 'npm start', testMatch: REBUILDS, dependencies: ['desk'] },
  ],
});

// What `npm start` decides before it starts anything: the desktop window where Electron can run, browser mode where it
// cannot (asked for, no display, no binary to be had, or a window that would not start). Pure, so it is tested as such.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_START_FAILED_EXIT, BROWSER_FLAG, hasDisplay } from '../src/main/web/desktop-env';

/** A desktop window that fails sooner than this, without having opened, is a binary that cannot run here. */
export const WINDOW_START_GRACE_MS = 20_000;

export type ShellChoice = { shell: 'desktop' } | { shell: 'get-electron' } | { shell: 'browser'; reason: string | null };

/**
 * Before anything is downloaded: `--browser` asked for; no display on Linux; else the desktop window, getting the
 * binary first when it is missing.
 */
export function chooseShell(facts: {
  argv: readonly string[];
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  electronInstalled: boolean;
}): ShellChoice {
  if (facts.argv.includes(BROWSER_FLAG)) return { shell: 'browser', reason: null };
  if (!hasDisplay(facts))
    return { shell: 'browser', reason: 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set)' };
  return facts.electronInstalled ? { shell: 'desktop' } : { shell: 'get-electron' };
}

/** Whether the desktop window's failure means "this binary cannot run here" (fall back) rather than FeeDesk's own refusal. */
export function windowFailedToStart(exit: { code: number | null; afterMs: number; windowOpened: boolean }): boolean {
  if (exit.windowOpened || exit.code === 0 || exit.code === APP_START_FAILED_EXIT) return false;
  return exit.afterMs < WINDOW_START_GRACE_MS;
}

/** The electron package's binary, when its install step has run for this version (path.txt and dist/version). */
export function installedElectron(electronDir: string): string | null {
  try {
    const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version;
    if (
      readFileSync(join(electronDir, 'dist', 'version'), 'utf8')
        .trim()
        .replace(/^v/, '') !== version
    )
      return null;
    const binary = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** An error as one line: the message and its cause's (fetch failed: getaddrinfo ENOTFOUND github.com). */
export function oneLine(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    const first = text.trim().split('\n')[0]?.trim();
    if (first && !parts.includes(first)) parts.push(first);
    current = current instanceof Error ? current.cause : null;
  }
  return parts.join(': ') || 'unknown error';
}

/** The line that says why FeeDesk is in the browser (none when the user asked for it). */
export function browserReasonLine(reason: string | null): string | null {
  return reason ? `FeeDesk opens in your browser instead of a desktop window: ${reason}.` : null;
}

// Facts about the computer a shell needs, as pure functions of platform, environment and home folder: where the desk's
// files live (the same folder the desktop app uses, so either shell opens the same store), whether a window can open,
// and how to open the user's browser.
import { join } from 'node:path';

/** Asks for browser mode: of `npm start`, and of the desktop binary (no window; the app served to the browser). */
export const BROWSER_FLAG = '--browser';
/** What the desktop binary prints once its window shows: the launcher (scripts/start.ts) knows the window opened. */
export const WINDOW_READY_LINE = 'FeeDesk: the window is open';
/** What the desktop binary exits with when FeeDesk itself could not start (its error box said why): no fallback then. */
export const APP_START_FAILED_EXIT = 3;

export interface MachineFacts {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

/** The desk's folder, as Electron's app.getPath('userData') names it for FeeDesk (a separate one for the demo). */
export function deskFolder(machine: MachineFacts, demo: boolean): string {
  const name = demo ? 'FeeDesk Demo' : 'FeeDesk';
  const { platform, env, home } = machine;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', name);
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), name);
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), name);
}

/** Windows and macOS always have a desktop; elsewhere a window needs an X or Wayland display. */
export function hasDisplay(machine: Pick<MachineFacts, 'platform' | 'env'>): boolean {
  if (machine.platform === 'win32' || machine.platform === 'darwin') return true;
  return Boolean(machine.env['DISPLAY'] || machine.env['WAYLAND_DISPLAY']);
}

/** The command that opens an address in the user's default browser. */
export function browserOpener(platform: NodeJS.Platform, address: string): { command: string; args: string[]; verbatim: boolean } {
  if (platform === 'darwin') return { command: 'open', args: [address], verbatim: false };
  // `start` takes its first quoted argument as a window title; the address carries no characters cmd treats specially.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', `"${address}"`], verbatim: true };
  return { command: 'xdg-open', args: [address], verbatim: false };
}

/**
 * A promise nobody awaited that failed (a bug in a clean-up, say) is logged, and FeeDesk goes on: the books are behind
 * transactions, and ending the process would take the counter down mid-queue for one background job's mistake.
 */
export function logUnhandledRejections(
  target: { on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown },
  log: (message: string, err: unknown) => void,
): void {
  target.on('unhandledRejection', (reason) => log('FeeDesk: a background task failed and nothing was waiting for it', reason));
}

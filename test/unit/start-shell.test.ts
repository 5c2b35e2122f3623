// What `npm start` decides before starting anything (scripts/start-shell.ts), the machine facts it rests on
// (src/main/web/desktop-env.ts) and browser mode's command line (browserModeArgs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WINDOW_START_GRACE_MS,
  browserReasonLine,
  chooseShell,
  installedElectron,
  oneLine,
  windowFailedToStart,
} from '../../scripts/start-shell';
import { browserModeArgs } from '../../src/main/web/browser-mode';
import {
  APP_START_FAILED_EXIT,
  BROWSER_FLAG,
  browserOpener,
  deskFolder,
  hasDisplay,
  logUnhandledRejections,
} from '../../src/main/web/desktop-env';
import { EventEmitter } from 'node:events';

const HOME = '/home/clerk';

describe('choosing the shell', () => {
  const facts = (over: Partial<Parameters<typeof chooseShell>[0]> = {}): Parameters<typeof chooseShell>[0] => ({
    argv: [],
    platform: 'linux',
    env: { DISPLAY: ':0' },
    electronInstalled: true,
    ...over,
  });

  it('opens the browser without a reason when --browser is asked for, even with a display and Electron', () => {
    expect(BROWSER_FLAG).toBe('--browser');
    expect(chooseShell(facts({ argv: ['--browser'] }))).toEqual({ shell: 'browser', reason: null });
    expect(chooseShell(facts({ argv: ['--demo', '--browser'], platform: 'win32', env: {} }))).toEqual({ shell: 'browser', reason: null });
  });

  it('falls back to the browser on Linux with no display, saying the display is missing', () => {
    const choice = chooseShell(facts({ env: {} }));
    expect(choice.shell).toBe('browser');
    const reason = choice.shell === 'browser' ? choice.reason : null;
    expect(reason).toMatch(/display/i);
    expect(reason).toContain('DISPLAY');
    expect(reason).toContain('WAYLAND_DISPLAY');
  });

  it('treats an empty DISPLAY as no display', () => {
    expect(chooseShell(facts({ env: { DISPLAY: '', WAYLAND_DISPLAY: '' } })).shell).toBe('browser');
  });

  it('opens the desktop window on Linux with only WAYLAND_DISPLAY set', () => {
    expect(chooseShell(facts({ env: { WAYLAND_DISPLAY: 'wayland-0' } }))).toEqual({ shell: 'desktop' });
    expect(chooseShell(facts({ env: { WAYLAND_DISPLAY: 'wayland-0' }, electronInstalled: false }))).toEqual({ shell: 'get-electron' });
  });

  it('never falls back for want of a display on Windows or macOS', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      expect(chooseShell(facts({ platform, env: {} }))).toEqual({ shell: 'desktop' });
      expect(chooseShell(facts({ platform, env: {}, electronInstalled: false }))).toEqual({ shell: 'get-electron' });
    }
  });

  it('gets the Electron binary first when it is not installed', () => {
    expect(chooseShell(facts({ electronInstalled: false }))).toEqual({ shell: 'get-electron' });
  });
});

describe('telling a window that could not start from FeeDesk refusing to start', () => {
  it('does not fall back once the window has opened, whatever the exit', () => {
    expect(windowFailedToStart({ code: 1, afterMs: 500, windowOpened: true })).toBe(false);
    expect(windowFailedToStart({ code: null, afterMs: 500, windowOpened: true })).toBe(false);
  });

  it('does not fall back on a clean exit', () => {
    expect(windowFailedToStart({ code: 0, afterMs: 500, windowOpened: false })).toBe(false);
  });

  it('does not fall back when FeeDesk itself refused to start (its error box said why)', () => {
    expect(APP_START_FAILED_EXIT).toBe(3);
    expect(windowFailedToStart({ code: APP_START_FAILED_EXIT, afterMs: 1000, windowOpened: false })).toBe(false);
  });

  it('falls back when the binary fails early without opening a window', () => {
    expect(windowFailedToStart({ code: 1, afterMs: 1000, windowOpened: false })).toBe(true);
    expect(windowFailedToStart({ code: 127, afterMs: 0, windowOpened: false })).toBe(true);
  });

  it('falls back when the binary is killed by a signal early', () => {
    expect(windowFailedToStart({ code: null, afterMs: 1000, windowOpened: false })).toBe(true);
  });

  it('does not fall back when the failure comes after the grace period', () => {
    expect(windowFailedToStart({ code: 1, afterMs: WINDOW_START_GRACE_MS - 1, windowOpened: false })).toBe(true);
    expect(windowFailedToStart({ code: 1, afterMs: WINDOW_START_GRACE_MS, windowOpened: false })).toBe(false);
    expect(windowFailedToStart({ code: 1, afterMs: WINDOW_START_GRACE_MS + 60_000, windowOpened: false })).toBe(false);
    expect(windowFailedToStart({ code: null, afterMs: WINDOW_START_GRACE_MS + 1, windowOpened: false })).toBe(false);
  });
});

describe('finding the installed Electron binary', () => {
  const VERSION = '33.2.1';
  let dir: string;

  /** Lays out node_modules/electron as its install step leaves it. */
  function electronPackage(
    pieces: { packageJson?: string | null; distVersion?: string | null; pathTxt?: string | null; binary?: string | null } = {},
  ): string {
    const {
      packageJson = JSON.stringify({ name: 'electron', version: VERSION }),
      distVersion = VERSION,
      pathTxt = 'electron',
      binary = 'electron',
    } = pieces;
    mkdirSync(join(dir, 'dist'), { recursive: true });
    if (packageJson !== null) writeFileSync(join(dir, 'package.json'), packageJson);
    if (distVersion !== null) writeFileSync(join(dir, 'dist', 'version'), distVersion);
    if (pathTxt !== null) writeFileSync(join(dir, 'path.txt'), pathTxt);
    if (binary !== null) writeFileSync(join(dir, 'dist', binary), '#!/bin/sh\n');
    return dir;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feedesk-electron-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the binary named by path.txt when the unpacked version is the package version', () => {
    expect(installedElectron(electronPackage())).toBe(join(dir, 'dist', 'electron'));
  });

  it('accepts a dist/version with a leading v and surrounding whitespace', () => {
    expect(installedElectron(electronPackage({ distVersion: `v${VERSION}\n` }))).toBe(join(dir, 'dist', 'electron'));
  });

  it('accepts a path.txt with a trailing newline and a nested binary path (macOS)', () => {
    const appBinary = 'Electron.app/Contents/MacOS/Electron';
    mkdirSync(join(dir, 'dist', 'Electron.app', 'Contents', 'MacOS'), { recursive: true });
    expect(installedElectron(electronPackage({ pathTxt: `${appBinary}\n`, binary: appBinary }))).toBe(join(dir, 'dist', appBinary));
  });

  it('returns null for a folder with nothing in it', () => {
    expect(installedElectron(dir)).toBeNull();
    expect(installedElectron(join(dir, 'no-such-folder'))).toBeNull();
  });

  it('returns null when package.json is missing or unreadable', () => {
    expect(installedElectron(electronPackage({ packageJson: null }))).toBeNull();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    expect(installedElectron(electronPackage({ packageJson: '{ not json' }))).toBeNull();
  });

  it('returns null when the install step has not unpacked a version (no dist/version)', () => {
    expect(installedElectron(electronPackage({ distVersion: null }))).toBeNull();
  });

  it('returns null when the unpacked version is not the package version', () => {
    expect(installedElectron(electronPackage({ distVersion: 'v33.2.0' }))).toBeNull();
  });

  it('returns null when path.txt is missing', () => {
    expect(installedElectron(electronPackage({ pathTxt: null }))).toBeNull();
  });

  it('returns null when the binary path.txt names is not there', () => {
    expect(installedElectron(electronPackage({ binary: null }))).toBeNull();
  });
});

describe('an error as one line', () => {
  it('joins nested causes with ": "', () => {
    const err = new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND github.com') });
    expect(oneLine(err)).toBe('fetch failed: getaddrinfo ENOTFOUND github.com');
  });

  it('follows a chain of causes, skipping a message repeated by its cause', () => {
    const err = new Error('download failed', {
      cause: new Error('fetch failed', { cause: new Error('fetch failed', { cause: new Error('ECONNRESET') }) }),
    });
    expect(oneLine(err)).toBe('download failed: fetch failed: ECONNRESET');
  });

  it('cuts a multi-line message to its first line', () => {
    expect(oneLine(new Error('  unzip failed\n    at extract (install.js:12)\n    at main'))).toBe('unzip failed');
    expect(oneLine(new Error('outer\nmore', { cause: new Error('inner\nstack') }))).toBe('outer: inner');
  });

  it('states values that are not errors', () => {
    expect(oneLine('the disk is full')).toBe('the disk is full');
    expect(oneLine(42)).toBe('42');
    expect(oneLine(new Error('wrapped', { cause: 'plain string cause' }))).toBe('wrapped: plain string cause');
  });

  it('says "unknown error" when there is nothing to say', () => {
    expect(oneLine(null)).toBe('unknown error');
    expect(oneLine(undefined)).toBe('unknown error');
    expect(oneLine(new Error(''))).toBe('unknown error');
  });
});

describe('the line explaining browser mode', () => {
  it('gives the reason when FeeDesk chose the browser', () => {
    expect(browserReasonLine('there is no display')).toBe(
      'FeeDesk opens in your browser instead of a desktop window: there is no display.',
    );
  });

  it('says nothing when the user asked for the browser', () => {
    expect(browserReasonLine(null)).toBeNull();
  });
});

describe("the desk's folder", () => {
  it('is under XDG_CONFIG_HOME on Linux when it is set', () => {
    expect(deskFolder({ platform: 'linux', env: { XDG_CONFIG_HOME: '/srv/cfg' }, home: HOME }, false)).toBe(join('/srv/cfg', 'FeeDesk'));
  });

  it('is under ~/.config on Linux when XDG_CONFIG_HOME is unset or empty', () => {
    expect(deskFolder({ platform: 'linux', env: {}, home: HOME }, false)).toBe(join(HOME, '.config', 'FeeDesk'));
    expect(deskFolder({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home: HOME }, false)).toBe(join(HOME, '.config', 'FeeDesk'));
  });

  it('is under Library/Application Support on macOS, whatever XDG_CONFIG_HOME says', () => {
    expect(deskFolder({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/srv/cfg' }, home: '/Users/clerk' }, false)).toBe(
      join('/Users/clerk', 'Library', 'Application Support', 'FeeDesk'),
    );
  });

  it('is under APPDATA on Windows, or AppData/Roaming when it is unset', () => {
    const appData = 'C:\\Users\\clerk\\AppData\\Roaming';
    expect(deskFolder({ platform: 'win32', env: { APPDATA: appData }, home: 'C:\\Users\\clerk' }, false)).toBe(join(appData, 'FeeDesk'));
    expect(deskFolder({ platform: 'win32', env: {}, home: 'C:\\Users\\clerk' }, false)).toBe(
      join('C:\\Users\\clerk', 'AppData', 'Roaming', 'FeeDesk'),
    );
  });

  it('is a separate "FeeDesk Demo" folder for the demo', () => {
    expect(deskFolder({ platform: 'linux', env: {}, home: HOME }, true)).toBe(join(HOME, '.config', 'FeeDesk Demo'));
    expect(deskFolder({ platform: 'darwin', env: {}, home: HOME }, true)).toBe(
      join(HOME, 'Library', 'Application Support', 'FeeDesk Demo'),
    );
    expect(deskFolder({ platform: 'win32', env: { APPDATA: 'D:\\roam' }, home: HOME }, true)).toBe(join('D:\\roam', 'FeeDesk Demo'));
  });
});

describe('whether a window can open', () => {
  it('always can on Windows and macOS', () => {
    expect(hasDisplay({ platform: 'win32', env: {} })).toBe(true);
    expect(hasDisplay({ platform: 'darwin', env: {} })).toBe(true);
  });

  it('needs DISPLAY or WAYLAND_DISPLAY elsewhere', () => {
    expect(hasDisplay({ platform: 'linux', env: {} })).toBe(false);
    expect(hasDisplay({ platform: 'freebsd', env: {} })).toBe(false);
    expect(hasDisplay({ platform: 'linux', env: { DISPLAY: ':0' } })).toBe(true);
    expect(hasDisplay({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBe(true);
    expect(hasDisplay({ platform: 'linux', env: { DISPLAY: '' } })).toBe(false);
  });
});

describe("opening the user's browser", () => {
  const ADDRESS = 'http://127.0.0.1:8123/?feedesk-token=abc123';

  it('uses open on macOS', () => {
    expect(browserOpener('darwin', ADDRESS)).toEqual({ command: 'open', args: [ADDRESS], verbatim: false });
  });

  it('uses cmd /c start with an empty title and the quoted address, verbatim, on Windows', () => {
    expect(browserOpener('win32', ADDRESS)).toEqual({ command: 'cmd', args: ['/c', 'start', '""', `"${ADDRESS}"`], verbatim: true });
  });

  it('uses xdg-open on Linux and other Unixes', () => {
    expect(browserOpener('linux', ADDRESS)).toEqual({ command: 'xdg-open', args: [ADDRESS], verbatim: false });
    expect(browserOpener('freebsd', ADDRESS)).toEqual({ command: 'xdg-open', args: [ADDRESS], verbatim: false });
  });
});

describe("browser mode's command line", () => {
  it('defaults to the real desk on a free port, opening the browser, in the usual folder', () => {
    expect(browserModeArgs([])).toEqual({ demo: false, port: 0, open: true, userDataDir: null });
    expect(browserModeArgs(['--browser'])).toEqual({ demo: false, port: 0, open: true, userDataDir: null });
  });

  it('reads --demo, --no-open, --port and --user-data-dir', () => {
    expect(browserModeArgs(['--demo'])).toMatchObject({ demo: true });
    expect(browserModeArgs(['--no-open'])).toMatchObject({ open: false });
    expect(browserModeArgs(['--port=8123'])).toMatchObject({ port: 8123 });
    expect(browserModeArgs(['--user-data-dir=/x'])).toMatchObject({ userDataDir: '/x' });
    expect(browserModeArgs(['--demo', '--no-open', '--port=65535', '--user-data-dir=/srv/desk data'])).toEqual({
      demo: true,
      port: 65535,
      open: false,
      userDataDir: '/srv/desk data',
    });
  });

  it.each(['abc', '0', '70000', '-1', '', '80x', '1.5'])('refuses the port "%s" with an error naming --port and the value', (bad) => {
    expect(() => browserModeArgs([`--port=${bad}`])).toThrow(Error);
    let message = '';
    try {
      browserModeArgs([`--port=${bad}`]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--port');
    expect(message).toContain(`"${bad}"`);
  });

  it('accepts the edges of the port range', () => {
    expect(browserModeArgs(['--port=1']).port).toBe(1);
    expect(browserModeArgs(['--port=65535']).port).toBe(65535);
    expect(() => browserModeArgs(['--port=65536'])).toThrow(/--port/);
  });
});

describe('a promise that failed with nobody waiting', () => {
  it('is logged with its reason, and the process is not ended', () => {
    const events = new EventEmitter();
    const logged: [string, unknown][] = [];
    logUnhandledRejections(events, (message, err) => void logged.push([message, err]));
    const reason = new Error('EISDIR: rm of a job’s temporary file');
    expect(events.emit('unhandledRejection', reason)).toBe(true);
    expect(logged).toEqual([['FeeDesk: a background task failed and nothing was waiting for it', reason]]);
  });
});

// The shell's handlers (src/main/electron/guards.ts) driven through a fake webContents, session and IPC event.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/contract/errors';
import {
  denyPermissions,
  guardWebContents,
  ipcGate,
  type GuardedContents,
  type IpcSenderEvent,
  type PermissionSession,
  type WindowOpenDenial,
} from '../../src/main/electron/guards';

const DEV_SERVER = 'http://localhost:5173';

/** An EventEmitter standing in for webContents, recording the window-open handler it is given. */
class FakeContents extends EventEmitter implements GuardedContents {
  windowOpenHandler: ((details: { url: string }) => WindowOpenDenial) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenDenial): void {
    this.windowOpenHandler = handler;
  }

  /** Emits a navigation event the way Electron does (details first, the deprecated url after); true if it went ahead. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) }, url);
    return !prevented;
  }
}

function guarded(devServerUrl?: string): FakeContents {
  const contents = new FakeContents();
  guardWebContents(contents, devServerUrl);
  return contents;
}

const FOREIGN = [
  'https://evil.example/',
  'http://evil.example/app://feedesk/',
  'file:///etc/passwd',
  'file:///opt/feedesk/out/renderer/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'app://evil/index.html',
  'app://feedesk.evil.example/index.html',
  'http://localhost:5174/',
  'http://localhost.evil.example:5173/',
  'https://localhost:5173/',
  'devtools://devtools/bundled/devtools_app.html',
  'not a url',
];

describe('navigation and redirects', () => {
  for (const event of ['will-navigate', 'will-redirect'] as const) {
    it(`${event}: lets the app's own pages through`, () => {
      const contents = guarded();
      expect(contents.navigate(event, 'app://feedesk/index.html')).toBe(true);
      expect(contents.navigate(event, 'app://feedesk/index.html#/payments')).toBe(true);
    });

    it(`${event}: refuses every other origin, scheme and look-alike`, () => {
      const contents = guarded(DEV_SERVER);
      for (const url of FOREIGN) expect(contents.navigate(event, url), url).toBe(false);
    });

    it(`${event}: allows the dev server only while developing`, () => {
      expect(guarded(DEV_SERVER).navigate(event, `${DEV_SERVER}/index.html`)).toBe(true);
      expect(guarded().navigate(event, `${DEV_SERVER}/index.html`)).toBe(false);
    });
  }
});

describe('webviews and new windows', () => {
  it('refuses every webview attach', () => {
    const contents = guarded(DEV_SERVER);
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    expect(prevented).toBe(true);
  });

  it('denies window.open, whatever the target, the app origin included', () => {
    const contents = guarded(DEV_SERVER);
    expect(contents.windowOpenHandler).toBeDefined();
    for (const url of ['app://feedesk/index.html', `${DEV_SERVER}/`, ...FOREIGN]) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
  });
});

describe('permissions', () => {
  function deniedSession() {
    const handlers: {
      request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
      check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
    } = {};
    denyPermissions({
      setPermissionRequestHandler: (handler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler) => (handlers.check = handler),
    });
    return handlers;
  }

  const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'usb', 'unknown'];

  it('answers every permission request with false', () => {
    const { request } = deniedSession();
    for (const permission of PERMISSIONS) {
      const callback = vi.fn();
      request!({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('answers every permission check with false', () => {
    const { check } = deniedSession();
    for (const permission of PERMISSIONS) expect(check!({}, permission), permission).toBe(false);
    expect(check!(null, 'media')).toBe(false);
  });
});

describe('the IPC gate (senderFrame check)', () => {
  const ok: Result<unknown> = { ok: true, value: 'answered' };

  function gate(devServerUrl?: string) {
    const invoke = vi.fn(async (_channel: string, _input: unknown, _clientId: string) => ok);
    return { invoke, handle: ipcGate(devServerUrl, invoke) };
  }

  const from = (url: string | null, id = 7): IpcSenderEvent => ({ senderFrame: url === null ? null : { url }, sender: { id } });

  it('passes calls from the app window to the backend with the window as client id', async () => {
    const { invoke, handle } = gate();
    expect(await handle(from('app://feedesk/index.html', 3), 'students.search', { q: 'a' })).toBe(ok);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('students.search', { q: 'a' }, 'window-3');
  });

  it('passes calls from the dev server while developing', async () => {
    const { invoke, handle } = gate(DEV_SERVER);
    await handle(from(`${DEV_SERVER}/`, 4), 'store.status', undefined);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('store.status', undefined, 'window-4');
  });

  it('refuses a foreign frame, devtools and a frame already gone, without reaching the backend', async () => {
    const { invoke, handle } = gate(DEV_SERVER);
    for (const url of [...FOREIGN, null]) {
      const result = await handle(from(url), 'payments.record', {});
      expect(result, String(url)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses the dev server once packaged', async () => {
    const { invoke, handle } = gate();
    expect(await handle(from(`${DEV_SERVER}/`), 'store.status', undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('hands the backend the channel as a string, whatever the renderer sent', async () => {
    const { invoke, handle } = gate();
    await handle(from('app://feedesk/index.html'), 42, null);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('42', null, 'window-7');
  });
});

// The shell's guards as plain functions over the few members of webContents, session and the IPC event
// they use. hardening.ts and index.ts attach them to the real objects; the tests drive them with fakes.
import type { Result } from '../../shared/contract/errors';
import { isAppUrl } from '../shell-policy';

/** What will-navigate and will-redirect hand a listener: where the page is going, and the means to stop it. */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

export interface CancellableEvent {
  preventDefault(): void;
}

export interface WindowOpenDenial {
  action: 'deny';
}

/** The part of Electron's WebContents that guardWebContents uses. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: CancellableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenDenial): void;
}

/** The part of Electron's Session that denyPermissions uses. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/** The part of Electron's IpcMainInvokeEvent that the gate reads. senderFrame is null once the frame is gone. */
export interface IpcSenderEvent {
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: { readonly id: number };
}

export type Invoke = (channel: string, input: unknown, clientId: string) => Promise<Result<unknown>>;

/** A page may only navigate (or be redirected) within the app, or the dev server while developing. */
export function refuseForeignNavigation(devServerUrl?: string): (event: NavigationEvent) => void {
  return (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault();
  };
}

/** FeeDesk has no webviews (webviewTag is off); one being attached means something is wrong. */
export function refuseWebview(event: CancellableEvent): void {
  event.preventDefault();
}

/** FeeDesk has one window; a page never opens another (nor a link in the system browser). */
export function denyWindowOpen(): WindowOpenDenial {
  return { action: 'deny' };
}

export function guardWebContents(contents: GuardedContents, devServerUrl?: string): void {
  const navigation = refuseForeignNavigation(devServerUrl);
  contents.on('will-navigate', navigation);
  contents.on('will-redirect', navigation);
  contents.on('will-attach-webview', refuseWebview);
  contents.setWindowOpenHandler(denyWindowOpen);
}

/** The app needs no camera, microphone, notifications, geolocation or anything else a page may ask for. */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

const FORBIDDEN: Result<unknown> = {
  ok: false,
  error: { code: 'forbidden', message: 'IPC is only answered for the FeeDesk window' },
};

/**
 * The ipcMain.handle listener: a call reaches the backend only from a frame showing the app (a foreign
 * page, devtools, or a frame already gone is refused), with the window as the client id.
 */
export function ipcGate(devServerUrl: string | undefined, invoke: Invoke) {
  return (event: IpcSenderEvent, channel: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!isAppUrl(event.senderFrame?.url, devServerUrl)) return Promise.resolve(FORBIDDEN);
    return invoke(String(channel), input, `window-${event.sender.id}`);
  };
}

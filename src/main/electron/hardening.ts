// The Electron side of the security guide: the app:// protocol, and the guards (guards.ts) attached to the session and every webContents.
import { pathToFileURL } from 'node:url';
import { app, net, protocol, session } from 'electron';
import { APP_SCHEME, rendererHeaders, resolveAppAsset } from '../shell-policy';
import { denyPermissions, guardWebContents } from './guards';

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from app://feedesk/ (module scripts do not load from file://). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    if (!response.ok) return new Response('not found', { status: 404 });
    return new Response(response.body, { headers: rendererHeaders(file) });
  });
}

/** Attaches the guards (guards.ts) to the session and to every webContents as it is created. */
export function denyPermissionsAndForeignNavigation(devServerUrl?: string): void {
  denyPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, devServerUrl));
}

// Serves the built renderer over loopback HTTP (module scripts do not load from file://),
// resolving paths exactly as the app:// protocol handler does.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, contentTypeFor, resolveAppAsset } from '../../../src/main/shell-policy';

export const RENDERER_DIR = join(import.meta.dirname, '../../../out/renderer');

export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const file = resolveAppAsset(RENDERER_DIR, `${APP_ORIGIN}${req.url ?? '/'}`);
    try {
      if (!file) throw new Error('outside the renderer');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-security-policy': CONTENT_SECURITY_POLICY });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

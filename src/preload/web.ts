// window.api in browser mode: the preload's own builder (buildApi) over HTTP to the loopback server that serves this
// page (src/main/web/server.ts), instead of Electron IPC. It runs before the renderer (a module script placed first).
// Each tab is its own client, as each window is in the desktop app: the server issues the tab an id, which the tab
// keeps across reloads (sessionStorage) and gives up when it turns out to be a copy of a live tab (Duplicate tab).
import { buildApi, channelNames } from '../shared/contract';
import type { ErrorData, Result } from '../shared/contract/errors';

const CLIENT_KEY = 'feedesk.clientId';
const CLIENT_HEADER = 'x-feedesk-client';
const PRINT_HEADER = 'x-feedesk-print';
const CHANNEL_HEADER = 'x-feedesk-channel';

const failure = (code: ErrorData['code'], message: string): Result<never> => ({ ok: false, error: { code, message } });

/** Holds the tab's id for the life of the page, so a duplicated tab (same sessionStorage) sees it taken. */
function holdTabLock(id: string): Promise<boolean> {
  if (!navigator.locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks.request(`feedesk-tab-${id}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Held until the page goes away.
      return lock ? new Promise<void>(() => {}) : undefined;
    });
  });
}

/** A reload's old page lets go of its lock as it goes: give it a moment before calling the tab a duplicate. */
async function reclaim(id: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await holdTabLock(id)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
}

async function obtainClientId(): Promise<string> {
  let previous = sessionStorage.getItem(CLIENT_KEY);
  if (previous && !(await reclaim(previous))) previous = null;
  const response = await post('/api/client', { previous });
  if (!response.ok) throw new ShellRefusal(response.status, await response.text());
  const { clientId } = (await response.json()) as { clientId: string };
  if (clientId !== previous) await holdTabLock(clientId);
  sessionStorage.setItem(CLIENT_KEY, clientId);
  return clientId;
}

class ShellRefusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason.trim());
  }
}

/** Opens the browser's print dialog for a PDF the desk handed over (no system printer to send it to). */
function printInBrowser(url: string): void {
  const frame = document.createElement('iframe');
  frame.title = 'Printing';
  Object.assign(frame.style, { position: 'fixed', right: '0', bottom: '0', width: '0', height: '0', border: '0' });
  frame.addEventListener('load', () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
    } catch {
      window.open(url, '_blank', 'noopener');
    }
    setTimeout(() => frame.remove(), 60_000);
  });
  frame.src = url;
  document.body.append(frame);
}

let client: Promise<string> | null = null;

async function invoke(channel: string, input: unknown): Promise<Result<unknown>> {
  let response: Response;
  try {
    const clientId = await (client ??= obtainClientId());
    response = await post('/api/invoke', { channel, input }, { [CLIENT_HEADER]: clientId, [CHANNEL_HEADER]: channel });
  } catch (err) {
    client = null;
    if (err instanceof ShellRefusal) return failure('forbidden', err.message);
    return failure('internal', 'FeeDesk is not answering: it may have been stopped. Start it again, then reload this page.');
  }
  if (!response.ok) {
    // Not the backend's "unauthenticated" (that sends the app to its login screen, which would ask again and again).
    if (response.status === 401) client = null;
    return failure('forbidden', (await response.text()).trim() || `FeeDesk refused the call (${response.status})`);
  }
  const print = response.headers.get(PRINT_HEADER);
  if (print?.startsWith('/print/')) printInBrowser(print);
  return (await response.json()) as Result<unknown>;
}

/**
 * Browse, in a browser: the desk has no dialog to show here, so the tab's own file picker chooses the file and the tab
 * sends it to the desk (imports.receiveFile), which keeps it and answers with its path, read like any other file.
 */
function chooseInTab(): Promise<Result<{ path: string | null }>> {
  return new Promise((resolve) => {
    const picker = document.createElement('input');
    picker.type = 'file';
    picker.accept = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';
    picker.setAttribute('aria-label', 'File to import');
    picker.style.display = 'none';
    const done = (result: Result<{ path: string | null }>) => {
      picker.remove();
      resolve(result);
    };
    picker.addEventListener('cancel', () => done({ ok: true, value: { path: null } }));
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (!file) return done({ ok: true, value: { path: null } });
      void file.arrayBuffer().then(
        async (bytes) =>
          done(
            (await invoke('imports.receiveFile', { fileName: file.name, content: toBase64(new Uint8Array(bytes)) })) as Result<{
              path: string | null;
            }>,
          ),
        () => done(failure('invalid_input', 'the file could not be read from this computer: choose it again')),
      );
    });
    document.body.append(picker);
    picker.click();
  });
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The calls a browser tab answers itself; every other goes to the desk. */
const inTab: Partial<Record<string, () => Promise<Result<unknown>>>> = { 'imports.chooseFile': chooseInTab };

window.api = buildApi(channelNames, (channel, input) => inTab[channel]?.() ?? invoke(channel, input));

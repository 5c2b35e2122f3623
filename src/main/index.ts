// The Electron shell: lifecycle, the one window, IPC into createApp, and the OS adapters.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import { IPC_CHANNEL } from '../shared/contract';
import { createApp, randomIds, systemClock } from './app';
import { ipcGate } from './electron/guards';
import { denyPermissionsAndForeignNavigation, registerAppScheme, serveRenderer } from './electron/hardening';
import { createSafeStorageKeyWrapper } from './electron/key-wrapper';
import { createElectronPrinter } from './electron/printer';
import { createElectronSettingsStore } from './electron/settings-store';
import { openDemoSchool } from './demo/open-demo';
import { maintenanceRequest, restoreRequest, runMaintenanceThenClose, runRestore } from './maintenance';
import { createKeyStore } from './db/key-store';
import { sweepSpool } from './print/spool';
import { createSystemPrinter, runCommand } from './print/system-printer';
import { APP_ORIGIN } from './shell-policy';
import { browserModeArgs, browserPrintHandoff, openBrowser, serveInBrowser } from './web/browser-mode';
import { APP_START_FAILED_EXIT, BROWSER_FLAG, logUnhandledRejections, WINDOW_READY_LINE } from './web/desktop-env';

const here = fileURLToPath(new URL('.', import.meta.url));
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];

// `npm run demo` runs on a separate profile, so a demo school never mixes with real books.
const demo = process.argv.includes('--demo');
// `FeeDesk --browser`: no window; the same backend (keychain included) served to the user's browser, as `npm start` does
// in plain Node where Electron cannot run.
const browserMode = process.argv.includes(BROWSER_FLAG);
if (demo) app.setPath('userData', join(app.getPath('appData'), 'FeeDesk Demo'));

registerAppScheme();

function createWindow(): BrowserWindow {
  // Electronegativity asks for Auxclick off: a middle-click on a link asks for a new window, and
  // denyWindowOpen (electron/guards.ts) refuses every such request, in every webContents.
  // Electronegativity reads its exceptions on the line the finding is on: Prettier would move it into the object.
  // prettier-ignore
  const window = new BrowserWindow({ // eng-disable AUXCLICK_JS_CHECK
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'FeeDesk',
    webPreferences: {
      // Reviewed, as Electronegativity asks: the preload exposes one function per contract channel, never ipcRenderer.
      preload: join(here, '../preload/index.cjs'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Off in a packaged build: from the console anyone at the desk could call window.api directly, at machine speed.
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
    console.log(WINDOW_READY_LINE);
  });
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const dbPath = join(userData, 'feedesk.db');
  const keyWrapper = createSafeStorageKeyWrapper();
  const settings = createElectronSettingsStore();

  // Before the store is opened: it may be the damaged thing the backup replaces.
  const restore = restoreRequest(process.argv);
  if (restore) {
    app.exit(await runRestore(restore.folder, { dbPath, keys: createKeyStore(keyWrapper, settings), clock: systemClock, ids: randomIds }));
    return;
  }

  // What an earlier run left in the print spool (a crash mid-print) goes before anything prints.
  const spoolDir = join(userData, 'spool');
  await sweepSpool(spoolDir);
  const handoff = browserPrintHandoff();
  const feedesk = await createApp({
    dbPath,
    keyWrapper,
    settings,
    clock: systemClock,
    ids: randomIds,
    printer: browserMode
      ? createSystemPrinter({ spoolDir, platform: process.platform, run: runCommand, toBrowser: handoff.toBrowser })
      : createElectronPrinter(spoolDir, () => BrowserWindow.getAllWindows().find((w) => !w.isDestroyed()) ?? null),
    fontsDir: join(app.getAppPath(), 'resources/fonts'),
    exportFolder: app.getPath('documents'),
    logger: {
      error: (message, err) => console.error(message, err),
      warn: (message) => console.warn(message),
      info: (message) => console.info(message),
    },
    shell: browserMode ? 'the desktop app in browser mode (--browser)' : 'the desktop app',
    // Browse on the import screen: the system's Open dialog over the window (browser mode's tab sends the file instead).
    chooseFile: async ({ title, filters }) => {
      const owner = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows().find((w) => !w.isDestroyed());
      const options = { title, filters, defaultPath: app.getPath('documents'), properties: ['openFile' as const] };
      const chosen = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
    },
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    // Close the store (checkpointing the WAL) before the process goes.
    event.preventDefault();
    void feedesk.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  feedesk.sync.start();
  feedesk.backups.startSchedule();

  if (demo) await openDemoSchool(feedesk, (line) => console.log(line));

  const maintenance = maintenanceRequest(process.argv);
  if (maintenance) {
    app.exit(await runMaintenanceThenClose(maintenance, feedesk));
    return;
  }

  if (browserMode) {
    const say = (line: string) => console.log(line);
    const shell = await serveInBrowser({
      app: feedesk,
      rendererDir: join(here, '../renderer'),
      port: browserModeArgs(process.argv).port,
      open: true,
      say,
      warn: (line) => console.warn(line),
    });
    handoff.attach(shell);
    // Starting FeeDesk again opens another tab on this one.
    app.on('second-instance', () => openBrowser(shell.openingAddress, (line) => console.warn(line)));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
    app.on('will-quit', () => void shell.close());
    return;
  }

  // No default menu in a packaged build: it carries Toggle Developer Tools (Ctrl+Shift+I) and Reload.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  serveRenderer(join(here, '../renderer'));
  denyPermissionsAndForeignNavigation(devServerUrl);

  ipcMain.handle(
    IPC_CHANNEL,
    ipcGate(devServerUrl, (channel, input, clientId) => feedesk.invoke(channel, input, clientId)),
  );

  let window = createWindow();
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
}

logUnhandledRejections(process, (message, err) => console.error(message, err));

// Two FeeDesk processes on one store must never happen.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((err: unknown) => {
    // A wrong key, a store from a newer FeeDesk, a locked file: say so in a window, not only a log.
    console.error('FeeDesk failed to start', err);
    dialog.showErrorBox('FeeDesk could not start', err instanceof Error ? err.message : String(err));
    app.exit(APP_START_FAILED_EXIT);
  });
}

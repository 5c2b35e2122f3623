// Browser mode's shell in plain Node (out/main/web.js): the same backend as the desktop app — createApp on the same
// desk folder and settings, its workers, sync loop and backup schedule — served to the user's browser on the loopback
// interface. `npm start` runs it where the desktop window cannot open. No Electron here: there is no OS keychain
// (stores open with a passphrase) and printing goes through CUPS or the browser's print dialog.
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, randomIds, systemClock, type App } from '../app';
import { createKeyStore, NO_KEYCHAIN } from '../db/key-store';
import { openDemoSchool } from '../demo/open-demo';
import { maintenanceRequest, restoreRequest, runMaintenanceThenClose, runRestore } from '../maintenance';
import { sweepSpool } from '../print/spool';
import { createSystemPrinter, runCommand } from '../print/system-printer';
import { createFileSettingsStore } from '../desk-settings';
import { browserModeArgs, browserPrintHandoff, serveInBrowser } from './browser-mode';
import { deskFolder, logUnhandledRejections } from './desktop-env';
import type { WebShell } from './server';

const here = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => console.log(line);
const warn = (line: string) => console.warn(line);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = browserModeArgs(argv);
  const home = homedir();
  const folder = args.userDataDir ?? deskFolder({ platform: process.platform, env: process.env, home }, args.demo);
  const dbPath = join(folder, 'feedesk.db');
  const settings = createFileSettingsStore(join(folder, 'feedesk-settings.json'));

  const restore = restoreRequest(argv);
  if (restore)
    return runRestore(restore.folder, { dbPath, keys: createKeyStore(NO_KEYCHAIN, settings), clock: systemClock, ids: randomIds });

  // What an earlier run left in the print spool (a crash mid-print) goes before anything prints.
  const spoolDir = join(folder, 'spool');
  await sweepSpool(spoolDir);
  const handoff = browserPrintHandoff();
  const app = await createApp({
    dbPath,
    keyWrapper: NO_KEYCHAIN,
    settings,
    clock: systemClock,
    ids: randomIds,
    printer: createSystemPrinter({ spoolDir, platform: process.platform, run: runCommand, toBrowser: handoff.toBrowser }),
    fontsDir: join(here, '../../resources/fonts'),
    exportFolder: existsSync(join(home, 'Documents')) ? join(home, 'Documents') : home,
    logger: { error: (message, err) => console.error(message, err), warn, info: say },
    shell: 'browser mode',
  });

  const maintenance = maintenanceRequest(argv);
  if (maintenance) return runMaintenanceThenClose(maintenance, app);

  app.sync.start();
  app.backups.startSchedule();
  if (args.demo) await openDemoSchool(app, say);
  say(`FeeDesk's files: ${folder}`);
  const shell = await serveInBrowser({ app, rendererDir: join(here, '../renderer'), port: args.port, open: args.open, say, warn });
  handoff.attach(shell);
  return stopOnSignal(app, shell);
}

/** Ctrl+C (SIGINT), SIGTERM or the terminal closing: stop serving, close the store (its WAL checkpointed), exit 0. */
function stopOnSignal(app: App, shell: WebShell): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      say('FeeDesk: stopping…');
      const stuck = setTimeout(() => {
        warn('FeeDesk: the store did not close within 30 seconds; stopping anyway.');
        resolve(1);
      }, 30_000);
      void shell
        .close()
        .then(() => app.close())
        .then(
          () => {
            clearTimeout(stuck);
            say('FeeDesk: stopped; the store is closed.');
            resolve(0);
          },
          (err: unknown) => {
            clearTimeout(stuck);
            console.error('FeeDesk: stopping failed', err);
            resolve(1);
          },
        );
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  });
}

logUnhandledRejections(process, (message, err) => console.error(message, err));
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A second FeeDesk on the store, a keychain-only store, a store from a newer FeeDesk: one clear line.
    console.error(`FeeDesk could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

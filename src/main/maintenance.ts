// Command-line maintenance run by the desk binary instead of opening a window:
//   FeeDesk --reset-admin-password=USERNAME
//   FeeDesk --restore-backup=FOLDER        (before the store is opened: it may be the damaged thing)
import { createInterface } from 'node:readline';
import type { App } from './app';
import { AppError } from '../shared/contract/errors';
import { type OfflineRestore, restoreNeedsStorePassphrase, restoreOffline } from './backup/offline-restore';
import { lockStore, type StoreLock } from './db/store-lock';

const RESET_FLAG = '--reset-admin-password=';
const RESTORE_FLAG = '--restore-backup=';

type Io = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
const stdio: Io = { input: process.stdin, output: process.stdout };

/** Asks questions one line at a time (lines typed or piped ahead wait for their question). */
function prompter(io: Io) {
  const rl = createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question: string): Promise<string> {
      io.output.write(question);
      const next = await lines.next();
      return next.done ? '' : String(next.value);
    },
    close: () => rl.close(),
  };
}

export function restoreRequest(argv: readonly string[]): { folder: string } | null {
  const flag = argv.find((a) => a.startsWith(RESTORE_FLAG));
  return flag ? { folder: flag.slice(RESTORE_FLAG.length) } : null;
}

/** Restores a backup over the store without opening it first; returns the process exit code. */
export async function runRestore(
  folder: string,
  deps: Omit<OfflineRestore, 'folder' | 'backupPassphrase' | 'storePassphrase'>,
  io: Io = stdio,
): Promise<number> {
  let lock: StoreLock;
  try {
    // Not under a running FeeDesk's feet: it would keep writing to the store being replaced.
    lock = lockStore(deps.dbPath, { shell: 'a backup restore (--restore-backup)', address: null }, deps.clock.now());
  } catch (err) {
    io.output.write(`Restore refused: ${err instanceof Error ? err.message : String(err)}\nThe store was left as it was.\n`);
    return 1;
  }
  const prompt = prompter(io);
  try {
    const backupPassphrase = await prompt.ask('Backup passphrase: ');
    const storePassphrase = restoreNeedsStorePassphrase(deps.dbPath, deps.keys)
      ? await prompt.ask('Store passphrase for the restored store (12+ characters): ')
      : undefined;
    const done = await restoreOffline({ ...deps, folder, backupPassphrase, ...(storePassphrase === undefined ? {} : { storePassphrase }) });
    io.output.write(
      `Restored the backup of ${done.createdAt} from ${folder}.\n${done.keptAside ? `The store it replaced is kept at ${done.keptAside}.\n` : ''}`,
    );
    return 0;
  } catch (err) {
    io.output.write(
      `Restore refused: ${err instanceof AppError ? `${err.field ? `${err.field} ` : ''}${err.message}` : String(err)}\nThe store was left as it was.\n`,
    );
    return 1;
  } finally {
    prompt.close();
    lock.release();
  }
}

export function maintenanceRequest(argv: readonly string[]): { resetUsername: string } | null {
  const flag = argv.find((a) => a.startsWith(RESET_FLAG));
  return flag ? { resetUsername: flag.slice(RESET_FLAG.length) } : null;
}

/** What both shells do with a maintenance request once the backend is up: run it, close the store, give the exit code. */
export async function runMaintenanceThenClose(request: { resetUsername: string }, app: App): Promise<number> {
  const status = await app.invoke('store.status', undefined, 'maintenance');
  const needsPassphrase = status.ok && (status.value as { state: string }).state === 'needs_passphrase';
  const code = await runMaintenance(request, app, needsPassphrase);
  await app.close();
  return code;
}

/** Runs the request and returns the process exit code. */
export async function runMaintenance(
  request: { resetUsername: string },
  app: App,
  needsPassphrase: boolean,
  io: Io = stdio,
): Promise<number> {
  let passphrase: string | undefined;
  if (needsPassphrase) {
    const prompt = prompter(io);
    passphrase = await prompt.ask('Store passphrase: ');
    prompt.close();
  }
  try {
    const temporary = await app.resetAdminPassword(request.resetUsername, passphrase);
    io.output.write(`One-time password for ${request.resetUsername}: ${temporary}\nLog in with it and change it under Settings at once.\n`);
    return 0;
  } catch (err) {
    io.output.write(`Password reset refused: ${err instanceof AppError ? err.message : String(err)}\n`);
    return 1;
  }
}

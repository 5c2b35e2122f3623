// The whole backend, Electron-free: the Electron shell and the tests call the same invoke.
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { ChannelName, OutputOf, Result } from '../shared/contract';
import type { Change, MutationArgs } from '../shared/sync/protocol';
import { type Backups, createBackups } from './background/backup-jobs';
import { type BackgroundRunner, createBackgroundRunner, type WorkerSession, type WorkerSpec } from './background/runner';
import { auditHandlers } from './channels/audit';
import { authHandlers } from './channels/auth';
import { backupHandlers } from './channels/backup';
import { concessionsHandlers } from './channels/concessions';
import { reconcileHandlers } from './channels/reconcile';
import { yearsHandlers } from './channels/years';
import { applyChanges } from './sync/apply-remote';
import { startPullCheckpoints } from './sync/pull-checkpoints';
import { chargesHandlers } from './channels/charges';
import { refundsHandlers } from './channels/refunds';
import { diagnosticsHandlers } from './channels/diagnostics';
import { type FileChooser, importsHandlers } from './channels/imports';
import { mastersHandlers } from './channels/masters';
import { paymentsHandlers } from './channels/payments';
import { printingHandlers } from './channels/printing';
import { receiptsHandlers } from './channels/receipts';
import { reportsHandlers } from './channels/reports';
import { settingsHandlers } from './channels/settings';
import { setupHandlers } from './channels/setup';
import { slipsHandlers } from './channels/slips';
import { storeHandlers } from './channels/store';
import { structuresHandlers } from './channels/structures';
import { studentsHandlers } from './channels/students';
import { syncHandlers } from './channels/sync';
import { usersHandlers } from './channels/users';
import { createEncryptedStore } from './db/encrypted-store';
import { createKeyStore, type KeyWrapper } from './db/key-store';
import { registerSqlFunctions } from './db/sql-functions';
import { lockStore, type StoreLock } from './db/store-lock';
import { type DemoOptions, type DemoResult, generateDemoSchool } from './demo/generate';
import type { SettingsStore } from './desk-settings';
import { createRouter, type Handlers, type Invoke } from './ipc/router';
import { OWASP_SCRYPT, type ScryptCost } from './kdf';
import type { Logger } from './logger';
import { loadFonts } from './print/fonts';
import { chosenPrinter } from './print/preferences';
import type { Printer } from './print/printer';
import * as auth from './services/auth';
import type { DeskClock, IdSource, ServiceDeps } from './services/context';
import { createSessionTable } from './services/sessions';
import * as users from './services/users';
import type { FetchLike } from './sync/client';
import type { SyncEnv } from './sync/env';
import { createSyncLoop, type SyncLoop, type SyncLoopOptions } from './sync/loop';

export type { Logger } from './logger';

export interface AppDeps {
  dbPath: string;
  /** The OS keychain; where it is unavailable the user sets a store passphrase. */
  keyWrapper: KeyWrapper;
  settings: SettingsStore;
  clock: DeskClock;
  ids: IdSource;
  printer: Printer;
  /** resources/fonts: the Unicode fonts embedded in PDFs. */
  fontsDir: string;
  logger: Logger;
  /** scrypt cost for passwords and passphrases; OWASP's by default. */
  kdfCost?: ScryptCost;
  /** Tests: check every answer against the contract's output schema. */
  validateOutput?: boolean;
  /** How the desk reaches the sync server (global fetch by default; tests pass a proxy-aware one). */
  syncFetch?: FetchLike;
  sync?: Omit<SyncLoopOptions, 'canRun'> & { pushBatch?: number; pullPage?: number; workerPageChars?: number };
  /** The background worker (reports, exports, imports); by default the one built beside this file (or its TypeScript source, run through tsx). */
  backgroundWorker?: WorkerSpec;
  /** Where exports are offered to go (the user's Documents folder); the store's folder by default. */
  exportFolder?: string;
  /** How this FeeDesk names itself to a second one refused the same store ("the desktop app", "browser mode"). */
  shell?: string;
  /** The desktop app's Open dialog (Browse on the import screen); browser mode's tabs send the file instead. */
  chooseFile?: FileChooser;
}

/** How long the pull worker waits for the next big pull before it ends. */
const PULL_WORKER_IDLE_MS = 60_000;

/** Built, app.ts is inside out/main/index.js and the worker is out/main/background-worker.js; from source it is a .ts file. */
function defaultBackgroundWorker(): WorkerSpec {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? { file: new URL('./background/worker.ts', here), execArgv: ['--import', 'tsx'] }
    : { file: new URL('./background-worker.js', here) };
}

export interface App {
  /** Runs one channel for one window (client). Never throws: errors come back as data. */
  invoke(channel: string, input: unknown, clientId: string): Promise<Result<unknown>>;
  /** The forgotten-admin-password procedure (README): opens the store if needed, returns a one-time password. */
  resetAdminPassword(username: string, storePassphrase?: string): Promise<string>;
  /** Fills an empty store with a demo school (npm run demo, tests, benchmarks). */
  generateDemoSchool(options: DemoOptions): Promise<DemoResult>;
  /** The background sync loop: the shell starts it; tests run rounds by hand. */
  sync: SyncLoop;
  /** Applies changes as a pulled page is applied (a rollover on the worker): benchmarks time it without a server. */
  applyPulled(changes: readonly Change[]): Promise<void>;
  /** The daily backup: the shell starts its timer; tests run it by hand. */
  backups: {
    runDue(): Promise<OutputOf<'backup.job'> | null>;
    settled(jobId: string): Promise<OutputOf<'backup.job'>>;
    startSchedule(): () => void;
  };
  /** Where browser mode serves this FeeDesk: a second one refused the store names it. */
  servingAt(address: string): void;
  /** Ends the sync loop and the workers, closes the store (checkpointing its WAL) and lets go of its lock. */
  close(): Promise<void>;
}

/** performance.now() runs from the process's start and is not moved by setting the computer's clock. */
export const systemClock: DeskClock = { now: () => new Date(), monotonicMs: () => performance.now() };
/** Channels that write money events: each is followed by a sync round soon after (SyncLoop.soon). */
const MONEY_CHANNELS: ReadonlySet<string> = new Set<ChannelName>([
  'years.rollover',
  'charges.assign',
  'charges.stop',
  'charges.oneOff',
  'payments.record',
  'payments.cancel',
  'payments.bounce',
  'refunds.record',
  'payments.waive',
  'cheques.clear',
  'dayClose.close',
  'reconcile.confirm',
]);
export const randomIds: IdSource = { uuid: () => crypto.randomUUID() };

/** The backend on its store; a second one on the same store, in this process or another, is refused (`conflict`). */
export async function createApp(deps: AppDeps): Promise<App> {
  const lock = lockStore(deps.dbPath, { shell: deps.shell ?? 'FeeDesk', address: null }, deps.clock.now());
  try {
    return await createAppHoldingLock(deps, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function createAppHoldingLock(deps: AppDeps, lock: StoreLock): Promise<App> {
  const cost = deps.kdfCost ?? OWASP_SCRYPT;
  const store = createEncryptedStore(
    deps.dbPath,
    createKeyStore(deps.keyWrapper, deps.settings, cost),
    (opened) => registerSqlFunctions(opened.raw),
    (level, message, err) => (level === 'error' ? deps.logger.error(`store: ${message}`, err) : deps.logger.warn?.(`store: ${message}`)),
  );
  await store.openAutomatically();

  const services: ServiceDeps = {
    store: () => store.current().db,
    clock: deps.clock,
    ids: deps.ids,
    sessions: createSessionTable(deps.clock),
    passwordCost: cost,
  };

  let pullSession: WorkerSession | null = null;
  /** A second worker that copies a catch-up pull's WAL into the database while the pull worker writes. */
  let checkpointSession: WorkerSession | null = null;
  let pullIdle: NodeJS.Timeout | null = null;
  const syncEnv: SyncEnv = {
    store: services.store,
    clock: deps.clock,
    ids: deps.ids,
    fetch: deps.syncFetch ?? ((url, init) => fetch(url, init)),
    log: (level, message) => (level === 'error' ? deps.logger.error(`sync: ${message}`) : deps.logger[level]?.(`sync: ${message}`)),
    ...(deps.sync?.pushBatch ? { pushBatch: deps.sync.pushBatch } : {}),
    ...(deps.sync?.pullPage ? { pullPage: deps.sync.pullPage } : {}),
    ...(deps.sync?.workerPageChars !== undefined ? { workerPageChars: deps.sync.workerPageChars } : {}),
    pullWorker: () => {
      // Kept for a while after a pull: a desk catching up pulls big pages round after round, and a worker takes a
      // moment to start.
      if (pullIdle) clearTimeout(pullIdle);
      if (!pullSession?.alive()) pullSession = backgroundRunner().session();
      if (!checkpointSession?.alive()) checkpointSession = backgroundRunner().session();
      const [session, copier] = [pullSession, checkpointSession];
      const release = store.current().holdCheckpoints();
      const copying = startPullCheckpoints(copier, (message) => syncEnv.log('warn', message));
      return {
        read: (answer) => session.request({ kind: 'sync.readPage', answer }),
        apply: (now) => session.request({ kind: 'sync.applyPage', now }),
        end: async () => {
          const copies = await copying.stop();
          syncEnv.log('info', `the pull's WAL was copied into the database ${copies} times beside it`);
          release();
          pullIdle = setTimeout(() => {
            if (pullSession === session) pullSession = null;
            if (checkpointSession === copier) checkpointSession = null;
            void session.end();
            void copier.end();
          }, PULL_WORKER_IDLE_MS);
          pullIdle.unref();
        },
      };
    },
    offload: async (change) => {
      if (change.name !== 'years.rollover') throw new Error(`${change.name} is not applied on the worker`);
      await backgroundRunner().work(
        {
          kind: 'rollover.apply',
          args: change.args as MutationArgs<'years.rollover'>,
          deskCode: change.deskCode ?? 'SERVER',
          now: deps.clock.now().toISOString(),
        },
        { kind: 'import.checkpoint' },
      );
    },
  };
  // True while a restore or a rekey has the store to itself: the sync loop waits.
  let maintenance = false;
  const syncLoop = createSyncLoop(syncEnv, { ...deps.sync, canRun: () => store.status().state === 'open' && !maintenance });
  services.duesArriving = () => syncLoop.view().pulling !== null;

  let background: BackgroundRunner | null = null;
  const backgroundRunner = () =>
    (background ??= createBackgroundRunner({
      worker: deps.backgroundWorker ?? defaultBackgroundWorker(),
      fontsDir: deps.fontsDir,
      store: () => ({ dbPath: deps.dbPath, key: store.current().key }),
      newId: () => deps.ids.uuid(),
      now: () => deps.clock.now(),
      log: (message, err) => deps.logger.error(message, err),
    }));

  /** Runs `work` with nothing else on the store's file: no sync round, no worker connection, no transaction in flight. */
  const exclusively = async <T>(work: () => Promise<T>): Promise<T> => {
    maintenance = true;
    try {
      while (syncLoop.view().syncing) await new Promise((resolve) => setTimeout(resolve, 20));
      await background?.close();
      background = null;
      // Waits its turn on the one connection: any transaction started before has ended.
      await sql`select 1`.execute(store.current().db);
      return await work();
    } finally {
      maintenance = false;
    }
  };

  const backups: Backups = createBackups({
    deps: services,
    settings: deps.settings,
    runner: backgroundRunner,
    storeKey: () => store.current().key,
    dbPath: deps.dbPath,
    kdfCost: cost,
    available: () => store.status().state === 'open' && !maintenance,
    withStoreClosed: (swap) =>
      exclusively(async () => {
        await store.close();
        const swapped = swap();
        try {
          await store.reopen();
        } catch (err) {
          swapped.undo();
          await store.reopen();
          throw err;
        }
      }),
  });

  const print = { fonts: () => loadFonts(deps.fontsDir), printer: deps.printer, printerName: () => chosenPrinter(deps.settings) };
  const handlers: Handlers = {
    ...storeHandlers({ deps: services, store, settings: deps.settings, backupBusy: () => backups.busy(), exclusively }),
    ...setupHandlers(services),
    ...authHandlers(services),
    ...usersHandlers(services),
    ...settingsHandlers(services),
    ...auditHandlers(services, backgroundRunner),
    ...mastersHandlers(services),
    ...studentsHandlers(services, print),
    ...structuresHandlers(services),
    ...concessionsHandlers(services),
    ...paymentsHandlers(services),
    ...receiptsHandlers(services, print),
    ...slipsHandlers(services, print),
    ...printingHandlers(deps.printer, deps.settings),
    ...syncHandlers(services, syncEnv, syncLoop),
    ...reportsHandlers(services, backgroundRunner, deps.exportFolder ?? dirname(deps.dbPath)),
    ...importsHandlers(services, backgroundRunner, deps.settings, {
      receivedDir: join(dirname(deps.dbPath), 'received'),
      ...(deps.chooseFile ? { chooseFile: deps.chooseFile } : {}),
    }),
    ...backupHandlers(backups),
    ...diagnosticsHandlers(deps.logger),
    ...reconcileHandlers(services),
    ...yearsHandlers(services, backgroundRunner, syncLoop),
    ...chargesHandlers(services),
    ...refundsHandlers(services, print, syncLoop),
  };

  const route = createRouter({
    handlers,
    storeOpen: () => store.status().state === 'open',
    session: (clientId, passive) => auth.currentSession(services, clientId, passive),
    validateOutput: deps.validateOutput ?? false,
    storeFolder: dirname(deps.dbPath),
    onInternalError: (channel, err) => deps.logger.error(`channel ${channel} failed`, err),
  });
  // A payment's rows, and the audit rows that make it tamper-evident, leave for the server straight after it rather
  // than at the next interval: what a key holder could still rewrite unseen is only what the network kept back.
  const invoke: Invoke = async (channel, input, clientId) => {
    const result = await route(channel, input, clientId);
    if (result.ok && MONEY_CHANNELS.has(channel)) syncLoop.soon();
    return result;
  };

  return {
    invoke,
    async resetAdminPassword(username, storePassphrase) {
      if (store.status().state === 'needs_passphrase' && storePassphrase !== undefined) await store.unlock(storePassphrase);
      return users.emergencyResetPassword(services, username);
    },
    generateDemoSchool: (options) => generateDemoSchool(invoke, services, options),
    sync: syncLoop,
    applyPulled: (changes) => applyChanges(services.store(), syncEnv, changes, syncEnv.offload),
    backups: { runDue: backups.runDue, settled: backups.settled, startSchedule: () => backups.startSchedule() },
    servingAt: (address) => lock.describe({ address }),
    async close() {
      try {
        await syncLoop.stop();
        if (pullIdle) clearTimeout(pullIdle);
        await background?.close();
        await store.close();
      } finally {
        lock.release();
      }
    },
  };
}

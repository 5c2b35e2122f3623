// The background worker thread: its own read-only connection to the encrypted store (and, for an import's commit, a
// write connection of its own), so a year's report, a million-row export or a 100,000-row import never holds up the
// cashier's main thread. Messages in, progress and results out.
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Kysely, SqliteDialect } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import { openConnection, openReader, withStatementCache } from '../db/open';
import type { DB } from '../db/schema';
import { StoreDialect } from '../db/store-driver';
import { registerSqlFunctions } from '../db/sql-functions';
import { loadFonts } from '../print/fonts';
import type { ReportContext } from '../reports/definition';
import type { ImportActor, WorkerData, WorkerReply, WorkerRequest } from './protocol';

// On Linux a thread has its own nice value: lower this one's, so the cashier's thread wins the CPU whenever both want it.
// (Elsewhere the call would lower the whole app, so it is left alone.)
if (process.platform === 'linux') setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);

const PROGRESS_EVERY_MS = 250;
/** The rollover's write cache (see rollover.commit). */
const ROLLOVER_CACHE_MIB = 512;
const data = workerData as WorkerData;
const liveKey = data.keyHex ? Buffer.from(data.keyHex, 'hex') : null;
// Opened on first use: a restore's checks never touch the live store, which may be the damaged thing being replaced.
let reader: { raw: ReturnType<typeof openReader>; db: Kysely<DB> } | null = null;
const live = () => {
  if (!reader) {
    const raw = openReader(data.dbPath, liveKey, data.cacheMiB);
    registerSqlFunctions(raw);
    reader = { raw, db: new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) }) };
  }
  return reader;
};
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

function contextFor(today: string): ReportContext {
  const { raw, db } = live();
  const school = raw.prepare('select name, currency, locale from school').get() as ReportContext['school'] | undefined;
  const desk = raw.prepare('select code from desk').get() as { code: string } | undefined;
  if (!school || !desk) throw new AppError('not_initialized', 'this desk has not been set up yet');
  return { raw, db, school, deskCode: desk.code, today };
}

/**
 * The import's (or the rollover's) own write connection: the one transaction it commits in dies with this worker if it
 * is ended. `cacheMiB`: its page cache.
 */
function writerFor(actor: ImportActor, cacheMiB = 16) {
  const writeRaw = openConnection(data.dbPath, liveKey);
  registerSqlFunctions(writeRaw);
  // A big import fills the WAL past the automatic checkpoint's mark, which would copy it into the database inside the
  // commit; the worker does that after answering instead (import.checkpoint), so the import is done sooner.
  writeRaw.pragma('wal_autocheckpoint = 0');
  // A bulk write touches each page once or twice: a 16 MiB cache measured faster here than the desk's 64 MiB (10,000
  // students with their dues: 2.7 s against 3.3 s), and 256 MiB slower still. The rollover is the exception (below).
  writeRaw.pragma(`cache_size = -${cacheMiB * 1024}`);
  return {
    raw: writeRaw,
    // Statements kept by their text, as on the desk's own connection: a pull's pages run the same few thousand times.
    db: new Kysely<DB>({ dialect: new StoreDialect({ database: withStatementCache(writeRaw) }, writeRaw, { committed: () => {} }) }),
    env: { clock: { now: () => new Date(actor.now) }, ids: { uuid: () => crypto.randomUUID() }, raw: writeRaw },
    actor: { userId: actor.userId, approverId: actor.approverId ?? null },
  };
}

/** The connection that copies a catch-up pull's WAL into the database beside it (sync.checkpoint). */
let checkpointer: ReturnType<typeof openConnection> | null = null;
/** A catch-up pull's write connection, opened with its first page and ended with this worker. */
let pullWriter: ReturnType<typeof writerFor> | null = null;
/** A pull's pages are applied as the desk's own connection would; the same 64 MiB cache. */
const PULL_CACHE_MIB = 64;

/** The last commit's connection, kept for its checkpoint. */
let committed: ReturnType<typeof writerFor> | null = null;

// Each kind of work loads its own modules on first use (exceljs alone takes a third of a second to load), so a worker
// that only answers screens, or only imports a CSV, starts quickly.
const reports = () => import('../reports/engine');
const imports = () => import('../imports/run');

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.kind === 'audit.verify') return (await import('../services/audit-chain')).verifyAudit(live().raw);
  if (request.kind.startsWith('backup.')) return backupWork(request, throttled(request.id));
  const progress = throttled(request.id);
  switch (request.kind) {
    case 'run':
      return (await reports()).runReport(contextFor(request.today), request.filters, request.limit);
    case 'dashboard':
      return (await import('../reports/dashboard')).dashboardOf(contextFor(request.today));
    case 'export':
      return (await reports()).exportReport(
        contextFor(request.today),
        request.filters,
        request.format,
        request.tmpPath,
        () => loadFonts(data.fontsDir),
        progress,
      );
    case 'import.inspect':
      return (await imports()).inspect(request.importer, request.path, request.mapping);
    case 'import.dryRun':
      return (await imports()).dryRun(request.importer, request.path, request.mapping, contextFor(request.today), progress);
    case 'import.commit': {
      const { commitImport } = await imports();
      const writer = writerFor(request.actor);
      try {
        const summary = await commitImport(
          request.importer,
          request.path,
          request.mapping,
          request.sha256,
          contextFor(request.today),
          writer,
          progress,
        );
        committed = writer;
        return summary;
      } catch (err) {
        await writer.db.destroy();
        throw err;
      }
    }
    case 'import.kept':
      return (await imports()).holdsKeptRows();
    case 'import.checkpoint': {
      const writer = committed;
      committed = null;
      if (!writer) return null;
      try {
        return writer.raw.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        await writer.db.destroy();
      }
    }
    case 'rollover.preview': {
      const { planRollover } = await import('../services/rollover-plan');
      const env = { clock: { now: () => new Date(request.actor.now) }, ids: { uuid: () => crypto.randomUUID() } };
      return (await planRollover(live().db, env, request.input, request.actor)).review;
    }
    case 'rollover.commit': {
      const { rolloverTx } = await import('../services/rollover');
      // The new year's dues are written, then every one a concession covers is written again (its running total): with
      // them still in the cache, the concessions of a 50,000-student school took 4 s rather than 11 s (512 MiB against
      // 16 MiB), its whole transaction 21 s rather than 30 s. The cache (up to 512 MiB while it runs) ends with the worker.
      const writer = writerFor({ userId: request.actor.requestedBy, now: request.actor.now }, ROLLOVER_CACHE_MIB);
      try {
        const result = await writer.db.transaction().execute((tx) => rolloverTx(tx, writer.env, request.input, request.actor));
        committed = writer;
        return result;
      } catch (err) {
        await writer.db.destroy();
        throw err;
      }
    }
    case 'rollover.apply': {
      const { APPLIERS } = await import('../sync/appliers');
      const writer = writerFor({ userId: request.args.requestedBy, now: request.now }, ROLLOVER_CACHE_MIB);
      try {
        await writer.db.transaction().execute((tx) => APPLIERS['years.rollover'](tx, writer.env, request.args, request.deskCode));
        committed = writer;
        return null;
      } catch (err) {
        await writer.db.destroy();
        throw err;
      }
    }
    case 'sync.checkpoint': {
      // Its own connection, kept for the worker's life: a checkpoint needs no write lock, so it copies the pages the
      // pull worker committed while that worker goes on writing (a core each), and the pull worker's own checkpoint at
      // its threshold finds little left to copy.
      checkpointer ??= openConnection(data.dbPath, liveKey);
      const [result] = checkpointer.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
      // Busy: the pull worker's own checkpoint was running.
      return { ran: result?.busy === 0 };
    }
    case 'sync.readPage':
      return (await import('../sync/pull-worker')).readPage(request.answer);
    case 'sync.applyPage': {
      const { applyKeptPage } = await import('../sync/pull-worker');
      if (!pullWriter) {
        pullWriter = writerFor({ userId: 'sync', now: request.now }, PULL_CACHE_MIB);
        // The WAL is copied into the database here, by this connection's commits, not by the cashier's thread (which
        // holds its timed checkpoints while the pull runs): at the desk's own threshold.
        pullWriter.raw.pragma('wal_autocheckpoint = 10000');
      }
      return applyKeptPage(pullWriter.db, { clock: { now: () => new Date(request.now) }, ids: pullWriter.env.ids });
    }
    case 'import.template':
      return (await imports()).writeTemplate(request.importer, contextFor(request.today), request.tmpPath);
    case 'import.errorSheet':
      return (await imports()).writeErrorSheet(
        request.importer,
        request.path,
        request.mapping,
        contextFor(request.today),
        request.tmpPath,
        progress,
      );
  }
}

async function backupWork(request: WorkerRequest, progress: (done: number, total: number) => void): Promise<unknown> {
  const backups = await import('../backup/files');
  const storeKey = () => {
    if (!liveKey) throw new AppError('conflict', 'backups need an encrypted store');
    return liveKey;
  };
  switch (request.kind) {
    case 'backup.create': {
      const { folder, name, kdf, reason, now } = request;
      return backups.createBackup(
        live().raw,
        {
          folder,
          name,
          kdf,
          reason,
          now,
          liveDbPath: data.dbPath,
          liveKey: storeKey(),
          backupKey: Buffer.from(request.backupKeyHex, 'hex'),
        },
        progress,
      );
    }
    case 'backup.check':
      return backups.checkBackup(request.folder, Buffer.from(request.backupKeyHex, 'hex'));
    case 'backup.prepareRestore':
      return backups.prepareRestore(request.folder, Buffer.from(request.backupKeyHex, 'hex'), storeKey(), request.target);
    default:
      throw new Error(`not a backup request: ${request.kind}`);
  }
}

/** A few progress messages a second are plenty for a progress bar, and cost the main thread next to nothing. */
function throttled(id: number) {
  let sent = 0;
  return (done: number, total: number) => {
    const now = performance.now();
    if (done !== 0 && done < total && now - sent < PROGRESS_EVERY_MS) return;
    sent = now;
    reply({ id, type: 'progress', done, total });
  };
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (value) => reply({ id: request.id, type: 'result', value }),
    (err: unknown) =>
      reply({
        id: request.id,
        type: 'error',
        error:
          err instanceof AppError
            ? { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
            : { code: 'internal', message: String((err as Error)?.stack ?? err) },
      }),
  );
});

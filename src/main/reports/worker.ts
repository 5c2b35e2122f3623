// The report worker thread: its own read-only connection to the encrypted store, so a year's report or a
// million-row export never holds up the cashier's main thread. Messages in, progress and results out.
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Kysely, SqliteDialect } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import { openReader } from '../db/open';
import type { DB } from '../db/schema';
import { loadFonts } from '../print/fonts';
import { dashboardOf } from './dashboard';
import type { ReportContext } from './definition';
import { exportReport, runReport } from './engine';
import type { WorkerData, WorkerReply, WorkerRequest } from './protocol';

// On Linux a thread has its own nice value: lower this one's, so the cashier's thread wins the CPU whenever both want it.
// (Elsewhere the call would lower the whole app, so it is left alone.)
if (process.platform === 'linux') setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);

const PROGRESS_EVERY_MS = 250;
const data = workerData as WorkerData;
const raw = openReader(data.dbPath, data.keyHex ? Buffer.from(data.keyHex, 'hex') : null, data.cacheMiB);
const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

function contextFor(today: string): ReportContext {
  const school = raw.prepare('select name, currency, locale from school').get() as ReportContext['school'] | undefined;
  const desk = raw.prepare('select code from desk').get() as { code: string } | undefined;
  if (!school || !desk) throw new AppError('not_initialized', 'this desk has not been set up yet');
  return { raw, db, school, deskCode: desk.code, today };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  const ctx = contextFor(request.today);
  switch (request.kind) {
    case 'run':
      return runReport(ctx, request.filters, request.limit);
    case 'dashboard':
      return dashboardOf(ctx);
    case 'export': {
      // A few progress messages a second are plenty for a progress bar, and cost the main thread next to nothing.
      let sent = 0;
      const progress = (done: number, total: number) => {
        const now = performance.now();
        if (done !== 0 && done < total && now - sent < PROGRESS_EVERY_MS) return;
        sent = now;
        reply({ id: request.id, type: 'progress', done, total });
      };
      return exportReport(ctx, request.filters, request.format, request.tmpPath, () => loadFonts(data.fontsDir), progress);
    }
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (value) => reply({ id: request.id, type: 'result', value }),
    (err: unknown) =>
      reply({
        id: request.id,
        type: 'error',
        error: err instanceof AppError ? { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } : { code: 'internal', message: String((err as Error)?.stack ?? err) },
      }),
  );
});

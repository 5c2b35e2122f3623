// The main thread's side of reports: one standing worker answers the screens; each export gets a worker of its own,
// reports progress, and is cancelled by ending that worker. A file appears under its name only when complete.
import { renameSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Dashboard, ExportFormat, ExportJob, ReportFilters, ReportTable } from '../../shared/contract/reports';
import { AppError, type ErrorData } from '../../shared/contract/errors';
import type { WorkerData, WorkerReply, WorkerRequest, WorkerRequestBody } from './protocol';

export interface WorkerSpec {
  /** The built worker (out/main/report-worker.js) or, in tests, src/main/reports/worker.ts. */
  file: URL | string;
  /** Tests: ['--import', 'tsx'] so the worker can run TypeScript. */
  execArgv?: string[];
}

export interface ReportRunnerDeps {
  worker: WorkerSpec;
  fontsDir: string;
  /** The open store's file and key, read when a worker starts. */
  store: () => { dbPath: string; key: Buffer | null };
  newId: () => string;
  now: () => Date;
  log: (message: string, err?: unknown) => void;
}

export interface ReportRunner {
  run(filters: ReportFilters, today: string, limit: number): Promise<ReportTable>;
  dashboard(today: string): Promise<Dashboard>;
  startExport(filters: ReportFilters, format: ExportFormat, path: string, today: string): ExportJob;
  job(id: string): ExportJob;
  cancel(id: string): ExportJob;
  /** Waits for an export to end (tests, benchmarks). */
  settled(id: string): Promise<ExportJob>;
  /** Ends every worker (before the store closes or is rekeyed). */
  close(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (err: AppError) => void; progress?: (done: number, total: number) => void };

/** A worker with numbered requests; a crash fails what was in flight. */
function startWorker(deps: ReportRunnerDeps, kind: 'screen' | 'export', onExit: () => void) {
  const { dbPath, key } = deps.store();
  const workerData: WorkerData = { dbPath, keyHex: key ? key.toString('hex') : null, fontsDir: deps.fontsDir, cacheMiB: kind === 'screen' ? 32 : 16 };
  const worker = new Worker(deps.worker.file, {
    workerData,
    // An export makes short-lived rows by the million; a smaller young generation keeps its memory down.
    ...(kind === 'export' ? { resourceLimits: { maxYoungGenerationSizeMb: 16 } } : {}),
    ...(deps.worker.execArgv ? { execArgv: deps.worker.execArgv } : {}),
  });
  const pending = new Map<number, Pending>();
  let next = 0;
  const failAll = (message: string) => {
    for (const p of pending.values()) p.reject(new AppError('internal', message));
    pending.clear();
  };
  worker.on('message', (m: WorkerReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.progress?.(m.done, m.total);
    pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.value);
    else p.reject(toAppError(m.error, deps));
  });
  worker.on('error', (err) => {
    deps.log('report worker failed', err);
    failAll('the report worker stopped unexpectedly; the error was logged');
  });
  worker.on('exit', () => {
    failAll('the report worker ended');
    onExit();
  });
  return {
    worker,
    request<T>(body: WorkerRequestBody, progress?: Pending['progress']): Promise<T> {
      const id = ++next;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(progress ? { progress } : {}) });
        worker.postMessage({ ...body, id } as WorkerRequest);
      });
    },
  };
}

function toAppError(error: ErrorData, deps: ReportRunnerDeps): AppError {
  if (error.code === 'internal') {
    deps.log(`report worker: ${error.message}`);
    return new AppError('internal', 'the report failed unexpectedly; the error was logged');
  }
  return new AppError(error.code, error.message, error.field);
}

const MAX_KEPT_JOBS = 50;
/** The screens' worker ends after this long without a request, giving its memory back; the next report starts another. */
const IDLE_MS = 60_000;

export function createReportRunner(deps: ReportRunnerDeps): ReportRunner {
  let standing: ReturnType<typeof startWorker> | null = null;
  let idle: NodeJS.Timeout | null = null;
  let inFlight = 0;
  /** Runs a screen request on the standing worker, and lets it go once nothing has come for a while. */
  const onScreen = async <T>(body: WorkerRequestBody): Promise<T> => {
    if (idle) clearTimeout(idle);
    const w = (standing ??= startWorker(deps, 'screen', () => (standing = null)));
    inFlight += 1;
    try {
      return await w.request<T>(body);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) {
        idle = setTimeout(() => {
          if (standing === w && inFlight === 0) {
            standing = null;
            void w.worker.terminate();
          }
        }, IDLE_MS);
        idle.unref();
      }
    }
  };
  const jobs = new Map<string, { job: ExportJob; worker: Worker | null; tmp: string; done: Promise<ExportJob> }>();

  const find = (id: string) => {
    const entry = jobs.get(id);
    if (!entry) throw new AppError('not_found', 'no export has this id (exports are kept until FeeDesk closes)', 'jobId');
    return entry;
  };
  const finish = (id: string, state: ExportJob['state'], error: string | null) => {
    const entry = jobs.get(id)!;
    if (entry.job.state !== 'running') return;
    entry.job = { ...entry.job, state, error, finishedAt: deps.now().toISOString() };
    entry.worker = null;
  };

  return {
    run: (filters, today, limit) => onScreen<ReportTable>({ kind: 'run', filters, today, limit }),
    dashboard: (today) => onScreen<Dashboard>({ kind: 'dashboard', today }),

    startExport(filters, format, path, today) {
      const id = deps.newId();
      const tmp = `${path}.${id}.part`;
      const job: ExportJob = { id, report: filters.report, format, path, state: 'running', done: 0, total: 0, error: null, startedAt: deps.now().toISOString(), finishedAt: null };
      // An idle screens' worker gives its memory to the export; the next report starts it again.
      if (standing && inFlight === 0) {
        void standing.worker.terminate();
        standing = null;
      }
      const w = startWorker(deps, 'export', () => undefined);
      const progress = (done: number, total: number) => {
        const entry = jobs.get(id);
        if (entry && entry.job.state === 'running') entry.job = { ...entry.job, done, total };
      };
      const done = w
        .request<number>({ kind: 'export', filters, format, tmpPath: tmp, today }, progress)
        .then((rows) => {
          renameSync(tmp, path);
          const entry = jobs.get(id)!;
          entry.job = { ...entry.job, done: rows, total: Math.max(rows, entry.job.total) };
          finish(id, 'done', null);
        })
        .catch((err: unknown) => {
          rmSync(tmp, { force: true });
          finish(id, 'failed', err instanceof Error ? err.message : String(err));
        })
        .finally(() => void w.worker.terminate())
        .then(() => jobs.get(id)!.job);
      jobs.set(id, { job, worker: w.worker, tmp, done });
      for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - MAX_KEPT_JOBS))) if (jobs.get(old)!.job.state !== 'running') jobs.delete(old);
      return job;
    },

    job: (id) => find(id).job,

    cancel(id) {
      const entry = find(id);
      if (entry.job.state === 'running') {
        finish(id, 'cancelled', null);
        void entry.worker?.terminate();
        rmSync(entry.tmp, { force: true });
      }
      return entry.job;
    },

    settled: (id) => find(id).done,

    async close() {
      for (const [id, entry] of jobs) {
        if (entry.job.state === 'running') this.cancel(id);
      }
      if (idle) clearTimeout(idle);
      const w = standing;
      standing = null;
      await w?.worker.terminate();
    },
  };
}

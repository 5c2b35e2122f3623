// The main thread's side of the background worker: one standing worker answers the screens (reports, the dashboard,
// a file's header); each long job (an export, an import) gets a worker of its own, reports progress, and is cancelled
// by ending that worker. A file a job writes appears under its name only when complete.
import { existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Dashboard, ReportFilters, ReportTable } from '../../shared/contract/reports';
import { AppError, type ErrorData } from '../../shared/contract/errors';
import type { WorkerData, WorkerReply, WorkerRequest, WorkerRequestBody } from './protocol';

export interface WorkerSpec {
  /** The built worker (out/main/background-worker.js) or, in tests, src/main/background/worker.ts. */
  file: URL | string;
  /** Tests: ['--import', 'tsx'] so the worker can run TypeScript. */
  execArgv?: string[];
}

export interface BackgroundRunnerDeps {
  worker: WorkerSpec;
  fontsDir: string;
  /** The open store's file and key, read when a worker starts. */
  store: () => { dbPath: string; key: Buffer | null };
  newId: () => string;
  now: () => Date;
  log: (message: string, err?: unknown) => void;
}

/** A long task on a worker of its own (an export, an import): progress, its result, cancellation. */
export interface BackgroundJob<Meta = Record<string, unknown>> {
  id: string;
  meta: Meta;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  error: string | null;
  value: unknown;
  startedAt: string;
  finishedAt: string | null;
}

/** What every job's screen polls: its state and progress. */
export const progressOf = (job: BackgroundJob<unknown>) => ({
  id: job.id,
  state: job.state,
  done: job.done,
  total: job.total,
  error: job.error,
});

export interface JobFile {
  /** Where the worker writes; renamed to `path` only when the job succeeds, removed otherwise. */
  tmp: string;
  path: string;
  /** The user confirmed replacing a file already at `path`; otherwise a file found there at the end is left alone. */
  replace?: boolean;
}

/**
 * Puts a finished job's file in place. Replacing only when the user said so: without it the file is linked in, which
 * fails if one appeared at `path` meanwhile (no check-then-write race); file systems without hard links (FAT/exFAT
 * USB sticks) get a check just before the rename.
 */
export function placeJobFile(file: JobFile): void {
  if (file.replace) {
    renameSync(file.tmp, file.path);
    return;
  }
  try {
    linkSync(file.tmp, file.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new Error(`a file named ${basename(file.path)} was saved there while this one was being made; it was left as it is`);
    if (existsSync(file.path)) throw new Error(`a file named ${basename(file.path)} is there already; it was left as it is`);
    renameSync(file.tmp, file.path);
    return;
  }
  rmSync(file.tmp, { force: true });
}

export interface JobOptions {
  /**
   * Keep the worker under `key` for a while after the job succeeds, for a follow-up job that reuses it — if it answers
   * true to `ask` (it holds something worth keeping).
   */
  park?: { key: string; ask: WorkerRequestBody };
  /** A ceiling on the worker's old generation (MiB): V8 collects garbage sooner instead of growing the heap. */
  maxOldMb?: number;
  /** Run on the worker parked under this key, if there is one (else on a new worker). */
  reuse?: string;
  /** A request the worker runs after the job's result, before it ends (housekeeping the job need not wait for). */
  after?: WorkerRequestBody;
}

export interface BackgroundRunner {
  run(filters: ReportFilters, today: string, limit: number): Promise<ReportTable>;
  dashboard(today: string): Promise<Dashboard>;
  /** A quick request on the screens' worker (reading a file's header). */
  ask<T>(body: WorkerRequestBody): Promise<T>;
  start<Meta>(meta: Meta, body: WorkerRequestBody, file?: JobFile, options?: JobOptions): BackgroundJob<Meta>;
  /**
   * One piece of work on a worker of its own, awaited (the year-end rollover): its error comes back as the AppError it
   * was, field and all. `after` runs on the worker once the result is in (not waited for), before it ends.
   */
  work<T>(body: WorkerRequestBody, after?: WorkerRequestBody): Promise<T>;
  /** A worker of its own for a run of requests (a catch-up pull's pages), until `end()`; close() ends it too. */
  session(): WorkerSession;
  job<Meta>(id: string): BackgroundJob<Meta>;
  cancel<Meta>(id: string): BackgroundJob<Meta>;
  /** Waits for a job to end (tests, benchmarks). */
  settled<Meta>(id: string): Promise<BackgroundJob<Meta>>;
  /** Ends every worker (before the store closes or is rekeyed). */
  close(): Promise<void>;
}

export interface WorkerSession {
  request<T>(body: WorkerRequestBody): Promise<T>;
  /** False once the worker has ended (end(), close(), or it crashed). */
  alive(): boolean;
  end(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (err: AppError) => void; progress?: (done: number, total: number) => void };

/** A worker with numbered requests; a crash fails what was in flight. */
function startWorker(deps: BackgroundRunnerDeps, kind: 'screen' | 'job', onExit: () => void, maxOldMb?: number) {
  const { dbPath, key } = deps.store();
  const workerData: WorkerData = {
    dbPath,
    keyHex: key ? key.toString('hex') : null,
    fontsDir: deps.fontsDir,
    cacheMiB: kind === 'screen' ? 32 : 16,
  };
  const worker = new Worker(deps.worker.file, {
    workerData,
    // An export makes short-lived rows by the million; a smaller young generation keeps its memory down.
    ...(kind === 'job'
      ? { resourceLimits: { maxYoungGenerationSizeMb: 16, ...(maxOldMb ? { maxOldGenerationSizeMb: maxOldMb } : {}) } }
      : {}),
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

function toAppError(error: ErrorData, deps: BackgroundRunnerDeps): AppError {
  if (error.code === 'internal') {
    deps.log(`report worker: ${error.message}`);
    return new AppError('internal', 'the report failed unexpectedly; the error was logged');
  }
  return new AppError(error.code, error.message, error.field);
}

const MAX_KEPT_JOBS = 50;
/** How long a parked worker waits for its follow-up (a dry run's commit) before it ends. */
const PARK_MS = 60_000;
/** The screens' worker ends after this long without a request, giving its memory back; the next report starts another. */
const IDLE_MS = 60_000;

export function createBackgroundRunner(deps: BackgroundRunnerDeps): BackgroundRunner {
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
  const jobs = new Map<
    string,
    { job: BackgroundJob<unknown>; worker: Worker | null; file: JobFile | null; done: Promise<BackgroundJob<unknown>> }
  >();
  type JobWorker = ReturnType<typeof startWorker>;
  const parked = new Map<string, { w: JobWorker; timer: NodeJS.Timeout }>();
  const unpark = (key: string): JobWorker | null => {
    const p = parked.get(key);
    if (!p) return null;
    parked.delete(key);
    clearTimeout(p.timer);
    return p.w;
  };
  const park = (key: string, w: JobWorker) => {
    void unpark(key)?.worker.terminate();
    const timer = setTimeout(() => {
      if (parked.get(key)?.w === w) void unpark(key)!.worker.terminate();
    }, PARK_MS);
    timer.unref();
    parked.set(key, { w, timer });
  };
  const sessions = new Set<Worker>();
  /** Work answered whose worker is still doing its housekeeping (see work()). */
  const finishing = new Set<Promise<void>>();
  const forget = (w: JobWorker) => {
    for (const [key, p] of parked) if (p.w === w) unpark(key);
  };

  const find = (id: string) => {
    const entry = jobs.get(id);
    if (!entry) throw new AppError('not_found', 'no job has this id (jobs are kept until FeeDesk closes)', 'jobId');
    return entry;
  };
  const finish = (id: string, change: Partial<BackgroundJob<unknown>> & { state: BackgroundJob['state'] }) => {
    const entry = jobs.get(id)!;
    if (entry.job.state !== 'running') return;
    entry.job = { ...entry.job, ...change, finishedAt: deps.now().toISOString() };
    entry.worker = null;
  };

  /** Removes a job's temporary file; what cannot be removed is logged, never thrown from a clean-up. */
  const discard = (path: string) => {
    try {
      rmSync(path, { force: true });
    } catch (err) {
      deps.log(`a background job's temporary file could not be removed (${path})`, err);
    }
  };

  return {
    run: (filters, today, limit) => onScreen<ReportTable>({ kind: 'run', filters, today, limit }),
    dashboard: (today) => onScreen<Dashboard>({ kind: 'dashboard', today }),
    ask: (body) => onScreen(body),

    start<Meta>(meta: Meta, body: WorkerRequestBody, file?: JobFile, options: JobOptions = {}) {
      const id = deps.newId();
      const job: BackgroundJob<Meta> = {
        id,
        meta,
        state: 'running',
        done: 0,
        total: 0,
        error: null,
        value: null,
        startedAt: deps.now().toISOString(),
        finishedAt: null,
      };
      // An idle screens' worker gives its memory to the job; the next report starts it again.
      if (standing && inFlight === 0) {
        void standing.worker.terminate();
        standing = null;
      }
      const reused = options.reuse ? unpark(options.reuse) : null;
      const w: JobWorker = reused ?? startWorker(deps, 'job', () => forget(w), options.maxOldMb);
      let succeeded = false;
      let parkedHere = false;
      const progress = (done: number, total: number) => {
        const entry = jobs.get(id);
        if (entry && entry.job.state === 'running') entry.job = { ...entry.job, done, total };
      };
      const done = w
        .request<unknown>({ ...body, ...(file ? { tmpPath: file.tmp } : {}) } as WorkerRequestBody, progress)
        .then(async (value) => {
          // Cancelled while the worker was finishing: its file is not the user's any more.
          if (jobs.get(id)?.job.state === 'cancelled') {
            if (file) discard(file.tmp);
            return;
          }
          if (file) placeJobFile(file);
          // Parked before the job shows as done, so a follow-up started the moment it does finds the worker.
          if (options.park && (await w.request<boolean>(options.park.ask).catch(() => false))) {
            park(options.park.key, w);
            parkedHere = true;
          }
          const entry = jobs.get(id)!;
          const rows = typeof value === 'number' ? value : entry.job.done;
          finish(id, { state: 'done', error: null, value, done: rows, total: Math.max(rows, entry.job.total) });
          succeeded = true;
        })
        .catch((err: unknown) => {
          if (file) discard(file.tmp);
          finish(id, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
        })
        .finally(async () => {
          // A cancelled job's worker is ended already; a finished one does its housekeeping, then ends or waits parked.
          if (jobs.get(id)?.job.state === 'cancelled') return;
          if (succeeded && options.after)
            await w.request(options.after).catch((err: unknown) => deps.log('background housekeeping failed', err));
          if (!parkedHere) void w.worker.terminate();
        })
        .then(() => jobs.get(id)!.job);
      jobs.set(id, { job, worker: w.worker, file: file ?? null, done });
      for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - MAX_KEPT_JOBS)))
        if (jobs.get(old)!.job.state !== 'running') jobs.delete(old);
      return job;
    },

    async work<T>(body: WorkerRequestBody, after?: WorkerRequestBody) {
      const w = startWorker(deps, 'job', () => undefined);
      let value: T;
      try {
        value = await w.request<T>(body);
      } catch (err) {
        void w.worker.terminate();
        throw err;
      }
      // The answer goes back at once; the housekeeping runs after it (copying a rollover's WAL into the database took
      // 6 s of a 50,000-student school's), then the worker ends. close() waits for it.
      const housekeeping = (
        after
          ? w.request(after).then(
              () => undefined,
              (err: unknown) => deps.log('background housekeeping failed', err),
            )
          : Promise.resolve()
      ).finally(() => void w.worker.terminate());
      finishing.add(housekeeping);
      void housekeeping.finally(() => finishing.delete(housekeeping));
      return value;
    },

    session() {
      const w = startWorker(deps, 'job', () => sessions.delete(w.worker));
      sessions.add(w.worker);
      return {
        request: (body) => w.request(body),
        alive: () => sessions.has(w.worker),
        end: async () => {
          sessions.delete(w.worker);
          await w.worker.terminate();
        },
      };
    },

    job: <Meta>(id: string) => find(id).job as BackgroundJob<Meta>,

    cancel<Meta>(id: string) {
      const entry = find(id);
      if (entry.job.state === 'running') {
        // The worker before finish() lets go of it: ended, it writes no more of the file.
        const worker = entry.worker;
        finish(id, { state: 'cancelled', error: null });
        void worker?.terminate();
        if (entry.file) discard(entry.file.tmp);
      }
      return entry.job as BackgroundJob<Meta>;
    },

    settled: <Meta>(id: string) => find(id).done as Promise<BackgroundJob<Meta>>,

    async close() {
      await Promise.all(finishing);
      for (const [id, entry] of jobs) {
        if (entry.job.state === 'running') this.cancel(id);
      }
      if (idle) clearTimeout(idle);
      for (const key of [...parked.keys()]) await unpark(key)?.worker.terminate();
      for (const worker of [...sessions]) await worker.terminate();
      sessions.clear();
      const w = standing;
      standing = null;
      await w?.worker.terminate();
    },
  };
}

// Messages between the main thread and a report worker.
import type { ErrorData } from '../../shared/contract/errors';
import type { ExportFormat, ReportFilters } from '../../shared/contract/reports';

export interface WorkerData {
  dbPath: string;
  /** The store key in hex (null: an unencrypted benchmark baseline). */
  keyHex: string | null;
  fontsDir: string;
  /** SQLite page cache (MiB): the screens' worker keeps a working set; an export reads each row once, in order. */
  cacheMiB: number;
}

export type WorkerRequest =
  | { id: number; kind: 'run'; today: string; filters: ReportFilters; limit: number }
  | { id: number; kind: 'dashboard'; today: string }
  | { id: number; kind: 'export'; today: string; filters: ReportFilters; format: ExportFormat; tmpPath: string };

export type WorkerReply =
  | { id: number; type: 'progress'; done: number; total: number }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: ErrorData };

/** A request before the runner numbers it. */
export type WorkerRequestBody = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

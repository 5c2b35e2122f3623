// Messages between the main thread and a background worker.
import type { ErrorData } from '../../shared/contract/errors';
import type { BackupKdf, Manifest } from '../backup/files';
import type { ImporterName } from '../../shared/contract/imports';
import type { ExportFormat, ReportFilters } from '../../shared/contract/reports';
import type { RolloverInput } from '../../shared/contract/years';
import type { MutationArgs } from '../../shared/sync/protocol';
import type { RawAnswer } from '../sync/client';

export interface WorkerData {
  dbPath: string;
  /** The store key in hex (null: an unencrypted benchmark baseline). */
  keyHex: string | null;
  fontsDir: string;
  /** SQLite page cache (MiB): the screens' worker keeps a working set; a job reads its rows once, in order. */
  cacheMiB: number;
}

type Mapping = Record<string, string | null>;

/** Who is importing, and the ids and time the write uses (the worker has no clock or id source of its own). */
export interface ImportActor {
  userId: string;
  /** The second person who approved (concessions), checked on the main thread before the job starts. */
  approverId?: string;
  now: string;
}

/** Who asks for the rollover and who approved it, and its time (the worker has no clock of its own). */
export interface RolloverActor {
  requestedBy: string;
  approvedBy: string;
  now: string;
}

/** Requests that read the school's books as of a day (`today`, the desk's calendar day) carry it; the rest do not. */
export type WorkerRequest =
  | { id: number; kind: 'run'; today: string; filters: ReportFilters; limit: number }
  | { id: number; kind: 'dashboard'; today: string }
  | { id: number; kind: 'audit.verify' }
  | { id: number; kind: 'export'; today: string; filters: ReportFilters; format: ExportFormat; tmpPath: string }
  | { id: number; kind: 'import.inspect'; importer: ImporterName; path: string; mapping?: Mapping }
  | { id: number; kind: 'import.dryRun'; today: string; importer: ImporterName; path: string; mapping?: Mapping }
  | {
      id: number;
      kind: 'import.commit';
      today: string;
      importer: ImporterName;
      path: string;
      mapping?: Mapping;
      sha256: string;
      actor: ImportActor;
    }
  | { id: number; kind: 'import.template'; today: string; importer: ImporterName; tmpPath: string }
  /** After a commit: copy its pages from the WAL into the database here, not on the cashier's thread. */
  | { id: number; kind: 'import.checkpoint' }
  /** Whether this worker holds a dry run's rows for the commit that may follow. */
  | { id: number; kind: 'import.kept' }
  /** Backups: keys travel as hex; the live store's key is the worker's own. */
  | {
      id: number;
      kind: 'backup.create';
      folder: string;
      name: string;
      backupKeyHex: string;
      kdf: BackupKdf;
      reason: Manifest['reason'];
      now: string;
    }
  | { id: number; kind: 'backup.check'; folder: string; backupKeyHex: string }
  | { id: number; kind: 'backup.prepareRestore'; folder: string; backupKeyHex: string; target: string }
  /** The year-end rollover: its review (read only), and the rollover itself on the worker's own write connection. */
  | { id: number; kind: 'rollover.preview'; input: RolloverInput; actor: RolloverActor }
  | { id: number; kind: 'rollover.commit'; input: RolloverInput; actor: RolloverActor }
  /** Another desk's rollover, pulled: written here on the worker's own connection, not on the cashier's thread. */
  | { id: number; kind: 'rollover.apply'; args: MutationArgs<'years.rollover'>; deskCode: string; now: string }
  /** A catch-up pull's page: read and checked here (kept), then applied on this worker's own write connection. */
  | { id: number; kind: 'sync.readPage'; answer: RawAnswer }
  | { id: number; kind: 'sync.applyPage'; now: string }
  /** While a catch-up pull writes on another worker: this worker copies the WAL into the database (PASSIVE), beside it. */
  | { id: number; kind: 'sync.checkpoint' }
  | { id: number; kind: 'import.errorSheet'; today: string; importer: ImporterName; path: string; mapping?: Mapping; tmpPath: string };

export type WorkerReply =
  | { id: number; type: 'progress'; done: number; total: number }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: ErrorData };

/** A request before the runner numbers it (a job's file path is filled in by the runner). */
export type WorkerRequestBody = WorkerRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id' | 'tmpPath'> & { tmpPath?: string }
    : never
  : never;

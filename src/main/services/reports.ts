// The reports area's channels: reports and exports (run on the report worker), the dashboard, day close and cheques.
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { CASHIER_REPORTS, type ExportFormat, type ExportJob, type ReportFilters, SCREEN_ROWS } from '../../shared/contract/reports';
import type { HandlersFor } from '../ipc/router';
import { type BackgroundJob, type BackgroundRunner, progressOf } from '../background/runner';
import { reauthenticate } from './auth';
import { requireSession, type ServiceDeps } from './context';
import { clearCheque, closeDay, dayCloseStatus, reopenDay } from './day-close';
import { today } from './payments';
import type { Session } from './sessions';

function allowed(session: Session, filters: ReportFilters): void {
  if (session.role === 'cashier' && !CASHIER_REPORTS.has(filters.report)) {
    throw new AppError('forbidden', `the ${filters.report.replace('_', ' ')} report is for accountants and admins`, 'report');
  }
}

const EXTENSIONS: Record<ExportFormat, string> = { xlsx: '.xlsx', csv: '.csv', pdf: '.pdf', letters: '.pdf' };

/** Refuses a path the export could not end up at, before any work starts. */
/** The longest file name the common file systems take (ext4, NTFS, APFS: 255 bytes or UTF-16 units). */
const MAX_NAME_BYTES = 255;
/** ".<uuid>.part", the temporary name's tail. */
const TEMPORARY_SUFFIX_BYTES = 1 + 36 + 5;

/** The refusal the export and import screens answer with "Replace it?": a conflict on the path. */
export const FILE_EXISTS_MESSAGE = 'is a file that exists already: replace it, or choose another name';

export function checkExportPath(path: string, format: ExportFormat, replace = false): void {
  // A Windows or network path on Linux or macOS is no full path here: it would be written, as a name, where FeeDesk runs.
  if (!isAbsolute(path)) throw new AppError('invalid_input', `is not a full path on this computer (such as ${process.platform === 'win32' ? 'C:\\Users\\me\\Documents\\fees.xlsx' : '/home/me/Documents/fees.xlsx'})`, 'path');
  const want = EXTENSIONS[format];
  if (extname(path).toLowerCase() !== want) throw new AppError('invalid_input', `must end in ${want} for a ${format === 'letters' ? 'PDF of letters' : format.toUpperCase()} file`, 'path');
  // The file is written as "<name>.<job id>.part" first, then renamed: both names must fit the file system's 255 bytes.
  if (Buffer.byteLength(basename(path)) + TEMPORARY_SUFFIX_BYTES > MAX_NAME_BYTES) {
    throw new AppError('invalid_input', 'has a file name too long for this computer (255 characters at most, with room for a temporary name): shorten it', 'path');
  }
  const folder = dirname(path);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new AppError('invalid_input', `is in a folder that does not exist (${folder})`, 'path');
  }
  if (!isFolder) throw new AppError('invalid_input', `is inside ${folder}, which is a file, not a folder`, 'path');
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new AppError('invalid_input', `is in a folder FeeDesk may not write to (${folder}); choose another folder`, 'path');
  }
  let existing: Stats | null = null;
  try {
    existing = statSync(path);
  } catch {
    // Not there: the usual case.
  }
  if (existing?.isDirectory()) throw new AppError('invalid_input', 'names a folder: add a file name', 'path');
  // Never silently over another file: the screen asks first, and says so with `replace`.
  if (existing && !replace) throw new AppError('conflict', FILE_EXISTS_MESSAGE, 'path');
}

interface ExportMeta {
  report: string;
  format: ExportFormat;
  path: string;
}

const exportJobOf = (job: BackgroundJob<ExportMeta>): ExportJob => ({
  ...progressOf(job),
  ...job.meta,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
});

export function reportsHandlers(deps: ServiceDeps, runner: () => BackgroundRunner, exportFolder: string): HandlersFor<'reports' | 'dayClose' | 'cheques'> {
  return {
    'reports.run': (filters, call) => {
      allowed(requireSession(call), filters);
      return runner().run(filters, today(deps), SCREEN_ROWS);
    },
    'reports.export': async ({ filters, format, path, replace }, call) => {
      allowed(requireSession(call), filters);
      if (format === 'letters' && filters.report !== 'defaulters') throw new AppError('invalid_input', 'reminder letters are made from the defaulters report only', 'format');
      checkExportPath(path, format, replace);
      const id = deps.ids.uuid();
      const job = runner().start<ExportMeta>({ report: filters.report, format, path }, { kind: 'export', filters, format, today: today(deps) }, { tmp: `${path}.${id}.part`, path, replace });
      return exportJobOf(job);
    },
    'reports.job': async ({ jobId }) => exportJobOf(runner().job<ExportMeta>(jobId)),
    'reports.cancel': async ({ jobId }) => exportJobOf(runner().cancel<ExportMeta>(jobId)),
    'reports.exportFolder': async () => ({ folder: exportFolder }),
    'reports.dashboard': () => runner().dashboard(today(deps)),

    'dayClose.status': ({ date }) => dayCloseStatus(deps.store(), date),
    'dayClose.close': (input, call) => closeDay(deps, requireSession(call), input),
    'dayClose.reopen': async ({ date, reason, reauth }, call) => {
      const session = requireSession(call);
      await reauthenticate(deps, session, reauth);
      return reopenDay(deps, session, date, reason);
    },
    'cheques.clear': ({ paymentId, clearedOn }, call) => clearCheque(deps, requireSession(call), paymentId, clearedOn),
  };
}

// The reports area's channels: reports and exports (run on the report worker), the dashboard, day close and cheques.
import type { reportsChannels } from '../../shared/contract/reports';
import { type HandlersOf, requireSession } from '../ipc/router';
import { AppError } from '../../shared/contract/errors';
import { CASHIER_REPORTS, type ExportFormat, type ExportJob, type ReportFilters, SCREEN_ROWS } from '../../shared/contract/reports';
import { checkExportPath } from '../reports/export-path';
import { type BackgroundJob, type BackgroundRunner, progressOf } from '../background/runner';
import { reauthenticate } from '../services/auth';
import type { ServiceDeps } from '../services/context';
import { clearCheque, closeDay, dayCloseStatus, reopenDay } from '../services/day-close';
import { today } from '../services/payments';
import type { Session } from '../services/sessions';

function allowed(session: Session, filters: ReportFilters): void {
  if (session.role === 'cashier' && !CASHIER_REPORTS.has(filters.report)) {
    throw new AppError('forbidden', `the ${filters.report.replace('_', ' ')} report is for accountants and admins`, 'report');
  }
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

export function reportsHandlers(
  deps: ServiceDeps,
  runner: () => BackgroundRunner,
  exportFolder: string,
): HandlersOf<typeof reportsChannels> {
  return {
    'reports.run': (filters, call) => {
      allowed(requireSession(call), filters);
      return runner().run(filters, today(deps), SCREEN_ROWS);
    },
    'reports.export': async ({ filters, format, path, replace }, call) => {
      allowed(requireSession(call), filters);
      if (format === 'letters' && filters.report !== 'defaulters')
        throw new AppError('invalid_input', 'reminder letters are made from the defaulters report only', 'format');
      checkExportPath(path, format, replace);
      const id = deps.ids.uuid();
      const job = runner().start<ExportMeta>(
        { report: filters.report, format, path },
        { kind: 'export', filters, format, today: today(deps) },
        { tmp: `${path}.${id}.part`, path, replace },
      );
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

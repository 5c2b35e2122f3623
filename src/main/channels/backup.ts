// The backup area's channels: the desk's backups (background/backup-jobs.ts keeps their state and schedule).
import type { backupChannels } from '../../shared/contract/backup';
import type { Backups } from '../background/backup-jobs';
import { type HandlersOf, requireSession } from '../ipc/router';

export function backupHandlers(backups: Backups): HandlersOf<typeof backupChannels> {
  return {
    'backup.status': () => backups.status(),
    'backup.configure': (input, call) => backups.configure(requireSession(call).userId, input),
    'backup.create': (_, call) => backups.create(requireSession(call).userId),
    'backup.job': async ({ jobId }) => backups.job(jobId),
    'backup.cancel': async ({ jobId }) => backups.cancel(jobId),
    'backup.check': ({ path, passphrase }) => backups.check(path, passphrase),
    'backup.restore': (input, call) => backups.restore(requireSession(call), input),
  };
}

// The imports area's channels: read a file's header, dry run, commit, template and error sheet, all on the background
// worker. The column mapping a user fixed is remembered on this desk per importer and per set of headers: the next
// file with the same headers gets it, a file with other headers is matched by name and never held up by it.
import type { importsChannels } from '../../shared/contract/imports';
import { type HandlersOf, requireSession } from '../ipc/router';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import {
  type HeaderMatchView,
  IMPORT_FILE_TYPES,
  IMPORTERS_NEEDING_APPROVAL,
  RECEIVED_FILE_MAX_BYTES,
  type ImporterName,
  type ImportJob,
  type ImportSummary,
} from '../../shared/contract/imports';
import { checkSource } from '../imports/file-problems';
import { normalizeHeader } from '../imports/headers';
import { type BackgroundJob, type BackgroundRunner, type JobFile, type JobOptions, progressOf } from '../background/runner';
import type { SettingsStore } from '../desk-settings';
import { verifyApprover } from '../services/approvals';
import type { ServiceDeps } from '../services/context';
import { today } from '../services/payments';
import { checkExportPath } from '../reports/export-path';

type Mapping = Record<string, string | null>;

interface ImportMeta {
  kind: ImportJob['kind'];
  importer: ImporterName;
  path: string;
  /** The mapping a dry run used, for its error sheet. */
  mapping?: Mapping;
}

const jobOf = (job: BackgroundJob<ImportMeta>): ImportJob => ({
  ...progressOf(job),
  kind: job.meta.kind,
  importer: job.meta.importer,
  path: job.meta.path,
  summary: job.meta.kind === 'dry_run' || job.meta.kind === 'commit' ? ((job.value as ImportSummary | null) ?? null) : null,
});

/** A file's headers whatever their order and spelling ("Adm. No" = "adm no"): the key its mapping is kept under. */
export function headerSet(headers: readonly string[]): string {
  const names = [...new Set(headers.map(normalizeHeader).filter((h) => h !== ''))].sort();
  return createHash('sha256').update(names.join('\u0000')).digest('hex').slice(0, 16);
}

/** An importer's fixed mappings, by the header set of the file each was fixed for. */
const MAPPINGS_KEY = (importer: ImporterName) => `imports.mappings.${importer}`;

/**
 * A dry run holds little (counts, errors, at most 25,000 parsed rows for its commit) but makes garbage by the row:
 * a ceiling on its heap makes V8 collect it instead of growing (a 100,000-row dry run's process stays near +80 MB).
 */
const DRY_RUN_HEAP_MB = 128;

/** A dry run's worker waits under this key for the commit of the same file with the same mapping (it keeps the rows it read). */
const followUpKey = (importer: ImporterName, path: string, mapping: Mapping | undefined) =>
  JSON.stringify([importer, path, mapping ?? null]);

export function importsHandlers(
  deps: ServiceDeps,
  runner: () => BackgroundRunner,
  settings: SettingsStore,
  files: ImportFiles,
): HandlersOf<typeof importsChannels> {
  const mappingsOf = (importer: ImporterName): Record<string, Mapping> => {
    const saved = settings.get(MAPPINGS_KEY(importer));
    return saved && typeof saved === 'object' ? (saved as Record<string, Mapping>) : {};
  };
  const remembered = (importer: ImporterName, headers: readonly string[]): Mapping | undefined => mappingsOf(importer)[headerSet(headers)];
  const remember = (importer: ImporterName, headers: readonly string[], mapping: Mapping) =>
    settings.set(MAPPINGS_KEY(importer), { ...mappingsOf(importer), [headerSet(headers)]: mapping });
  /** The headers each file had when it was last read (the screen reads a file before its dry run): not read twice. */
  const seenHeaders = new Map<string, readonly string[]>();
  const seenKey = (importer: ImporterName, path: string) => `${importer}\u0000${path}`;
  /** The file's header row matched by name alone. */
  const byName = async (importer: ImporterName, path: string) => {
    const match = (await runner().ask({ kind: 'import.inspect', importer, path })) as HeaderMatchView;
    seenHeaders.set(seenKey(importer, path), match.headers);
    return match;
  };
  const headersOf = async (importer: ImporterName, path: string) =>
    seenHeaders.get(seenKey(importer, path)) ?? (await byName(importer, path)).headers;
  /** The mapping sent, else the one this desk used last for a file with these headers (the file is read only if there is any). */
  const mappingFor = async (importer: ImporterName, path: string, mapping: Mapping | undefined) => {
    if (mapping) return mapping;
    return Object.keys(mappingsOf(importer)).length > 0 ? remembered(importer, await headersOf(importer, path)) : undefined;
  };
  const start = (meta: ImportMeta, body: Parameters<BackgroundRunner['start']>[1], file?: JobFile, options?: JobOptions) =>
    jobOf(runner().start(meta, body, file, options));

  return {
    'imports.inspect': async ({ importer, path, mapping }) => {
      checkSource(path);
      if (mapping) {
        const match = (await runner().ask({ kind: 'import.inspect', importer, path, mapping })) as HeaderMatchView;
        seenHeaders.set(seenKey(importer, path), match.headers);
        return match;
      }
      const plain = await byName(importer, path);
      const saved = remembered(importer, plain.headers);
      if (!saved) return plain;
      try {
        return await runner().ask({ kind: 'import.inspect', importer, path, mapping: saved });
      } catch (err) {
        // A kept mapping that does not fit this file after all: matched by name, as if there were none.
        if (err instanceof AppError && err.field?.startsWith('mapping')) return plain;
        throw err;
      }
    },
    'imports.dryRun': async ({ importer, path, mapping }) => {
      checkSource(path);
      if (mapping) remember(importer, await headersOf(importer, path), mapping);
      const m = await mappingFor(importer, path, mapping);
      return start(
        { kind: 'dry_run', importer, path, ...(m ? { mapping: m } : {}) },
        { kind: 'import.dryRun', today: today(deps), importer, path, ...(m ? { mapping: m } : {}) },
        undefined,
        {
          park: { key: followUpKey(importer, path, m), ask: { kind: 'import.kept' } },
          maxOldMb: DRY_RUN_HEAP_MB,
        },
      );
    },
    'imports.commit': async ({ importer, path, mapping, sha256, approver }, call) => {
      checkSource(path);
      const m = await mappingFor(importer, path, mapping);
      const userId = requireSession(call).userId;
      let approverId: string | undefined;
      if (IMPORTERS_NEEDING_APPROVAL.includes(importer)) {
        if (!approver)
          throw new AppError(
            'invalid_input',
            `is required: ${importer} take effect only when a second person (accountant or admin) approves`,
            'approver',
          );
        approverId = await verifyApprover(deps, approver, userId);
      }
      const actor = { userId, now: deps.clock.now().toISOString(), ...(approverId ? { approverId } : {}) };
      return start(
        { kind: 'commit', importer, path },
        { kind: 'import.commit', today: today(deps), importer, path, sha256, actor, ...(m ? { mapping: m } : {}) },
        undefined,
        {
          reuse: followUpKey(importer, path, m),
          after: { kind: 'import.checkpoint' },
        },
      );
    },
    'imports.template': async ({ importer, path, replace }) => {
      checkExportPath(path, 'xlsx', replace);
      return start(
        { kind: 'template', importer, path },
        { kind: 'import.template', today: today(deps), importer },
        { tmp: `${path}.${deps.ids.uuid()}.part`, path, replace },
      );
    },
    'imports.errorSheet': async ({ jobId, path, replace }) => {
      checkExportPath(path, 'xlsx', replace);
      const dry = runner().job<ImportMeta>(jobId);
      if (dry.meta.kind !== 'dry_run' || dry.state !== 'done') throw new AppError('invalid_input', 'must be a finished dry run', 'jobId');
      const { importer, path: source, mapping: m } = dry.meta;
      return start(
        { kind: 'error_sheet', importer, path },
        { kind: 'import.errorSheet', today: today(deps), importer, path: source, ...(m ? { mapping: m } : {}) },
        { tmp: `${path}.${deps.ids.uuid()}.part`, path, replace },
      );
    },
    'imports.job': async ({ jobId }) => jobOf(runner().job<ImportMeta>(jobId)),
    'imports.cancel': async ({ jobId }) => jobOf(runner().cancel<ImportMeta>(jobId)),
    'imports.chooseFile': async () => {
      if (!files.chooseFile) throw new AppError('conflict', 'this FeeDesk has no file dialog: type the file’s full path');
      return {
        path: await files.chooseFile({
          title: 'File to import',
          filters: [{ name: 'Spreadsheets (XLSX, CSV)', extensions: [...IMPORT_FILE_TYPES] }],
        }),
      };
    },
    'imports.receiveFile': async ({ fileName, content }) => ({
      path: keepReceivedFile(files.receivedDir, fileName, Buffer.from(content, 'base64'), deps.clock.now()),
    }),
  };
}

/** The OS file dialog the desktop shell offers (a true edge: tests pass their own). */
export interface FileChooser {
  (options: { title: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
}

export interface ImportFiles {
  /** The desktop app's Open dialog; absent in browser mode, where the tab chooses and sends the file. */
  chooseFile?: FileChooser;
  /** Where files sent by a browser tab are kept for reading (the desk folder's "received" folder). */
  receivedDir: string;
}

/** Files sent from a tab are kept this long (an import's commit reads its file again), then cleared away. */
const RECEIVED_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Writes a file a tab sent into the received folder under a name of its own (the time and the name as sent, made
 * safe), never over another; clears away what was sent more than a week ago. Returns its full path.
 */
export function keepReceivedFile(dir: string, fileName: string, bytes: Buffer, now: Date): string {
  if (bytes.length === 0) throw new AppError('invalid_input', 'is an empty file', 'fileName');
  if (bytes.length > RECEIVED_FILE_MAX_BYTES)
    throw new AppError(
      'invalid_input',
      `is larger than ${RECEIVED_FILE_MAX_BYTES / 1024 / 1024} MB: split the file, or use the desktop app`,
      'content',
    );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const old of readdirSync(dir)) {
    const path = join(dir, old);
    try {
      if (now.getTime() - statSync(path).mtimeMs > RECEIVED_KEEP_MS) rmSync(path, { force: true });
    } catch {
      // Gone already, or not ours to remove: it does not stop this file.
    }
  }
  const base =
    basename(fileName.replace(/\\/g, '/'))
      .replace(/[^\p{L}\p{M}\p{N}._ -]+/gu, '_')
      .replace(/^\.+/, '') || 'file';
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const path = join(dir, `${stamp}${n > 0 ? `-${n}` : ''} ${base}`);
    try {
      writeFileSync(path, bytes, { flag: 'wx', mode: 0o600 });
      return path;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      rmSync(path, { force: true });
      throw new AppError(
        'conflict',
        code === 'ENOSPC'
          ? 'the disk is full: free some space, then choose the file again'
          : `the file could not be kept on this desk (${code ?? 'unknown error'})`,
      );
    }
  }
}

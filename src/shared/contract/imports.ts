// Bulk import from XLSX/CSV: templates, the column mapping, a dry run with per-row errors, an all-or-nothing commit.
import { z } from 'zod';
import { channel } from './channel';
import { approver, fullPath, jobProgress, noInput, replaceFile } from './common';

export const IMPORTERS = ['students', 'families', 'structures', 'concessions', 'opening_balances', 'student_charges'] as const;
export type ImporterName = (typeof IMPORTERS)[number];

/** Importers whose rows take effect only with a second person's approval: their commit carries the approver. */
export const IMPORTERS_NEEDING_APPROVAL: readonly ImporterName[] = ['concessions'];

const importer = z.enum(IMPORTERS, { error: `must be one of ${IMPORTERS.join(', ')}` });

const filePath = fullPath('/home/me/Documents/students.xlsx');

/** Which column of the file feeds each field (by its header text); a field left out is matched by name. */
const mapping = z.record(z.string().max(60), z.string().max(200).nullable(), { error: 'must map field keys to header texts' });

export const importField = z.object({
  key: z.string(),
  label: z.string(),
  required: z.boolean(),
  aliases: z.array(z.string()),
  description: z.string(),
});
export type ImportField = z.infer<typeof importField>;

export const rowError = z.object({ row: z.number().int(), column: z.string(), value: z.string(), reason: z.string() });
export type RowError = z.infer<typeof rowError>;

export const importSummary = z.object({
  importer,
  sha256: z.string(),
  rows: z.number().int(),
  counts: z.object({ new: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), errors: z.number().int() }),
  /** The first rows as they would be written (field → text). */
  preview: z.array(
    z.object({ row: z.number().int(), action: z.enum(['new', 'updated', 'unchanged']), values: z.record(z.string(), z.string()) }),
  ),
  /** The first errors (all of them are in the error sheet). */
  errors: z.array(rowError),
  errorCount: z.number().int(),
  /** What looks wrong without being an error (an admission no. column that counts 1, 2, 3 … like a serial number). */
  warnings: z.array(z.string()),
  committed: z.boolean(),
});
export type ImportSummary = z.infer<typeof importSummary>;

export const importJob = z.object({
  ...jobProgress,
  kind: z.enum(['dry_run', 'commit', 'template', 'error_sheet']),
  importer,
  path: z.string(),
  summary: importSummary.nullable(),
});
export type ImportJob = z.infer<typeof importJob>;

export const headerMatch = z.object({
  importer,
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  fields: z.array(importField),
  /** Field key → the header text it reads (null: no column). */
  mapping: z.record(z.string(), z.string().nullable()),
  missing: z.array(z.string()),
});
export type HeaderMatchView = z.infer<typeof headerMatch>;

const ADMINS = ['admin', 'accountant'] as const;

/** The largest file a browser tab can hand the desk to import (the desktop app reads files where they are). */
export const RECEIVED_FILE_MAX_BYTES = 25 * 1024 * 1024;
/** The file types the importers read. */
export const IMPORT_FILE_TYPES = ['xlsx', 'csv'] as const;

const fileName = z
  .string({ error: 'must be the file’s name' })
  .trim()
  .min(1, 'must be the file’s name')
  .max(200, 'must be at most 200 characters')
  .refine(
    (n) => IMPORT_FILE_TYPES.some((t) => n.toLowerCase().endsWith(`.${t}`)),
    'must be an XLSX or CSV file (a name ending .xlsx or .csv)',
  );

export const importsChannels = {
  'imports.inspect': channel({
    input: z.strictObject({ importer, path: filePath, mapping: mapping.optional() }),
    output: headerMatch,
    access: ADMINS,
  }),
  'imports.dryRun': channel({
    input: z.strictObject({ importer, path: filePath, mapping: mapping.optional() }),
    output: importJob,
    access: ADMINS,
  }),
  'imports.commit': channel({
    input: z.strictObject({
      importer,
      path: filePath,
      mapping: mapping.optional(),
      /** The dry run's file hash: the commit refuses a file changed since. */
      sha256: z.string({ error: 'must be the dry run’s file hash' }).regex(/^[0-9a-f]{64}$/, 'must be the dry run’s file hash'),
      /** A second person's credentials, for the importers that need an approval (concessions). */
      approver: approver.optional(),
    }),
    output: importJob,
    access: ADMINS,
  }),
  'imports.template': channel({
    input: z.strictObject({ importer, path: filePath, replace: replaceFile }),
    output: importJob,
    access: ADMINS,
  }),
  /** The dry run's file again, with an "errors" column, for fixing in a spreadsheet. */
  'imports.errorSheet': channel({
    input: z.strictObject({ jobId: z.string().max(64), path: filePath, replace: replaceFile }),
    output: importJob,
    access: ADMINS,
  }),
  'imports.job': channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: importJob, access: ADMINS, passive: true }),
  'imports.cancel': channel({ input: z.strictObject({ jobId: z.string().max(64) }), output: importJob, access: ADMINS }),
  /** The desktop app's file dialog (Browse): the file chosen, or null when the user closed the dialog. */
  'imports.chooseFile': channel({ input: noInput, output: z.object({ path: z.string().nullable() }), access: ADMINS }),
  /**
   * A file a browser tab chose (browser mode has no file dialog of the desk's own): kept in the desk folder's
   * "received" folder and read from there like any other file.
   */
  'imports.receiveFile': channel({
    input: z.strictObject({
      fileName,
      content: z
        .base64({ error: 'must be the file’s content (base64)' })
        .max(
          Math.ceil(RECEIVED_FILE_MAX_BYTES / 3) * 4,
          `is larger than ${RECEIVED_FILE_MAX_BYTES / 1024 / 1024} MB: split the file, or use the desktop app`,
        ),
    }),
    output: z.object({ path: z.string() }),
    access: ADMINS,
  }),
};

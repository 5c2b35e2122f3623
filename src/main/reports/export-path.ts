// Where an export (or an import's template or error sheet) may be written: checked before any work starts, so a job
// never runs only to fail at its last step.
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import type { ExportFormat } from '../../shared/contract/reports';

const EXTENSIONS: Record<ExportFormat, string> = { xlsx: '.xlsx', csv: '.csv', pdf: '.pdf', letters: '.pdf' };

/** The longest file name the common file systems take (ext4, NTFS, APFS: 255 bytes or UTF-16 units). */
const MAX_NAME_BYTES = 255;
/** ".<uuid>.part", the temporary name's tail. */
const TEMPORARY_SUFFIX_BYTES = 1 + 36 + 5;

/** The refusal the export and import screens answer with "Replace it?": a conflict on the path. */
export const FILE_EXISTS_MESSAGE = 'is a file that exists already: replace it, or choose another name';

/** Refuses a path the export could not end up at, before any work starts. */
export function checkExportPath(path: string, format: ExportFormat, replace = false): void {
  // A Windows or network path on Linux or macOS is no full path here: it would be written, as a name, where FeeDesk runs.
  if (!isAbsolute(path))
    throw new AppError(
      'invalid_input',
      `is not a full path on this computer (such as ${process.platform === 'win32' ? 'C:\\Users\\me\\Documents\\fees.xlsx' : '/home/me/Documents/fees.xlsx'})`,
      'path',
    );
  const want = EXTENSIONS[format];
  if (extname(path).toLowerCase() !== want)
    throw new AppError(
      'invalid_input',
      `must end in ${want} for a ${format === 'letters' ? 'PDF of letters' : format.toUpperCase()} file`,
      'path',
    );
  // The file is written as "<name>.<job id>.part" first, then renamed: both names must fit the file system's 255 bytes.
  if (Buffer.byteLength(basename(path)) + TEMPORARY_SUFFIX_BYTES > MAX_NAME_BYTES) {
    throw new AppError(
      'invalid_input',
      'has a file name too long for this computer (255 characters at most, with room for a temporary name): shorten it',
      'path',
    );
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

// How a file's problems are told to the user: one error on the field `file`, with sizes, counts and columns written
// the way the user sees them.
import { statSync } from 'node:fs';
import { AppError } from '../../shared/contract/errors';

const MB = 1024 * 1024;

export const fileProblem = (message: string) => new AppError('invalid_input', message, 'file');

export const count = (n: number) => new Intl.NumberFormat('en-US').format(n);

/** 212 MB, 3 KB, 900 bytes; a file's size rounds up and a limit down, so the one never looks within the other. */
export function sizeText(bytes: number, round: 'up' | 'down'): string {
  const whole = round === 'up' ? Math.ceil : Math.floor;
  if (bytes >= MB) return `${count(whole(bytes / MB))} MB`;
  if (bytes >= 1024) return `${count(whole(bytes / 1024))} KB`;
  return `${count(bytes)} bytes`;
}

/** A (1-based) column's letters, as Excel names it: 1 → A, 28 → AB. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** A file to read (the field `path`): there, a file, and not empty. */
export function checkSource(path: string): void {
  let size = 0;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new AppError('invalid_input', 'is a folder, not a file', 'path');
    size = stat.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'invalid_input',
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}): is the file there?`,
      'path',
    );
  }
  if (size === 0) throw new AppError('invalid_input', 'is an empty file', 'path');
}

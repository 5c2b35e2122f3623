// A PDF a channel answered with (base64), kept under test-results for a person to look at, and its text as pdftotext
// reads it, whitespace folded to single spaces.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function pdfTextIn(folder: string): (name: string, base64: string) => string {
  mkdirSync(folder, { recursive: true });
  return (name, base64) => {
    const file = join(folder, name);
    writeFileSync(file, Buffer.from(base64, 'base64'));
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  };
}

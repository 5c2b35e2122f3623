// The printer edge: the Electron shell prints through webContents; Node and tests write files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PrintJob {
  title: string;
  pdf: Uint8Array;
  /** true: straight to the desk's configured printer; false: through the system dialog. */
  silent: boolean;
  /** The printer chosen in settings; null: the system default. */
  printerName: string | null;
}

export interface PrinterInfo {
  name: string;
  description: string;
}

export interface Printer {
  print(job: PrintJob): Promise<void>;
  /** The printers the OS offers, for the desk's choice in settings. */
  printers(): Promise<PrinterInfo[]>;
}

/** Arguments for CUPS `lp` (Linux, macOS): the chosen printer or the default, a job title, the file. */
export function lpArguments(file: string, job: Pick<PrintJob, 'title' | 'printerName'>): string[] {
  const title = job.title.replace(/[^\p{L}\p{N} ._/-]+/gu, '_').slice(0, 120);
  return [...(job.printerName ? ['-d', job.printerName] : []), '-t', title, '--', file];
}

/** Writes each job as a numbered PDF file in a folder (Node, tests, and desks with no printer yet). */
export function createFilePrinter(dir: string): Printer {
  let count = 0;
  return {
    printers: async () => [{ name: 'Save to folder', description: dir }],
    async print(job) {
      await mkdir(dir, { recursive: true });
      count += 1;
      const safeTitle = job.title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
      await writeFile(join(dir, `${String(count).padStart(4, '0')}-${safeTitle.replace(/\.pdf$/i, '')}.pdf`), job.pdf);
    },
  };
}

// The printer edge: the Electron shell prints through webContents; Node and tests write files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PrintJob {
  title: string;
  pdf: Uint8Array;
  /** true: straight to the desk's configured printer; false: through the system dialog. */
  silent: boolean;
}

export interface Printer {
  print(job: PrintJob): Promise<void>;
}

/** Writes each job as a numbered PDF file in a folder. */
export function createFilePrinter(dir: string): Printer {
  let count = 0;
  return {
    async print(job) {
      await mkdir(dir, { recursive: true });
      count += 1;
      const safeTitle = job.title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
      await writeFile(join(dir, `${String(count).padStart(4, '0')}-${safeTitle}.pdf`), job.pdf);
    },
  };
}

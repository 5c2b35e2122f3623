// Printing without Electron (browser mode): silently to the desk's printer through CUPS `lp` on Linux and macOS;
// where that cannot be done (Windows has no such command, no CUPS, no default printer) and for the dialog, the PDF is
// handed to the browser tab that asked, which opens its own print dialog for it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { lpArguments, type Printer, type PrintJob } from './printer';
import { createSpool } from './spool';

/** Runs a command and returns its stdout (the true edge: tests pass a fake). */
export type RunCommand = (command: string, args: string[]) => Promise<string>;

const execFileAsync = promisify(execFile);
export const runCommand: RunCommand = async (command, args) => (await execFileAsync(command, args, { timeout: 30_000 })).stdout;

export interface SystemPrinterDeps {
  /** Where PDFs are written for `lp` to read. */
  spoolDir: string;
  platform: NodeJS.Platform;
  run: RunCommand;
  /** Hands the job to the tab that asked for it (its print dialog); false when no tab asked (a scheduled job). */
  toBrowser: (job: PrintJob) => boolean;
}

/** `lpstat -e` lists CUPS destinations, one name a line. */
export function parseDestinations(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function createSystemPrinter(deps: SystemPrinterDeps): Printer {
  const spool = createSpool(deps.spoolDir);
  const canUseLp = deps.platform !== 'win32';

  const dialog = (job: PrintJob, why: string): void => {
    if (!deps.toBrowser(job)) throw new Error(`printing failed: ${why}, and there is no browser tab to show the print dialog in`);
  };

  return {
    async printers() {
      if (!canUseLp) return [];
      try {
        return parseDestinations(await deps.run('lpstat', ['-e'])).map((name) => ({ name, description: name }));
      } catch {
        return [];
      }
    },
    async print(job) {
      if (!job.silent || !canUseLp) return dialog(job, 'no system printer here');
      const file = await spool.write(job.title, job.pdf);
      try {
        await deps.run('lp', lpArguments(file, job));
      } catch (err) {
        // No CUPS, no default printer, the chosen one gone: the browser's dialog still prints.
        const reason = (err as { code?: string }).code === 'ENOENT' ? 'the lp command is not installed' : firstLine(err);
        dialog(job, reason);
      } finally {
        // lp has handed the file to the print queue by the time it returns.
        await spool.remove(file);
      }
    },
  };
}

function firstLine(err: unknown): string {
  const text = (err as { stderr?: string }).stderr || (err instanceof Error ? err.message : String(err));
  return text.trim().split('\n')[0] ?? 'lp failed';
}

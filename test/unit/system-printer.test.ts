// Browser mode's printer (src/main/print/system-printer.ts): CUPS `lp` where it can, the browser tab's print dialog
// where it cannot. The `lp`/`lpstat` commands are the edge: a fake records what would have run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrintJob } from '../../src/main/print/printer';
import { createSystemPrinter, parseDestinations, type RunCommand } from '../../src/main/print/system-printer';

interface RunCall {
  command: string;
  args: string[];
  /** The spooled file (last argument) existed while the command ran. */
  fileExisted: boolean;
  /** Its bytes, read while the command ran. */
  fileBytes: Buffer | null;
}

/** A fake `run`: records each call and what the spooled file held at that moment, then answers as told. */
function fakeRun(answer: (command: string, args: string[]) => string | Error = () => ''): { run: RunCommand; calls: RunCall[] } {
  const calls: RunCall[] = [];
  const run: RunCommand = async (command, args) => {
    const last = args[args.length - 1] ?? '';
    const fileExisted = command === 'lp' && existsSync(last);
    calls.push({ command, args, fileExisted, fileBytes: fileExisted ? readFileSync(last) : null });
    const result = answer(command, args);
    if (result instanceof Error) throw result;
    return result;
  };
  return { run, calls };
}

/** An error as execFile rejects with: a code, and the command's stderr. */
function commandError(message: string, extra: { code?: string | number; stderr?: string }): Error {
  return Object.assign(new Error(message), extra);
}

function fakeBrowser(answer: boolean): { toBrowser: (job: PrintJob) => boolean; jobs: PrintJob[] } {
  const jobs: PrintJob[] = [];
  return { toBrowser: (job) => (jobs.push(job), answer), jobs };
}

const job = (over: Partial<PrintJob> = {}): PrintJob => ({
  title: 'receipt-2026-27-D01-000001.pdf',
  pdf: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x00, 0xff]),
  silent: true,
  printerName: 'EPSON_TM-T82',
  ...over,
});

let spoolDir: string;

beforeEach(() => {
  spoolDir = mkdtempSync(join(tmpdir(), 'feedesk-spool-'));
});
afterEach(() => {
  rmSync(spoolDir, { recursive: true, force: true });
});

describe('printing a silent job through lp', () => {
  it('hands lp the chosen printer, the title and the spooled file after --, then removes the file', async () => {
    const { run, calls } = fakeRun();
    const browser = fakeBrowser(true);
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: browser.toBrowser });

    await printer.print(job());

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.command).toBe('lp');
    const args = call?.args ?? [];
    expect(args.slice(0, 5)).toEqual(['-d', 'EPSON_TM-T82', '-t', 'receipt-2026-27-D01-000001.pdf', '--']);
    expect(args).toHaveLength(6);
    const file = args[5] ?? '';
    expect(dirname(file)).toBe(spoolDir);
    expect(file).toMatch(/\.pdf$/);
    expect(call?.fileExisted).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(browser.jobs).toEqual([]);
  });

  it("writes the job's own PDF bytes for lp to read", async () => {
    const { run, calls } = fakeRun();
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });
    const pdf = job().pdf;

    await printer.print(job({ pdf }));

    expect(calls[0]?.fileBytes).toEqual(Buffer.from(pdf));
  });

  it('leaves -d out so lp uses the system default when no printer is chosen', async () => {
    const { run, calls } = fakeRun();
    const printer = createSystemPrinter({ spoolDir, platform: 'darwin', run, toBrowser: fakeBrowser(true).toBrowser });

    await printer.print(job({ printerName: null }));

    const args = calls[0]?.args ?? [];
    expect(args).not.toContain('-d');
    expect(args.slice(0, 3)).toEqual(['-t', 'receipt-2026-27-D01-000001.pdf', '--']);
    expect(calls[0]?.fileExisted).toBe(true);
  });

  it('spools each job to its own file, even with the same title', async () => {
    const { run, calls } = fakeRun();
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });

    await printer.print(job());
    await printer.print(job());

    expect(calls).toHaveLength(2);
    expect(calls[0]?.args.at(-1)).not.toBe(calls[1]?.args.at(-1));
  });

  it('creates the spool folder when it is not there yet', async () => {
    const { run, calls } = fakeRun();
    const nested = join(spoolDir, 'print', 'spool');
    const printer = createSystemPrinter({ spoolDir: nested, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });

    await printer.print(job());

    expect(dirname(calls[0]?.args.at(-1) ?? '')).toBe(nested);
    expect(calls[0]?.fileExisted).toBe(true);
  });

  it('keeps an unsafe title out of the spooled file name', async () => {
    const { run, calls } = fakeRun();
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });

    await printer.print(job({ title: '../../etc/passwd;$(rm -rf ~)' }));

    const file = calls[0]?.args.at(-1) ?? '';
    expect(dirname(file)).toBe(spoolDir);
    expect(calls[0]?.fileExisted).toBe(true);
  });
});

describe('falling back to the browser when lp cannot print', () => {
  it('hands the job to the browser when lp is not installed', async () => {
    const { run, calls } = fakeRun(() => commandError('spawn lp ENOENT', { code: 'ENOENT' }));
    const browser = fakeBrowser(true);
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: browser.toBrowser });
    const theJob = job();

    await printer.print(theJob);

    expect(calls).toHaveLength(1);
    expect(browser.jobs).toEqual([theJob]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('hands the job to the browser when lp fails', async () => {
    const { run } = fakeRun(() => commandError('Command failed: lp', { code: 1, stderr: 'lp: The printer or class does not exist.\n' }));
    const browser = fakeBrowser(true);
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: browser.toBrowser });
    const theJob = job();

    await printer.print(theJob);

    expect(browser.jobs).toEqual([theJob]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it("refuses with lp's first stderr line when no browser tab can take the job", async () => {
    const { run } = fakeRun(() =>
      commandError('Command failed: lp -d Gone -t x -- /tmp/f.pdf', {
        code: 1,
        stderr: '\nlp: The printer or class does not exist.\nsecond line\n',
      }),
    );
    const browser = fakeBrowser(false);
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: browser.toBrowser });

    const printing = printer.print(job());

    await expect(printing).rejects.toThrow(/printing failed/);
    await expect(printing).rejects.toThrow('lp: The printer or class does not exist.');
    await expect(printing).rejects.not.toThrow('second line');
    expect(browser.jobs).toHaveLength(1);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it("refuses with the error's message when lp failed without stderr", async () => {
    const { run } = fakeRun(() => new Error('lp timed out'));
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(false).toBrowser });

    await expect(printer.print(job())).rejects.toThrow(/printing failed.*lp timed out/);
  });

  it('refuses saying lp is not installed when it is missing and no browser tab can take the job', async () => {
    const { run } = fakeRun(() => commandError('spawn lp ENOENT', { code: 'ENOENT' }));
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(false).toBrowser });

    await expect(printer.print(job())).rejects.toThrow(/printing failed.*not installed/);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});

describe('jobs that go to the browser without trying lp', () => {
  it('never runs a command on Windows, handing even silent jobs to the browser', async () => {
    const { run, calls } = fakeRun();
    const browser = fakeBrowser(true);
    const printer = createSystemPrinter({ spoolDir, platform: 'win32', run, toBrowser: browser.toBrowser });
    const theJob = job();

    await printer.print(theJob);

    expect(calls).toEqual([]);
    expect(browser.jobs).toEqual([theJob]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('hands a dialog (non-silent) job to the browser on Linux without running lp', async () => {
    const { run, calls } = fakeRun();
    const browser = fakeBrowser(true);
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: browser.toBrowser });
    const theJob = job({ silent: false });

    await printer.print(theJob);

    expect(calls).toEqual([]);
    expect(browser.jobs).toEqual([theJob]);
  });

  it('refuses when no browser tab can take a job that only the browser can print', async () => {
    const { run, calls } = fakeRun();
    const printer = createSystemPrinter({ spoolDir, platform: 'win32', run, toBrowser: fakeBrowser(false).toBrowser });

    await expect(printer.print(job())).rejects.toThrow(/printing failed/);
    expect(calls).toEqual([]);
  });
});

describe("listing the system's printers", () => {
  it('lists each lpstat -e destination by name, ignoring blank lines and trimming names', async () => {
    const { run, calls } = fakeRun(() => 'EPSON_TM-T82\n\n  Office_Laser  \r\nPDF\n\n');
    const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });

    await expect(printer.printers()).resolves.toEqual([
      { name: 'EPSON_TM-T82', description: 'EPSON_TM-T82' },
      { name: 'Office_Laser', description: 'Office_Laser' },
      { name: 'PDF', description: 'PDF' },
    ]);
    expect(calls.map((c) => [c.command, c.args])).toEqual([['lpstat', ['-e']]]);
  });

  it('lists none when lpstat fails or is missing', async () => {
    const missing = fakeRun(() => commandError('spawn lpstat ENOENT', { code: 'ENOENT' }));
    const failing = fakeRun(() => commandError('Command failed: lpstat -e', { code: 1, stderr: 'lpstat: No destinations added.' }));

    for (const { run } of [missing, failing]) {
      const printer = createSystemPrinter({ spoolDir, platform: 'linux', run, toBrowser: fakeBrowser(true).toBrowser });
      await expect(printer.printers()).resolves.toEqual([]);
    }
    expect(missing.calls).toHaveLength(1);
    expect(failing.calls).toHaveLength(1);
  });

  it('lists none on Windows without running a command', async () => {
    const { run, calls } = fakeRun(() => 'EPSON_TM-T82\n');
    const printer = createSystemPrinter({ spoolDir, platform: 'win32', run, toBrowser: fakeBrowser(true).toBrowser });

    await expect(printer.printers()).resolves.toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('parsing lpstat -e', () => {
  it('reads one destination a line', () => {
    expect(parseDestinations('A\nB\n')).toEqual(['A', 'B']);
    expect(parseDestinations(' A \n\n\t\nB')).toEqual(['A', 'B']);
    expect(parseDestinations('')).toEqual([]);
    expect(parseDestinations('\n\n')).toEqual([]);
  });
});

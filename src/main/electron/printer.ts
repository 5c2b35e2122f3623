// Printing in the Electron shell. Silent: CUPS `lp` on Linux and macOS; on Windows, Chromium's PDF
// viewer in a hidden window printing to the chosen device. Not silent: the PDF opens in a window
// whose viewer has the system print dialog.
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BrowserWindow } from 'electron';
import { lpArguments, type Printer } from '../print/printer';
import { createSpool } from '../print/spool';

const run = promisify(execFile);

export function createElectronPrinter(spoolDir: string, mainWindow: () => BrowserWindow | null): Printer {
  const spool = createSpool(spoolDir);

  const viewer = async (file: string, show: boolean) => {
    // Middle-click (Electronegativity's Auxclick check) can only ask for a new window, which denyWindowOpen
    // (guards.ts) refuses here as in every webContents.
    // Prettier would move the exception off the line Electronegativity reads it on.
    // prettier-ignore
    const window = new BrowserWindow({ show, width: 900, height: 1000, title: 'FeeDesk print', webPreferences: { sandbox: true, contextIsolation: true, plugins: true } }); // eng-disable AUXCLICK_JS_CHECK
    await window.loadURL(pathToFileURL(file).href);
    return window;
  };

  return {
    async printers() {
      const list = (await mainWindow()?.webContents.getPrintersAsync()) ?? [];
      return list.map((p) => ({ name: p.name, description: p.displayName || p.description }));
    },
    async print(job) {
      const file = await spool.write(job.title, job.pdf);
      if (!job.silent) {
        // The viewer reads the file while it is open; it goes when the window does (or at the next start).
        const window = await viewer(file, true).catch(async (err: unknown) => {
          await spool.remove(file);
          throw err;
        });
        window.once('closed', () => void spool.remove(file));
        return;
      }
      try {
        if (process.platform !== 'win32') {
          // lp has handed the file to the print queue by the time it returns.
          await run('lp', lpArguments(file, job));
          return;
        }
        const window = await viewer(file, false);
        await new Promise<void>((resolve, reject) =>
          window.webContents.print({ silent: true, ...(job.printerName ? { deviceName: job.printerName } : {}) }, (ok, reason) => {
            window.destroy();
            if (ok) resolve();
            else reject(new Error(`printing failed: ${reason}`));
          }),
        );
      } finally {
        await spool.remove(file);
      }
    },
  };
}

// Printing in the Electron shell. Silent: CUPS `lp` on Linux and macOS; on Windows, Chromium's PDF
// viewer in a hidden window printing to the chosen device. Not silent: the PDF opens in a window
// whose viewer has the system print dialog.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BrowserWindow } from 'electron';
import { lpArguments, type Printer } from '../print/printer';

const run = promisify(execFile);

export function createElectronPrinter(spoolDir: string, mainWindow: () => BrowserWindow | null): Printer {
  let count = 0;
  const spool = async (title: string, pdf: Uint8Array) => {
    await mkdir(spoolDir, { recursive: true });
    const file = join(spoolDir, `${Date.now()}-${++count}-${title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}`);
    await writeFile(file.endsWith('.pdf') ? file : `${file}.pdf`, pdf);
    return file.endsWith('.pdf') ? file : `${file}.pdf`;
  };

  const viewer = async (file: string, show: boolean) => {
    // Middle-click (Electronegativity's Auxclick check) can only ask for a new window, which denyWindowOpen
    // (guards.ts) refuses here as in every webContents.
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
      const file = await spool(job.title, job.pdf);
      if (!job.silent) {
        await viewer(file, true);
        return;
      }
      if (process.platform !== 'win32') {
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
    },
  };
}

// Where a finished PDF goes: back to the screen only, to the desk's printer, or through the system's print dialog.
import type { FontSet } from './fonts';
import type { Printer } from './printer';

export interface PrintDeps {
  fonts: () => FontSet;
  printer: Printer;
  /** The printer chosen for this desk (null: the system default). */
  printerName: () => string | null;
}

/** Sends a PDF where the user asked: a download only, the desk printer, or the system dialog. */
export async function deliver(print: PrintDeps, pdf: Buffer, title: string, target: 'pdf' | 'printer' | 'dialog'): Promise<void> {
  if (target === 'pdf') return;
  await print.printer.print({ title, pdf, silent: target === 'printer', printerName: print.printerName() });
}

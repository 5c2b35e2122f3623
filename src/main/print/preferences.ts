// This desk's printing choices, kept in the desk's own settings (not the school's): its printer and whether a receipt
// prints as it is saved.
import type { SettingsStore } from '../desk-settings';

const PRINTER_KEY = 'print.printerName';
const PRINT_ON_SAVE_KEY = 'print.onSave';

/** The printer chosen for this desk (null: the system default). */
export function chosenPrinter(settings: SettingsStore): string | null {
  const name = settings.get(PRINTER_KEY);
  return typeof name === 'string' ? name : null;
}

export function printPreferences(settings: SettingsStore): { chosen: string | null; printOnSave: boolean } {
  return { chosen: chosenPrinter(settings), printOnSave: settings.get(PRINT_ON_SAVE_KEY) === true };
}

export function choosePrinter(settings: SettingsStore, printerName: string | null, printOnSave: boolean | undefined): void {
  if (printerName === null) settings.delete(PRINTER_KEY);
  else settings.set(PRINTER_KEY, printerName);
  if (printOnSave !== undefined) settings.set(PRINT_ON_SAVE_KEY, printOnSave);
}

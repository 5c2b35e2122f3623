// The printing area's channels: the printers this computer has, and this desk's choice among them.
import type { printingChannels } from '../../shared/contract/printing';
import type { SettingsStore } from '../desk-settings';
import type { HandlersOf } from '../ipc/router';
import { choosePrinter, printPreferences } from '../print/preferences';
import type { Printer } from '../print/printer';

export function printingHandlers(printer: Printer, settings: SettingsStore): HandlersOf<typeof printingChannels> {
  const printerChoice = async () => ({ printers: await printer.printers(), ...printPreferences(settings) });
  return {
    'printing.printers': printerChoice,
    'printing.preferences': async () => printPreferences(settings),
    'printing.choose': async ({ printerName, printOnSave }) => {
      choosePrinter(settings, printerName, printOnSave);
      return printerChoice();
    },
  };
}

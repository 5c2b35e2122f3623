// The desk's printer: the OS's list and the one this desk prints to (a desk setting, not school data).
import { z } from 'zod';
import { channel } from './channel';
import { noInput } from './common';

const preferences = z.object({
  /** null: the system default printer. */
  chosen: z.string().nullable(),
  /** Print the receipt as soon as a payment is saved (no key to press). */
  printOnSave: z.boolean(),
});

const printers = preferences.extend({
  printers: z.array(z.object({ name: z.string(), description: z.string() })),
});

export const printingChannels = {
  'printing.printers': channel({ input: noInput, output: printers, access: 'session' }),
  /** The desk's choices without asking the OS for its printers (the collect screen reads it). */
  'printing.preferences': channel({ input: noInput, output: preferences, access: 'session' }),
  'printing.choose': channel({
    input: z.strictObject({
      printerName: z.string({ error: 'must be a printer name' }).trim().min(1).max(200).nullable(),
      printOnSave: z.boolean({ error: 'must be true or false' }).optional(),
    }),
    output: printers,
    access: ['admin'],
  }),
};

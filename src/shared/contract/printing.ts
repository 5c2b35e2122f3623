// The desk's printer: the OS's list and the one this desk prints to (a desk setting, not school data).
import { z } from 'zod';
import { channel } from './channel';
import { noInput } from './common';

const printers = z.object({
  printers: z.array(z.object({ name: z.string(), description: z.string() })),
  /** null: the system default printer. */
  chosen: z.string().nullable(),
});

export const printingChannels = {
  'printing.printers': channel({ input: noInput, output: printers, access: 'session' }),
  'printing.choose': channel({
    input: z.strictObject({ printerName: z.string({ error: 'must be a printer name' }).trim().min(1).max(200).nullable() }),
    output: printers,
    access: ['admin'],
  }),
};

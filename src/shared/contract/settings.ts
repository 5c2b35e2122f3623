// School-wide policies kept in the encrypted store (not the desk's local settings file).
import { z } from 'zod';
import { channel } from './channel';
import { noInput } from './common';

export const policies = z.object({
  idleLockMinutes: z.number().int(),
});
export type Policies = z.infer<typeof policies>;

export const settingsChannels = {
  'settings.get': channel({ input: noInput, output: policies, access: 'session' }),
  'settings.update': channel({
    input: z.strictObject({
      idleLockMinutes: z
        .number({ error: 'must be a number of minutes' })
        .int('must be a whole number of minutes')
        .min(1, 'must be at least 1 minute')
        .max(120, 'must be at most 120 minutes'),
    }),
    output: policies,
    access: ['admin'],
  }),
};

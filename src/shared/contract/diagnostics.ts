// What the renderer tells main about itself: a screen that failed, for the desk's log (the person at the desk sees
// the screen's own message; whoever looks after the desk reads the log).
import { z } from 'zod';
import { channel } from './channel';

export const diagnosticsChannels = {
  'diagnostics.screenFailed': channel({
    input: z.strictObject({
      screen: z.string({ error: 'must be text' }).min(1, 'is required').max(60, 'is too long'),
      message: z.string({ error: 'must be text' }).max(2000, 'is too long'),
      stack: z.string({ error: 'must be text' }).max(8000, 'is too long').nullable(),
    }),
    output: z.null(),
    access: 'session',
    whileLocked: true,
  }),
};

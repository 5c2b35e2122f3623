// The encrypted store's lock: opening it with a passphrase where no OS keychain holds the key.
import { z } from 'zod';
import { channel } from './channel';
import { reauth } from './auth';
import { noInput } from './common';

export const storeStatus = z.object({
  /** open: ready; needs_passphrase: existing store, ask for it; new_passphrase: first run, choose one. */
  state: z.enum(['open', 'needs_passphrase', 'new_passphrase']),
  /** Set when the open store is behind what this desk had saved or the sync server confirmed: stop collecting. */
  lostRecords: z.string().optional(),
});
export type StoreStatus = z.infer<typeof storeStatus>;

const passphrase = z.string({ error: 'must be text' }).min(12, 'must be at least 12 characters').max(1024, 'is too long');

export const storeChannels = {
  'store.status': channel({ input: noInput, output: storeStatus, access: 'public', whileLocked: true }),
  'store.unlock': channel({
    input: z.strictObject({ passphrase: z.string({ error: 'must be text' }).min(1, 'is required').max(1024) }),
    output: storeStatus,
    access: 'public',
  }),
  'store.createPassphrase': channel({
    input: z.strictObject({ passphrase }),
    output: storeStatus,
    access: 'public',
  }),
  /**
   * Changes the database key (admin, with their password and code again): a new random key kept in the keychain, or — where
   * the store opens with a passphrase — the new passphrase, which is then required.
   */
  'store.rekey': channel({
    input: z.strictObject({ reauth, newPassphrase: passphrase.optional() }),
    output: storeStatus,
    access: ['admin'],
  }),
};

// The store area's channels: the encrypted store's state, its passphrase, and a new key (rekey).
import type { storeChannels } from '../../shared/contract/store';
import { AppError } from '../../shared/contract/errors';
import { rewrapBackupKey } from '../background/backup-jobs';
import type { EncryptedStore } from '../db/encrypted-store';
import type { SettingsStore } from '../desk-settings';
import { type HandlersOf, requireSession } from '../ipc/router';
import { recordAuditAlone } from '../services/audit';
import { reauthenticate } from '../services/auth';
import type { ServiceDeps } from '../services/context';

export interface StoreEnv {
  deps: ServiceDeps;
  store: EncryptedStore;
  settings: SettingsStore;
  /** A backup or a restore is under way. */
  backupBusy(): boolean;
  /** Runs `work` with nothing else on the store's file: no sync round, no worker connection, no transaction in flight. */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
}

export function storeHandlers(env: StoreEnv): HandlersOf<typeof storeChannels> {
  const { deps, store } = env;
  return {
    'store.status': async () => store.status(),
    'store.unlock': async ({ passphrase }) => (await store.unlock(passphrase), store.status()),
    'store.createPassphrase': async ({ passphrase }) => (await store.createPassphrase(passphrase), store.status()),
    'store.rekey': async ({ reauth, newPassphrase }, call) => {
      const session = requireSession(call);
      await reauthenticate(deps, session, reauth);
      if (store.usesPassphrase() && !newPassphrase) {
        throw new AppError(
          'invalid_input',
          'is required: this store opens with a passphrase, so a new key means a new passphrase',
          'newPassphrase',
        );
      }
      if (!store.usesPassphrase() && newPassphrase) {
        throw new AppError(
          'invalid_input',
          "is not used: this store's key is kept in the system keychain, and a new random key replaces it",
          'newPassphrase',
        );
      }
      if (env.backupBusy()) throw new AppError('conflict', 'a backup or restore is under way: change the key when it has finished');
      await env.exclusively(async () => {
        const oldKey = store.current().key;
        await store.rotateKey(newPassphrase);
        rewrapBackupKey(env.settings, oldKey, store.current().key);
      });
      await recordAuditAlone(deps, {
        actorId: session.userId,
        action: 'store.rekeyed',
        entity: 'store',
        entityId: null,
        after: { passphrase: newPassphrase !== undefined },
      });
      return store.status();
    },
  };
}

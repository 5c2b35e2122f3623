// The store's lifecycle: closed until its key is had (from the keychain or a passphrase), then open.
import { existsSync } from 'node:fs';
import type { StoreStatus } from '../../shared/contract/store';
import { AppError } from '../../shared/contract/errors';
import type { KeyStore } from './key-store';
import { type OpenedStore, openStore, rekey } from './open';

export interface EncryptedStore {
  status(): StoreStatus;
  /** Opens with the keychain's key where there is one; otherwise leaves the store closed. */
  openAutomatically(): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  createPassphrase(passphrase: string): Promise<void>;
  /** Changes the database key (a new random key, or a new passphrase in passphrase mode). */
  rotateKey(newPassphrase?: string): Promise<void>;
  /** True where the store opens with a passphrase (no OS keychain holds its key). */
  usesPassphrase(): boolean;
  /** Opens again with the key it last opened with, after `close` (a restore swapped the file). */
  reopen(): Promise<void>;
  /** The open store, or `store_locked`. */
  current(): OpenedStore;
  close(): Promise<void>;
}

/** `onOpen` runs once the store is open (to register SQL functions on the connection). */
export function createEncryptedStore(path: string, keys: KeyStore, onOpen: (store: OpenedStore) => void = () => {}): EncryptedStore {
  let opened: OpenedStore | null = null;
  let lastKey: Buffer | null = null;
  const open = async (key: Buffer) => {
    const store = await openStore(path, key);
    onOpen(store);
    opened = store;
    lastKey = key;
  };

  /** Tries the current key, then a pending one left by an interrupted rotation. */
  const openWith = async (candidates: Buffer[]): Promise<void> => {
    for (const [index, key] of candidates.entries()) {
      try {
        await open(key);
      } catch (err) {
        if (err instanceof AppError && err.code === 'wrong_key' && index < candidates.length - 1) continue;
        throw err;
      }
      if (index > 0) keys.completeRotation();
      else if (keys.hasPendingRotation()) keys.abandonRotation();
      return;
    }
  };

  const state = () => keys.state(existsSync(path));

  return {
    status() {
      if (opened) return { state: 'open' };
      const s = state();
      return { state: s === 'automatic' ? 'needs_passphrase' : s };
    },

    async openAutomatically() {
      if (opened || state() !== 'automatic') return;
      await openWith(keys.automaticKeys());
    },

    async unlock(passphrase) {
      if (opened) return;
      if (state() !== 'needs_passphrase') {
        throw new AppError('conflict', 'this store is not opened with a passphrase', 'passphrase');
      }
      try {
        await openWith(await keys.passphraseKeys(passphrase));
      } catch (err) {
        if (err instanceof AppError && err.code === 'wrong_key') {
          throw new AppError('wrong_key', 'the passphrase does not open this store', 'passphrase');
        }
        throw err;
      }
    },

    async createPassphrase(passphrase) {
      if (opened || state() !== 'new_passphrase') {
        throw new AppError('conflict', 'a passphrase has already been set for this store', 'passphrase');
      }
      await open(await keys.createPassphraseKey(passphrase));
    },

    async rotateKey(newPassphrase) {
      const store = this.current();
      const key = await keys.prepareRotation(newPassphrase);
      rekey(store.raw, key);
      store.key = key;
      lastKey = key;
      keys.completeRotation();
    },

    usesPassphrase: () => state() !== 'automatic',

    async reopen() {
      if (opened) return;
      if (!lastKey) throw new AppError('store_locked', 'the database is locked: enter the store passphrase first');
      await open(lastKey);
    },

    current() {
      if (!opened) throw new AppError('store_locked', 'the database is locked: enter the store passphrase first');
      return opened;
    },

    async close() {
      const o = opened;
      opened = null;
      await o?.close();
    },
  };
}

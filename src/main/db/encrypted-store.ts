// The store's lifecycle: closed until its key is had (from the keychain or a passphrase), then open.
import { existsSync } from 'node:fs';
import type { StoreStatus } from '../../shared/contract/store';
import { AppError } from '../../shared/contract/errors';
import type { KeyStore } from './key-store';
import { type OpenedStore, openStore, rekey } from './open';
import { checkAgainstMark, type LostRecords, type MarkFile, markPathOf, openMarkFile } from './receipt-mark';

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

export type StoreLog = (level: 'error' | 'warn', message: string, err?: unknown) => void;

/**
 * `onOpen` runs once the store is open (to register SQL functions on the connection). `log` hears what the person must
 * not miss: a store that has lost records it had (receipt-mark.ts), and a mark that could not be kept.
 */
export function createEncryptedStore(
  path: string,
  keys: KeyStore,
  onOpen: (store: OpenedStore) => void = () => {},
  log: StoreLog = () => {},
): EncryptedStore {
  let opened: OpenedStore | null = null;
  let lastKey: Buffer | null = null;
  let lost: LostRecords | null = null;
  /** The store's high-water mark; a mark that cannot be kept is logged, never a reason to keep the store shut. */
  const openMark = (): MarkFile | null => {
    try {
      return openMarkFile(markPathOf(path));
    } catch (err) {
      log('error', `could not open the store's high-water mark (${markPathOf(path)}): a store that lost records would not be noticed`, err);
      return null;
    }
  };

  const open = async (key: Buffer) => {
    const mark = openMark();
    let store: OpenedStore | null = null;
    // Every commit after the open raises the mark before the action answers (and before its receipt prints).
    const committed = () => {
      if (!mark || !store || opened !== store) return;
      try {
        mark.follow(store.raw);
      } catch (err) {
        log('error', "could not keep the store's high-water mark beside it: a store that lost records would not be noticed", err);
      }
    };
    try {
      store = await openStore(path, key, { committed });
      onOpen(store);
    } catch (err) {
      await store?.close();
      mark?.close();
      throw err;
    }
    lost = null;
    try {
      if (mark) lost = checkAgainstMark(store.raw, mark, (message, err) => log('error', message, err));
    } catch (err) {
      log('error', 'could not compare the store with its high-water mark: a store that lost records would not be noticed', err);
    }
    if (lost) log('error', `STORE HAS LOST RECORDS: ${lost.message}`);
    const close = store.close;
    opened = Object.assign(store, { close: async () => (await close(), mark?.close()) });
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
      if (opened) return lost ? { state: 'open', lostRecords: lost.message } : { state: 'open' };
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

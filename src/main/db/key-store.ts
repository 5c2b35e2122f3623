// Where the store's key comes from: a random key wrapped by the OS keychain, or, where the OS
// offers none, a key derived from a passphrase the user types. Both live in the settings store.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';
import { deriveKey, newSalt, OWASP_SCRYPT, type ScryptCost } from '../kdf';
import type { SettingsStore } from '../desk-settings';
import { KEY_BYTES } from './open';

/** The OS keychain edge (Electron safeStorage in the shell). */
export interface KeyWrapper {
  /** False where the OS has no real keychain (Linux basic_text, or none). */
  available(): boolean;
  wrap(plain: Buffer): Buffer;
  unwrap(wrapped: Buffer): Buffer;
}

const KEYCHAIN_ONLY =
  "this desk's database key is kept in the system keychain, which only the FeeDesk desktop app can reach: open FeeDesk as the desktop app (the installed FeeDesk, or npm start where Electron can run)";

/** Browser mode in plain Node: no OS keychain (only Electron's safeStorage reaches it), so a new store takes a passphrase. */
export const NO_KEYCHAIN: KeyWrapper = {
  available: () => false,
  wrap: () => {
    throw new AppError('conflict', KEYCHAIN_ONLY);
  },
  unwrap: () => {
    throw new AppError('conflict', KEYCHAIN_ONLY);
  },
};

type Mode = 'keychain' | 'passphrase';
export type KeyState = 'automatic' | 'needs_passphrase' | 'new_passphrase';

const S = {
  mode: 'store.keyMode',
  wrapped: 'store.wrappedKey',
  pendingWrapped: 'store.pendingWrappedKey',
  salt: 'store.passphraseSalt',
  pendingSalt: 'store.pendingPassphraseSalt',
} as const;

export interface KeyStore {
  state(storeExists: boolean): KeyState;
  /** Keychain mode: the keys to try, current first; creates and wraps one on first run. */
  automaticKeys(): Buffer[];
  /** Passphrase mode: the keys to try for this passphrase, current salt first. */
  passphraseKeys(passphrase: string): Promise<Buffer[]>;
  /** First run without a keychain: chooses the salt for a new passphrase and returns the key. */
  createPassphraseKey(passphrase: string): Promise<Buffer>;
  /** Records a new key as pending before the store is rekeyed, so a crash mid-way loses nothing. */
  prepareRotation(newPassphrase?: string): Promise<Buffer>;
  /** Makes the pending key current once the store has been rekeyed (or proven to open with it). */
  completeRotation(): void;
  /** Forgets a pending key the store was never rekeyed to. */
  abandonRotation(): void;
  hasPendingRotation(): boolean;
}

export function createKeyStore(wrapper: KeyWrapper, settings: SettingsStore, cost: ScryptCost = OWASP_SCRYPT): KeyStore {
  const b64 = (key: string): Buffer | null => {
    const v = settings.get(key);
    return typeof v === 'string' ? Buffer.from(v, 'base64') : null;
  };
  const mode = (): Mode | null => {
    const m = settings.get(S.mode);
    return m === 'keychain' || m === 'passphrase' ? m : null;
  };

  return {
    state(storeExists) {
      const m = mode() ?? (wrapper.available() ? 'keychain' : 'passphrase');
      if (m === 'keychain') return 'automatic';
      return storeExists && b64(S.salt) ? 'needs_passphrase' : 'new_passphrase';
    },

    automaticKeys() {
      const wrapped = b64(S.wrapped);
      if (!wrapped) {
        const key = randomBytes(KEY_BYTES);
        settings.set(S.wrapped, wrapper.wrap(key).toString('base64'));
        settings.set(S.mode, 'keychain');
        return [key];
      }
      const pending = b64(S.pendingWrapped);
      return [wrapper.unwrap(wrapped), ...(pending ? [wrapper.unwrap(pending)] : [])];
    },

    async passphraseKeys(passphrase) {
      const salt = b64(S.salt);
      if (!salt) throw new AppError('not_found', 'no passphrase has been set for this store', 'passphrase');
      const pending = b64(S.pendingSalt);
      const keys = [await deriveKey(passphrase, salt, cost)];
      if (pending) keys.push(await deriveKey(passphrase, pending, cost));
      return keys;
    },

    async createPassphraseKey(passphrase) {
      const salt = newSalt();
      settings.set(S.salt, salt.toString('base64'));
      settings.set(S.mode, 'passphrase');
      return deriveKey(passphrase, salt, cost);
    },

    async prepareRotation(newPassphrase) {
      if (mode() === 'passphrase') {
        if (!newPassphrase) throw new AppError('invalid_input', 'a new passphrase is required', 'passphrase');
        const salt = newSalt();
        settings.set(S.pendingSalt, salt.toString('base64'));
        return deriveKey(newPassphrase, salt, cost);
      }
      const key = randomBytes(KEY_BYTES);
      settings.set(S.pendingWrapped, wrapper.wrap(key).toString('base64'));
      return key;
    },

    completeRotation() {
      const [current, pending] = mode() === 'passphrase' ? [S.salt, S.pendingSalt] : [S.wrapped, S.pendingWrapped];
      const value = settings.get(pending);
      if (typeof value !== 'string') return;
      settings.set(current, value);
      settings.delete(pending);
    },

    abandonRotation() {
      settings.delete(S.pendingWrapped);
      settings.delete(S.pendingSalt);
    },

    hasPendingRotation() {
      return b64(S.pendingWrapped) !== null || b64(S.pendingSalt) !== null;
    },
  };
}

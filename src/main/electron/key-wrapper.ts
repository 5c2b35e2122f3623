// The OS keychain through Electron safeStorage. Linux's basic_text backend is not a keychain.
import { safeStorage } from 'electron';
import type { KeyWrapper } from '../db/key-store';

export function createSafeStorageKeyWrapper(): KeyWrapper {
  return {
    available() {
      if (!safeStorage.isEncryptionAvailable()) return false;
      return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
    },
    wrap: (plain) => safeStorage.encryptString(plain.toString('base64')),
    unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
  };
}

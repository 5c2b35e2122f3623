// Desk settings in electron-store (which only loads inside Electron).
import ElectronStore from 'electron-store';
import type { SettingsStore } from '../desk-settings';

export function createElectronSettingsStore(): SettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({ name: 'feedesk-settings' });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}

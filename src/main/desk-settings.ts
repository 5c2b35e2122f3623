// The desk's local settings (not secrets, not school data): a small key/value interface.
// The Electron shell backs it with electron-store; Node and tests with a JSON file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** A JSON file written atomically (temp file + rename), so a crash never leaves half a file. */
export function createFileSettingsStore(path: string): SettingsStore {
  const read = (): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`settings file ${path} is unreadable: ${(err as Error).message}`, { cause: err });
    }
  };
  const write = (data: Record<string, unknown>): void => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    renameSync(tmp, path);
  };
  return {
    get: (key) => read()[key],
    set: (key, value) => write({ ...read(), [key]: value }),
    delete: (key) => {
      const data = read();
      delete data[key];
      write(data);
    },
  };
}

// Restoring a backup without opening the store first (FeeDesk --restore-backup=FOLDER): for a store too damaged to
// open, or a new computer. The same checks as the Backups screen; the store it replaces is kept aside.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import type { KeyStore } from '../db/key-store';
import { openStore } from '../db/open';
import { deriveKey } from '../kdf';
import { recordAudit } from '../services/audit';
import type { Clock, IdSource } from '../services/context';
import { checkKey, prepareRestore, readManifest, swapIn } from './files';

export interface OfflineRestore {
  dbPath: string;
  keys: KeyStore;
  folder: string;
  backupPassphrase: string;
  /** Where the store opens with a passphrase: the one the restored store will open with. */
  storePassphrase?: string;
  clock: Clock;
  ids: IdSource;
}

/** Whether the restore will ask for a store passphrase (no OS keychain holds the store's key). */
export const restoreNeedsStorePassphrase = (dbPath: string, keys: KeyStore) => keys.state(existsSync(dbPath)) !== 'automatic';

/** The key the restored store gets: the keychain's, or one from the passphrase (made current only once restored). */
async function liveKeyFor(r: OfflineRestore): Promise<{ key: Buffer; done(): void; abandon(): void }> {
  const state = r.keys.state(existsSync(r.dbPath));
  const nothing = () => {};
  if (state === 'automatic') return { key: r.keys.automaticKeys()[0]!, done: nothing, abandon: nothing };
  if (!r.storePassphrase || r.storePassphrase.length < 12) {
    throw new AppError('invalid_input', 'must be at least 12 characters: the restored store opens with it', 'storePassphrase');
  }
  if (state === 'new_passphrase') return { key: await r.keys.createPassphraseKey(r.storePassphrase), done: nothing, abandon: nothing };
  return {
    key: await r.keys.prepareRotation(r.storePassphrase),
    done: () => r.keys.completeRotation(),
    abandon: () => r.keys.abandonRotation(),
  };
}

export async function restoreOffline(r: OfflineRestore): Promise<{ createdAt: string; keptAside: string | null }> {
  const manifest = readManifest(r.folder);
  const backupKey = await deriveKey(r.backupPassphrase, Buffer.from(manifest.kdf.salt, 'hex'), manifest.kdf);
  checkKey(manifest, backupKey);
  const live = await liveKeyFor(r);
  const target = `${r.dbPath}.restoring`;
  try {
    await prepareRestore(r.folder, backupKey, live.key, target);
    const stamp = r.clock
      .now()
      .toISOString()
      .replaceAll(':', '-')
      .replace(/\.\d+Z$/, 'Z');
    const keptAside = existsSync(r.dbPath) ? join(dirname(r.dbPath), `${basename(r.dbPath)}.before-restore-${stamp}`) : null;
    const swapped = keptAside
      ? swapIn(r.dbPath, target, keptAside)
      : (renameSync(target, r.dbPath), { undo: () => renameSync(r.dbPath, target) });
    try {
      const store = await openStore(r.dbPath, live.key);
      try {
        await store.db.transaction().execute((tx) =>
          recordAudit(tx, r, {
            actorId: null,
            action: 'backup.restored',
            entity: 'backup',
            entityId: basename(r.folder),
            after: { from: r.folder, createdAt: manifest.createdAt, keptAside, by: 'maintenance' },
          }),
        );
      } finally {
        await store.close();
      }
    } catch (err) {
      swapped.undo();
      throw err;
    }
    live.done();
    return { createdAt: manifest.createdAt, keptAside };
  } catch (err) {
    live.abandon();
    throw err;
  } finally {
    rmSync(target, { force: true });
  }
}

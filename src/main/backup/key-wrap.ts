// The backup key kept in the desk's settings file wrapped (AES-256-GCM) under a key derived from the store's key: only
// an open store can back up unattended, and whoever has the settings file alone cannot read backups.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';

function wrappingKey(storeKey: Buffer | null): Buffer {
  if (!storeKey) throw new AppError('conflict', 'backups need an encrypted store');
  return Buffer.from(hkdfSync('sha256', storeKey, Buffer.alloc(0), 'feedesk backup key wrap', 32));
}

export function wrapBackupKey(backupKey: Buffer, storeKey: Buffer | null): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(storeKey), iv);
  const body = Buffer.concat([cipher.update(backupKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function unwrapBackupKey(wrapped: string, storeKey: Buffer | null): Buffer {
  const bytes = Buffer.from(wrapped, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey(storeKey), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  } catch {
    throw new AppError(
      'conflict',
      'the backup key could not be read (was the database key changed part-way?): enter the backup passphrase again under Backups',
    );
  }
}

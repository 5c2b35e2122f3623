// Memory-hard key derivation (scrypt at OWASP's recommended cost) for passwords and passphrases.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB). */
export const OWASP_SCRYPT: ScryptCost = { logN: 17, r: 8, p: 1 };

export function deriveKey(secret: string, salt: Buffer, cost: ScryptCost, length = 32): Promise<Buffer> {
  const N = 2 ** cost.logN;
  const maxmem = 128 * N * cost.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, length, { N, r: cost.r, p: cost.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export function newSalt(): Buffer {
  return randomBytes(16);
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

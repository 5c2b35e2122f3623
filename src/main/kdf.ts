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

/**
 * What is wrong with a scrypt cost read from a file (a backup's manifest), or null: whoever wrote the file chose it,
 * and a crafted one (a huge p or N) would hold the thread pool for minutes and every login behind it. FeeDesk writes
 * OWASP's cost (2^17, 8, 1) or less; up to twice that work and 512 MiB is taken.
 */
export function scryptCostProblem(cost: unknown): string | null {
  const c = cost as Partial<ScryptCost> | null;
  if (!c || typeof c !== 'object') return 'no cost';
  const whole = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (!whole(c.logN, 10, 20)) return `logN ${String(c.logN)} is outside 10–20`;
  if (!whole(c.r, 1, 32)) return `r ${String(c.r)} is outside 1–32`;
  if (!whole(c.p, 1, 16)) return `p ${String(c.p)} is outside 1–16`;
  const { logN, r, p } = c as ScryptCost;
  if (128 * 2 ** logN * r > 512 * 1024 * 1024) return 'it needs more than 512 MiB';
  if (2 ** logN * r * p > 2 * 2 ** OWASP_SCRYPT.logN * OWASP_SCRYPT.r * OWASP_SCRYPT.p)
    return 'it is more than twice the work FeeDesk uses';
  return null;
}

export function deriveKey(secret: string, salt: Buffer, cost: ScryptCost, length = 32): Promise<Buffer> {
  const N = 2 ** cost.logN;
  const maxmem = 128 * N * cost.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, length, { N, r: cost.r, p: cost.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function newSalt(): Buffer {
  return randomBytes(16);
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// RFC 6238 time-based one-time passwords (RFC 4226 HOTP over a 30-second counter), the secret in base32 (RFC 4648) as
// authenticator apps take it. A code is accepted in the step it belongs to or one step either side, and only once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;
export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new RangeError(`“${ch}” is not a base32 character`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226: the dynamically truncated HMAC of the counter, as `digits` decimal digits. */
export function hotp(secret: Buffer, counter: number, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const stepAt = (unixSeconds: number) => Math.floor(unixSeconds / STEP_SECONDS);

export const totp = (secret: Buffer, unixSeconds: number, digits = 6, algorithm: TotpAlgorithm = 'sha1') =>
  hotp(secret, stepAt(unixSeconds), digits, algorithm);

/** The step a code belongs to (now, or one step either side), or null. Compared in constant time. */
export function matchStep(secret: Buffer, code: string, unixSeconds: number, digits = 6): number | null {
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null;
  const now = stepAt(unixSeconds);
  for (const step of [now, now - 1, now + 1]) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step, digits)), Buffer.from(code))) return step;
  }
  return null;
}

export const newSecret = () => randomBytes(20);

/** The otpauth:// URI authenticator apps read from a QR code. */
export const otpauthUri = (issuer: string, account: string, secret: Buffer) =>
  `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${base32Encode(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${STEP_SECONDS}`;

/** Ten one-time recovery codes like "k7wq-3mzp" (base32, 40 bits each). */
export const newRecoveryCodes = () =>
  Array.from({ length: 10 }, () => {
    const code = base32Encode(randomBytes(5)).toLowerCase();
    return `${code.slice(0, 4)}-${code.slice(4, 8)}`;
  });

// Desk receipt keys as desks and the sync server both check them: a key's id, the proof a desk signs when it publishes
// its key, and an Ed25519 signature checked against a published public key. (The private half stays in the desk's
// store: src/main/services/desk-keys.ts.)
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/** Key id: the first 8 bytes of SHA-256 of the raw public key. */
export const keyIdOf = (rawPublic: Buffer) => createHash('sha256').update(rawPublic).digest().subarray(0, 8).toString('hex');

/** What a desk signs when it publishes its key: the key id and the desk code, under a label no receipt can carry. */
export const keyProofBytes = (keyId: string, deskCode: string) => Buffer.from(`FeeDesk desk key\n${keyId}\n${deskCode}`, 'utf8');

/** Public keys are immutable: parsed KeyObjects are kept by key id. */
const parsed = new Map<string, KeyObject>();

/** Checks an Ed25519 signature against a desk's raw public key (base64), as desks publish them. */
export function verifyWith(keyId: string, publicKeyBase64: string, signed: Buffer, signature: Buffer): boolean {
  let key = parsed.get(keyId);
  if (!key) {
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyBase64, 'base64').toString('base64url') },
      format: 'jwk',
    });
    parsed.set(keyId, key);
  }
  return verify(null, signed, key, signature);
}

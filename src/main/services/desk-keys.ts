// Each desk's Ed25519 key: made once, private half kept only in this encrypted store; signs receipts.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Store, Tx } from '../db/schema';
import type { Clock, IdSource } from './context';
import { enqueue } from './outbox';
import { keyIdOf, keyProofBytes, verifyWith } from '../../node-shared/receipt-keys';
import { claimBytes, packPayload, type ReceiptClaims, schoolIdBytes, unpackPayload } from '../../node-shared/receipt-qr';

const rawPublicOf = (key: KeyObject) => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');

/** Private keys are immutable: parsed KeyObjects are kept by key id. */
const parsed = new Map<string, KeyObject>();

/** Makes the desk's key pair on first use; its public half syncs so every desk and the server can verify receipts. */
export async function ensureDeskKey(tx: Tx, env: { clock: Clock; ids: IdSource }, deskCode: string): Promise<string> {
  const existing = await tx
    .selectFrom('desk_key')
    .select('key_id')
    .where('desk_code', '=', deskCode)
    .where('private_key', 'is not', null)
    .executeTakeFirst();
  if (existing) return existing.key_id;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicOf(publicKey);
  const keyId = keyIdOf(raw);
  // The proof shows the server this desk holds the private half: no one can publish (and so claim) a key id they only saw.
  const proof = sign(null, keyProofBytes(keyId, deskCode), privateKey).toString('base64');
  const published = {
    key_id: keyId,
    desk_code: deskCode,
    public_key: raw.toString('base64'),
    created_at: env.clock.now().toISOString(),
    proof,
  };
  await tx
    .insertInto('desk_key')
    .values({
      key_id: keyId,
      desk_code: deskCode,
      public_key: published.public_key,
      created_at: published.created_at,
      private_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    })
    .execute();
  await enqueue(tx, env, 'deskKeys.publish', published);
  return keyId;
}

/** Signs a receipt with this desk's key (creating it if an older store has none). */
export async function signReceipt(
  tx: Tx,
  env: { clock: Clock; ids: IdSource },
  deskCode: string,
  claims: Omit<ReceiptClaims, 'keyId' | 'schoolId'> & { schoolUuid: string },
): Promise<string> {
  const keyId = await ensureDeskKey(tx, env, deskCode);
  let key = parsed.get(`private:${keyId}`);
  if (!key) {
    const row = await tx.selectFrom('desk_key').select('private_key').where('key_id', '=', keyId).executeTakeFirstOrThrow();
    key = createPrivateKey({ key: Buffer.from(row.private_key!, 'base64'), format: 'der', type: 'pkcs8' });
    parsed.set(`private:${keyId}`, key);
  }
  const { schoolUuid, ...rest } = claims;
  const bytes = claimBytes({ ...rest, keyId, schoolId: schoolIdBytes(schoolUuid) });
  return packPayload(bytes, sign(null, bytes, key));
}

export type QrVerdict = 'valid' | 'tampered' | 'unknown_key' | 'malformed' | 'not_feedesk';

export interface QrCheck {
  verdict: QrVerdict;
  message: string;
  claims: (ReceiptClaims & { deskCode: string | null }) | null;
}

/** Checks a scanned or pasted code against the desk public keys this store knows. Never throws. */
export async function checkReceiptCode(db: Store | Tx, input: string): Promise<QrCheck> {
  const unpacked = unpackPayload(input);
  if (!unpacked.ok) return { verdict: unpacked.verdict, message: unpacked.message, claims: null };
  const { claims, signed, signature } = unpacked;
  const keyRow = await db.selectFrom('desk_key').select(['public_key', 'desk_code']).where('key_id', '=', claims.keyId).executeTakeFirst();
  if (!keyRow)
    return {
      verdict: 'unknown_key',
      message: `signed by a desk key this desk does not know (${claims.keyId}): sync, then try again`,
      claims: { ...claims, deskCode: null },
    };
  const ok = verifyWith(claims.keyId, keyRow.public_key, signed, signature);
  return ok
    ? { verdict: 'valid', message: `genuine receipt signed by desk ${keyRow.desk_code}`, claims: { ...claims, deskCode: keyRow.desk_code } }
    : {
        verdict: 'tampered',
        message: 'the signature does not match: this code was altered or forged',
        claims: { ...claims, deskCode: keyRow.desk_code },
      };
}

// The receipt QR payload: a compact binary record, Ed25519-signed, in base64url. Pure: no keys, no I/O.
//
//   0      version (1)
//   1..4   school id (first 4 bytes of the school's UUID)
//   5..12  desk key id (8 bytes)
//   13..14 date as days since 2000-01-01, uint16 big-endian
//   15..19 amount in minor units, uint40 big-endian
//   20..   receipt no. (1-byte length + UTF-8), admission no. (1-byte length + UTF-8)
//   last 64 bytes: Ed25519 signature over everything before it
// Every byte counts: the whole verify URL must fit a version-10 QR at error correction M.
export const QR_VERSION = 1;
const SIGNATURE_BYTES = 64;
export const QR_FIXED_BYTES = 20;
const FIXED = QR_FIXED_BYTES;
const EPOCH = Date.UTC(2000, 0, 1);
const DAY = 86_400_000;

export interface ReceiptClaims {
  schoolId: string;
  keyId: string;
  date: string;
  amount: number;
  receiptNo: string;
  admissionNo: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export function schoolIdBytes(schoolUuid: string): string {
  return schoolUuid.replaceAll('-', '').slice(0, 8).toLowerCase();
}

/** The bytes that get signed. */
export function claimBytes(c: ReceiptClaims): Buffer {
  const receipt = Buffer.from(c.receiptNo, 'utf8');
  const admission = Buffer.from(c.admissionNo, 'utf8');
  if (receipt.length > 255 || admission.length > 255) throw new RangeError('receipt or admission number too long for a QR');
  if (!/^[0-9a-f]{8}$/.test(c.schoolId) || !/^[0-9a-f]{16}$/.test(c.keyId))
    throw new RangeError('school id is 4 bytes and key id 8 bytes of hex');
  if (!Number.isSafeInteger(c.amount) || c.amount < 0 || c.amount >= 2 ** 40) throw new RangeError('amount out of range');
  const days = (Date.parse(`${c.date}T00:00:00Z`) - EPOCH) / DAY;
  if (!Number.isInteger(days) || days < 0 || days > 0xffff) throw new RangeError('date out of range');
  const head = Buffer.alloc(FIXED);
  head[0] = QR_VERSION;
  Buffer.from(c.schoolId, 'hex').copy(head, 1);
  Buffer.from(c.keyId, 'hex').copy(head, 5);
  head.writeUInt16BE(days, 13);
  head.writeUIntBE(c.amount, 15, 5);
  return Buffer.concat([head, Buffer.from([receipt.length]), receipt, Buffer.from([admission.length]), admission]);
}

export function packPayload(claims: Buffer, signature: Buffer): string {
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError('an Ed25519 signature is 64 bytes');
  return Buffer.concat([claims, signature]).toString('base64url');
}

export type Unpacked =
  | { ok: true; claims: ReceiptClaims; signed: Buffer; signature: Buffer }
  | { ok: false; verdict: 'not_feedesk' | 'malformed'; message: string };

/** Accepts the payload or the whole verify URL; never throws. */
export function unpackPayload(input: string): Unpacked {
  const text =
    input
      .trim()
      .split(/[/?#=]/)
      .filter(Boolean)
      .at(-1) ?? '';
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return { ok: false, verdict: 'not_feedesk', message: 'this is not a FeeDesk receipt code' };
  const bytes = Buffer.from(text, 'base64url');
  if (bytes[0] !== QR_VERSION) return { ok: false, verdict: 'not_feedesk', message: 'this is not a FeeDesk receipt code' };
  // Only the canonical spelling counts: two texts must never decode to one signed record.
  if (bytes.toString('base64url') !== text)
    return { ok: false, verdict: 'malformed', message: 'the code is damaged (not a valid encoding)' };
  if (bytes.length < FIXED + 2 + SIGNATURE_BYTES)
    return { ok: false, verdict: 'malformed', message: 'the code is too short: it may be cut off' };
  const rLen = bytes[FIXED]!;
  const aAt = FIXED + 1 + rLen;
  if (aAt >= bytes.length) return { ok: false, verdict: 'malformed', message: 'the code is damaged (receipt number runs past the end)' };
  const aLen = bytes[aAt]!;
  const end = aAt + 1 + aLen;
  if (end + SIGNATURE_BYTES !== bytes.length)
    return { ok: false, verdict: 'malformed', message: 'the code is damaged (its length does not add up)' };
  const date = new Date(EPOCH + bytes.readUInt16BE(13) * DAY).toISOString().slice(0, 10);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return {
      ok: true,
      claims: {
        schoolId: hex(bytes.subarray(1, 5)),
        keyId: hex(bytes.subarray(5, 13)),
        date,
        amount: bytes.readUIntBE(15, 5),
        receiptNo: decoder.decode(bytes.subarray(FIXED + 1, aAt)),
        admissionNo: decoder.decode(bytes.subarray(aAt + 1, end)),
      },
      signed: bytes.subarray(0, end),
      signature: bytes.subarray(end),
    };
  } catch {
    return { ok: false, verdict: 'malformed', message: 'the code is damaged (text is not UTF-8)' };
  }
}

// The receipt QR payload: a compact binary record, Ed25519-signed, in base64url. Pure: no keys, no I/O.
//
//   0      version (1)
//   1..8   school id (first 8 bytes of the school's UUID)
//   9..16  desk key id (8 bytes)
//   17..20 date as yyyymmdd, uint32 big-endian
//   21..26 amount in minor units, uint48 big-endian
//   27..   receipt no. (1-byte length + UTF-8), admission no. (1-byte length + UTF-8)
//   last 64 bytes: Ed25519 signature over everything before it
export const QR_VERSION = 1;
const SIGNATURE_BYTES = 64;
const FIXED = 27;

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
  return schoolUuid.replaceAll('-', '').slice(0, 16).toLowerCase();
}

/** The bytes that get signed. */
export function claimBytes(c: ReceiptClaims): Buffer {
  const receipt = Buffer.from(c.receiptNo, 'utf8');
  const admission = Buffer.from(c.admissionNo, 'utf8');
  if (receipt.length > 255 || admission.length > 255) throw new RangeError('receipt or admission number too long for a QR');
  if (!/^[0-9a-f]{16}$/.test(c.schoolId) || !/^[0-9a-f]{16}$/.test(c.keyId)) throw new RangeError('school and key ids are 8 bytes of hex');
  if (!Number.isSafeInteger(c.amount) || c.amount < 0 || c.amount >= 2 ** 48) throw new RangeError('amount out of range');
  const head = Buffer.alloc(FIXED);
  head[0] = QR_VERSION;
  Buffer.from(c.schoolId, 'hex').copy(head, 1);
  Buffer.from(c.keyId, 'hex').copy(head, 9);
  head.writeUInt32BE(Number(c.date.replaceAll('-', '')), 17);
  head.writeUIntBE(c.amount, 21, 6);
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
  const text = input.trim().split(/[/?#=]/).filter(Boolean).at(-1) ?? '';
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return { ok: false, verdict: 'not_feedesk', message: 'this is not a FeeDesk receipt code' };
  const bytes = Buffer.from(text, 'base64url');
  if (bytes[0] !== QR_VERSION) return { ok: false, verdict: 'not_feedesk', message: 'this is not a FeeDesk receipt code' };
  // Only the canonical spelling counts: two texts must never decode to one signed record.
  if (bytes.toString('base64url') !== text) return { ok: false, verdict: 'malformed', message: 'the code is damaged (not a valid encoding)' };
  if (bytes.length < FIXED + 2 + SIGNATURE_BYTES) return { ok: false, verdict: 'malformed', message: 'the code is too short: it may be cut off' };
  const rLen = bytes[FIXED]!;
  const aAt = FIXED + 1 + rLen;
  if (aAt >= bytes.length) return { ok: false, verdict: 'malformed', message: 'the code is damaged (receipt number runs past the end)' };
  const aLen = bytes[aAt]!;
  const end = aAt + 1 + aLen;
  if (end + SIGNATURE_BYTES !== bytes.length) return { ok: false, verdict: 'malformed', message: 'the code is damaged (its length does not add up)' };
  const rawDate = String(bytes.readUInt32BE(17));
  const date = `${rawDate.slice(0, 4)}-${rawDate.slice(4, 6)}-${rawDate.slice(6, 8)}`;
  if (!/^\d{8}$/.test(rawDate) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return { ok: false, verdict: 'malformed', message: 'the code is damaged (bad date)' };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return {
      ok: true,
      claims: {
        schoolId: hex(bytes.subarray(1, 9)),
        keyId: hex(bytes.subarray(9, 17)),
        date,
        amount: bytes.readUIntBE(21, 6),
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

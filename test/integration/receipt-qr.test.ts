// The signed receipt code: every tampered byte, truncation, foreign code or unknown key gets a clear verdict.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimBytes, packPayload, unpackPayload } from '../../src/node-shared/receipt-qr';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

let desk: TestDesk;
let payload: string;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const s = await admit(desk, school);
  const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 12_345_67, method: { mode: 'cash' } });
  payload = r.qr!;
});
afterAll(() => desk.close());

const verify = (code: string) => desk.ok('receipts.verify', { code });

describe('receipt code verification', () => {
  it('accepts the genuine code, bare or inside its verify URL', async () => {
    expect((await verify(payload)).verdict).toBe('valid');
    expect((await verify(`https://verify.feedesk.invalid/v/${payload}`)).verdict).toBe('valid');
    expect(payload.length).toBeLessThan(170);
  });

  it('rejects every single-byte change of the payload', async () => {
    const bytes = Buffer.from(payload, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const changed = Buffer.from(bytes);
        changed[i]! ^= flip;
        const result = await verify(changed.toString('base64url'));
        expect(result.verdict, `byte ${i} ^ ${flip}`).not.toBe('valid');
        expect(result.message.length).toBeGreaterThan(10);
      }
    }
  });

  it('rejects every single-character change of the text, including non-canonical spellings', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < payload.length; i++) {
      const other = alphabet[(alphabet.indexOf(payload[i]!) + 1) % alphabet.length]!;
      const changed = payload.slice(0, i) + other + payload.slice(i + 1);
      expect((await verify(changed)).verdict, `char ${i}`).not.toBe('valid');
    }
  });

  it('says a truncated code is cut off, and a foreign code is not a FeeDesk receipt', async () => {
    expect(await verify(payload.slice(0, 40))).toMatchObject({ verdict: 'malformed', claims: null });
    expect(await verify(payload.slice(0, -3))).toMatchObject({ verdict: 'malformed' });
    expect(await verify('https://example.com/some/other/qr?x=1')).toMatchObject({ verdict: 'not_feedesk' });
    expect(await verify('WIFI:S:school;T:WPA;P:secret;;')).toMatchObject({ verdict: 'not_feedesk' });
    expect(await verify(Buffer.from([2, ...Buffer.alloc(120)]).toString('base64url'))).toMatchObject({ verdict: 'not_feedesk' });
  });

  it('reports a code signed by a desk key it does not know', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const claims = unpackPayload(payload);
    if (!claims.ok) throw new Error('genuine payload did not unpack');
    const bytes = claimBytes({ ...claims.claims, keyId: '0123456789abcdef' });
    const forged = packPayload(bytes, sign(null, bytes, privateKey));
    expect(await verify(forged)).toMatchObject({ verdict: 'unknown_key', claims: { receiptNo: '2026-27/D01/000001' } });
  });

  it('flags a genuine signature over different claims as tampered (re-signed with a stolen id is not possible)', async () => {
    const unpacked = unpackPayload(payload);
    if (!unpacked.ok) throw new Error('genuine payload did not unpack');
    const altered = claimBytes({ ...unpacked.claims, amount: 99_999_99 });
    expect((await verify(packPayload(altered, unpacked.signature))).verdict).toBe('tampered');
  });
});

describe('QR size', () => {
  it('keeps every receipt QR at version 10 or below (error correction M), refusing settings that would not', async () => {
    const QRCode = (await import('qrcode')).default;
    const receipt = await desk.ok('payments.receipt', { paymentId: (await desk.ok('payments.list', { limit: 1 }))[0]!.paymentId });
    expect(QRCode.create(`https://verify.feedesk.invalid/v/${receipt.qr}`, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(10);
    const tooLong = await desk.call('settings.update', { verifyBaseUrl: 'https://fees.greenvalleypublicschool.example/verify/' });
    expect(tooLong.ok ? null : tooLong.error).toMatchObject({
      code: 'invalid_input',
      field: 'verifyBaseUrl',
      message: expect.stringContaining('too dense'),
    });
    expect((await desk.ok('settings.get')).verifyBaseUrl).toBe('https://verify.feedesk.invalid/v/');
    await desk.ok('settings.update', { verifyBaseUrl: 'https://gvs.example/v/' });
  });
});

// TOTP against RFC 6238's own test vectors (appendix B), base32 both ways, and the ±1 step window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchStep, newRecoveryCodes, otpauthUri, totp } from '../../src/main/services/totp-codes';

const SHA1 = Buffer.from('12345678901234567890');
const SHA256 = Buffer.from('12345678901234567890123456789012');
const SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

describe('TOTP (RFC 6238)', () => {
  it('gives the RFC 6238 appendix B codes for SHA-1, SHA-256 and SHA-512', () => {
    const vectors: [number, string, string, string][] = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    for (const [time, sha1, sha256, sha512] of vectors) {
      expect(totp(SHA1, time, 8, 'sha1')).toBe(sha1);
      expect(totp(SHA256, time, 8, 'sha256')).toBe(sha256);
      expect(totp(SHA512, time, 8, 'sha512')).toBe(sha512);
    }
  });

  it('gives the RFC 4226 appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => expect(hotp(SHA1, counter)).toBe(code));
  });

  it('accepts a code in its own step or one either side, and no further', () => {
    const now = 1_900_000_000;
    const code = totp(SHA1, now);
    expect(matchStep(SHA1, code, now)).toBe(Math.floor(now / 30));
    expect(matchStep(SHA1, code, now + 30)).toBe(Math.floor(now / 30));
    expect(matchStep(SHA1, code, now - 30)).toBe(Math.floor(now / 30));
    expect(matchStep(SHA1, code, now + 61)).toBeNull();
    expect(matchStep(SHA1, '12345', now)).toBeNull();
    expect(matchStep(SHA1, 'abcdef', now)).toBeNull();
  });

  it('encodes base32 as RFC 4648 does, and reads it back whatever the case and spacing', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    expect(base32Encode(SHA1)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) =>
        base32Decode(base32Encode(Buffer.from(bytes))).equals(Buffer.from(bytes)),
      ),
    );
    expect(() => base32Decode('ABC1')).toThrow(/not a base32 character/);
  });

  it('makes an otpauth URI and ten distinct recovery codes', () => {
    expect(otpauthUri('FeeDesk Green Valley', 'principal', SHA1)).toBe(
      'otpauth://totp/FeeDesk%20Green%20Valley:principal?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=FeeDesk%20Green%20Valley&algorithm=SHA1&digits=6&period=30',
    );
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}$/);
  });
});

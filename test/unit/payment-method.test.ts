// References as cashiers type them: spaces and dashes of a UTR dropped, stored one way; a wrong one named for its field.
import { describe, expect, it } from 'vitest';
import { paymentMethod } from '../../src/shared/contract/payments';

describe('payment method references', () => {
  it.each([
    ['407123456789', '407123456789'],
    ['4071 2345 6789', '407123456789'],
    ['  4071-2345-6789 ', '407123456789'],
    ['utr-axis 0001 2345', 'UTRAXIS00012345'],
  ])('takes the UPI reference %j as %j', (typed, stored) => {
    expect(paymentMethod.parse({ mode: 'upi', utr: typed })).toEqual({ mode: 'upi', utr: stored });
  });

  it('keeps the dashes a bank reference may carry, dropping only spaces', () => {
    expect(paymentMethod.parse({ mode: 'bank_transfer', reference: 'sbin-r5 2026 0405' })).toEqual({
      mode: 'bank_transfer',
      reference: 'SBIN-R520260405',
    });
  });

  it.each(['4071', 'UTR 4071 2345 6789 0000 1111 2222 3333', '4071_2345_6789', ''])(
    'refuses the UPI reference %j, naming the field',
    (typed) => {
      const result = paymentMethod.safeParse({ mode: 'upi', utr: typed });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]).toMatchObject({
        path: ['utr'],
        message: 'must be the 8–30 letters and digits of the UPI reference (UTR)',
      });
    },
  );

  it('refuses a reference that is not text', () => {
    const result = paymentMethod.safeParse({ mode: 'upi', utr: 407123456789 });
    expect(result.error!.issues[0]).toMatchObject({ path: ['utr'], message: 'must be the UPI reference (UTR)' });
  });
});

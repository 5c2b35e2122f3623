// A payment mode as people read it: one label everywhere, and in a sentence lower case unless it is an abbreviation.
import { describe, expect, it } from 'vitest';
import { paymentModeInText, paymentModeLabel } from '../../src/shared/contract/payments';

describe('payment mode in words', () => {
  it.each([
    ['cash', 'Cash', 'cash'],
    ['dd', 'Demand draft', 'demand draft'],
    ['upi', 'UPI', 'UPI'],
    ['bank_transfer', 'Bank transfer', 'bank transfer'],
    ['online', 'Online gateway', 'online gateway'],
  ])('names %j as %j, and %j within a sentence', (mode, label, inText) => {
    expect(paymentModeLabel(mode)).toBe(label);
    expect(paymentModeInText(mode)).toBe(inText);
  });

  it('shows a stored mode this version does not know as it is, not blank', () => {
    expect(paymentModeLabel('wallet')).toBe('wallet');
    expect(paymentModeInText('wallet')).toBe('wallet');
  });
});

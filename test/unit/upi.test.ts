// UPI payment links as NPCI's linking specification has them, and the checks on the school's UPI payee.
import { describe, expect, it } from 'vitest';
import { merchantCodeProblem, payeeNameProblem, upiAmount, upiIdProblem, upiPayLink } from '../../src/shared/domain/upi';

describe('UPI links', () => {
  it('carries payee, amount in rupees with two decimals, INR, the references, and spaces as %20', () => {
    const link = upiPayLink({
      payeeId: 'fees.gvs@sbi',
      payeeName: 'Green Valley School',
      merchantCode: '8211',
      amount: 1_500_00,
      reference: 'FDD01000042',
      note: 'GV-1023 FDD01000042',
    });
    expect(link).toBe(
      'upi://pay?pa=fees.gvs@sbi&pn=Green%20Valley%20School&mc=8211&tr=FDD01000042&tn=GV-1023%20FDD01000042&am=1500.00&cu=INR',
    );
    const url = new URL(link);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      pa: 'fees.gvs@sbi',
      pn: 'Green Valley School',
      mc: '8211',
      tr: 'FDD01000042',
      tn: 'GV-1023 FDD01000042',
      am: '1500.00',
      cu: 'INR',
    });
  });

  it('leaves out a merchant code the school does not have, and encodes what could break the link', () => {
    const link = upiPayLink({ payeeId: 'school@okaxis', payeeName: "St. Mary's & Co (Trust)", amount: 5, reference: 'R1', note: 'a=b&c' });
    expect(link).not.toContain('mc=');
    expect(Object.fromEntries(new URL(link).searchParams)).toMatchObject({ pn: "St. Mary's & Co (Trust)", tn: 'a=b&c', am: '0.05' });
  });

  it('writes paise as rupees exactly, and refuses what is no amount to pay', () => {
    expect([1, 10, 100, 1_00_00_000_00, 12_345_67].map(upiAmount)).toEqual(['0.01', '0.10', '1.00', '10000000.00', '12345.67']);
    for (const bad of [0, -100, 1.5, Number.NaN]) expect(() => upiAmount(bad)).toThrow(/positive whole number of paise/);
  });
});

describe("the school's UPI payee", () => {
  it('takes a UPI ID as name@handle and says what is wrong with one that is not', () => {
    for (const ok of ['fees.gvs@sbi', 'school-1_a@okhdfcbank', 'gv@ybl']) expect(upiIdProblem(ok)).toBeNull();
    expect(upiIdProblem('feesgvs.sbi')).toMatch(/has no @/);
    expect(upiIdProblem('a@b@c')).toMatch(/more than one @/);
    expect(upiIdProblem('f@sbi')).toMatch(/before the @/);
    expect(upiIdProblem('fees gvs@sbi')).toMatch(/before the @/);
    expect(upiIdProblem('fees@')).toMatch(/after the @/);
  });

  it('takes payee names UPI apps show, in any script, and refuses symbols they reject', () => {
    for (const ok of ['Green Valley School', 'ग्रीन वैली स्कूल', "St. Mary's School (Trust), Pune"]) expect(payeeNameProblem(ok)).toBeNull();
    for (const bad of ['Green <Valley>', 'School #1', 'Fees 100%', 'School "GV"', 'School 🏫'])
      expect(payeeNameProblem(bad)).toMatch(/characters UPI apps refuse/);
    expect(merchantCodeProblem('8211')).toBeNull();
    expect(merchantCodeProblem('82110')).toMatch(/4 digits/);
  });
});

// The tax registration a receipt prints: a GSTIN is checked by its shape and its check character; elsewhere, as written.
import { describe, expect, it } from 'vitest';
import { gstinCheckCharacter, taxIdProblem } from '../../src/shared/domain/tax-id';

describe('a GSTIN', () => {
  it.each(['27AAPFU0939F1ZV', '27aapfu0939f1zv', ' 27AAPFU0939F1ZV '])('is taken when right (%j)', (id) => {
    expect(taxIdProblem(id, 'INR')).toBeNull();
  });

  it('has a check character that catches any one character mistyped', () => {
    const good = '27AAPFU0939F1ZV';
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 0; i < 14; i++) {
      for (const c of alphabet) {
        if (c === good[i]) continue;
        const typo = good.slice(0, i) + c + good.slice(i + 1);
        expect(gstinCheckCharacter(typo.slice(0, 14)) === typo[14] && taxIdProblem(typo, 'INR') === null).toBe(false);
      }
    }
  });

  it.each([
    ['27AAPFU0939F1ZA', 'has a wrong last (check) character: a character was mistyped'],
    ['27AAPFU0939', 'must be a GSTIN of 15 characters (this has 11)'],
    ['AAAPFU0939F1ZVX', /^is not a GSTIN/],
    ['27AAPFU0939F1XV', /^is not a GSTIN/],
  ])('is refused when wrong (%j), saying how', (id, problem) => {
    expect(taxIdProblem(id, 'INR')).toMatch(problem);
  });

  it('is not asked of a school outside India, whose number is taken as written', () => {
    expect(taxIdProblem('GB 123 4567 89', 'GBP')).toBeNull();
    expect(taxIdProblem('DE-123/456.789', 'EUR')).toBeNull();
    expect(taxIdProblem('VAT: 123!', 'EUR')).toMatch(/letters and digits/);
  });

  it('may be left empty', () => {
    expect(taxIdProblem('', 'INR')).toBeNull();
    expect(taxIdProblem('   ', 'INR')).toBeNull();
  });
});

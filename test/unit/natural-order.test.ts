// Classes and sections in the order a school lists them, not as text sorts them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classKey, compareClasses, compareClassNames, naturalCompare, naturalKey } from '../../src/shared/domain/natural-order';

describe('natural order of classes', () => {
  it('puts Class 3 before Class 10 and Class 12 last', () => {
    const names = ['Class 10', 'Class 3', 'Class 12', 'Class 1', 'Class 2', 'Class 11'];
    expect([...names].sort(compareClassNames())).toEqual(['Class 1', 'Class 2', 'Class 3', 'Class 10', 'Class 11', 'Class 12']);
  });

  it('puts play group, nursery, LKG and UKG before Class 1, whatever their spelling', () => {
    const names = ['Class 2', 'UKG', 'Class 1', 'Nursery', 'L.K.G.', 'Play Group', 'Pre-Nursery', 'Class 10'];
    expect([...names].reverse().sort(compareClassNames())).toEqual([
      'Play Group',
      'Pre-Nursery',
      'Nursery',
      'L.K.G.',
      'UKG',
      'Class 1',
      'Class 2',
      'Class 10',
    ]);
    expect(['Sr. KG', 'Jr. KG', 'KG'].sort(compareClassNames())).toEqual(['Jr. KG', 'KG', 'Sr. KG']);
  });

  it('reads Roman numerals as numbers (Class IX before Class X, Std. IV before Std. XII)', () => {
    expect(['Class X', 'Class IX', 'Class IV', 'Class I', 'Class XII'].sort(compareClassNames())).toEqual([
      'Class I',
      'Class IV',
      'Class IX',
      'Class X',
      'Class XII',
    ]);
    expect(['Std. XII', 'Std. IV', 'Std. V'].sort(compareClassNames())).toEqual(['Std. IV', 'Std. V', 'Std. XII']);
    expect(['XII', 'IV', 'V'].sort(compareClassNames())).toEqual(['IV', 'V', 'XII']);
    // Words that merely start with a numeral's letters are names, not numbers.
    expect(classKey('LKG').startsWith('2 ')).toBe(true);
    expect(classKey('Vidya')).toBe('9 vidya');
  });

  it('puts names without a number after the numbered classes, in natural order among themselves', () => {
    expect(['Alumni batch', 'Class 2', 'Nursery', 'Class 11'].sort(compareClassNames())).toEqual([
      'Nursery',
      'Class 2',
      'Class 11',
      'Alumni batch',
    ]);
  });

  it('keeps an explicit order first and names after it', () => {
    const classes = [
      { name: 'Class 10', sortOrder: 0 },
      { name: 'Class 3', sortOrder: 0 },
      { name: 'Toppers', sortOrder: -1 },
    ];
    expect([...classes].sort(compareClasses()).map((c) => c.name)).toEqual(['Toppers', 'Class 3', 'Class 10']);
  });

  it('orders any two numbered classes by their numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (a, b) => {
        const order = Math.sign(compareClassNames()(`Class ${a}`, `Class ${b}`));
        expect(order).toBe(Math.sign(a - b));
      }),
    );
  });
});

describe('natural order of other names', () => {
  it('pads number runs so that text order is number order', () => {
    expect(naturalKey('Section 2') < naturalKey('Section 10')).toBe(true);
    expect(naturalKey('A 007')).toBe(naturalKey('a 7'));
  });

  it('compares in the school locale with numbers as numbers', () => {
    expect(['10', '2', 'B', 'a'].sort(naturalCompare('en-IN'))).toEqual(['2', '10', 'a', 'B']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMapping, findHeader, normalizeHeader, type FieldSpec } from '../../src/main/imports/headers';
import type { Cell, SheetRow } from '../../src/main/imports/sheet';

const FIELDS: FieldSpec[] = [
  { key: 'admissionNo', label: 'Admission number', required: true, aliases: ['Adm No', 'Admission No', 'Roll No'] },
  { key: 'fullName', label: 'Full name', required: true, aliases: ['Student Name', 'Name'] },
  { key: 'className', label: 'Class', required: true, aliases: ['Std', 'Grade'] },
  { key: 'phone', label: 'Phone', required: true, aliases: ['Mobile', 'Mobile No', 'Contact'] },
  { key: 'phone2', label: 'Phone 2', required: false, aliases: ['Alternate Mobile'] },
  { key: 'dob', label: 'Date of birth', required: false, aliases: ['DOB'] },
];

const rows = (...values: Cell[][]): SheetRow[] => values.map((v, i) => ({ row: i + 1, values: v }));

describe('normalizeHeader', () => {
  it('ignores case, accents, spaces, punctuation and line breaks', () => {
    expect(normalizeHeader('Adm. No')).toBe('admno');
    expect(normalizeHeader('ADM_NO')).toBe('admno');
    expect(normalizeHeader('Student\nName')).toBe('studentname');
    expect(normalizeHeader('  Élève  ')).toBe('eleve');
    expect(normalizeHeader('Father’s / Guardian Name')).toBe('fathersguardianname');
  });

  it('keeps letters of any script', () => {
    expect(normalizeHeader('छात्र का नाम')).toBe('छात्रकानाम');
  });

  it('is idempotent and blind to case and surrounding punctuation', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const once = normalizeHeader(text);
        expect(normalizeHeader(once)).toBe(once);
        expect(normalizeHeader(`** ${text.toUpperCase()} (.)`)).toBe(normalizeHeader(text.toUpperCase()));
      }),
    );
  });
});

describe('findHeader', () => {
  it('maps each field to its column by label, key or alias', () => {
    const match = findHeader(rows(['Adm. No', 'Student Name', 'Std', 'Mobile', 'House']), FIELDS);
    expect(match).toEqual({
      headerRow: 1,
      columns: { admissionNo: 0, fullName: 1, className: 2, phone: 3, phone2: null, dob: null },
      unknown: ['House'],
      missing: [],
      required: ['admissionNo', 'fullName', 'className', 'phone'],
    });
    expect(findHeader(rows(['fullName', 'admissionNo', 'className', 'phone']), FIELDS).columns).toMatchObject({
      fullName: 0,
      admissionNo: 1,
    });
  });

  it('skips a title row and notes above the header, keeping the header’s row number in the file', () => {
    const sheet: SheetRow[] = [
      { row: 1, values: ['St. Mary’s School — Students 2026-27'] },
      { row: 2, values: ['Fill one row per student', null, 'Name'] },
      { row: 4, values: ['Adm.\nNo', 'Student\nName', 'Class', 'Mobile\n(Father)'] },
      { row: 5, values: ['A-1', 'Aarav', 'V', '9845012345'] },
    ];
    const match = findHeader(sheet, FIELDS);
    expect(match.headerRow).toBe(4);
    expect(match.columns).toMatchObject({ admissionNo: 0, fullName: 1, className: 2, phone: 3 });
  });

  it('reads a header with a note in brackets by its name', () => {
    const match = findHeader(rows(['Adm No', 'Name', 'Class', 'Mobile (Father)', 'DOB (DD/MM/YYYY)']), FIELDS);
    expect(match.columns).toMatchObject({ phone: 3, dob: 4 });
    expect(match.unknown).toEqual([]);
  });

  it('lists required fields without a column, and header texts no field reads', () => {
    const match = findHeader(rows(['Student Name', 'Section', '', 'Remarks']), FIELDS);
    expect(match.missing).toEqual(['admissionNo', 'className', 'phone']);
    expect(match.unknown).toEqual(['Section', 'Remarks']);
  });

  it('gives a column to one field only, and a field the first column that names it', () => {
    const match = findHeader(rows(['Mobile', 'Contact', 'Name']), FIELDS);
    expect(match.columns).toMatchObject({ phone: 0, fullName: 2, phone2: null });
    expect(match.unknown).toEqual(['Contact']);
  });

  it('looks no further than the first ten rows', () => {
    const sheet = rows(...Array.from({ length: 10 }, (_, i) => [`note ${i}`]), ['Adm No', 'Name', 'Class', 'Mobile']);
    const match = findHeader(sheet, FIELDS);
    expect(match.headerRow).toBe(1);
    expect(match.missing).toEqual(['admissionNo', 'fullName', 'className', 'phone']);
  });

  it('reads numbers and dates in a header row as their text', () => {
    const match = findHeader(rows(['Adm No', 2026, new Date(Date.UTC(2026, 3, 1))]), FIELDS);
    expect(match.unknown).toEqual(['2026', '2026-04-01']);
  });

  it('answers an empty file with every required field missing', () => {
    expect(findHeader([], FIELDS)).toMatchObject({ headerRow: 0, unknown: [], missing: ['admissionNo', 'fullName', 'className', 'phone'] });
  });
});

describe('applyMapping', () => {
  const headers = ['Adm No', 'Pupil', 'Class', 'Mobile', 'Alt Mobile'];
  const guessed = () => findHeader(rows(headers), FIELDS);

  it('gives a field the column the user chose, by its header text', () => {
    const match = applyMapping(guessed(), headers, { fullName: 'Pupil', phone2: 'alt mobile' });
    expect(match.columns).toMatchObject({ fullName: 1, phone2: 4 });
    expect(match.missing).toEqual([]);
    expect(match.unknown).toEqual([]);
  });

  it('takes a chosen column away from the field that had guessed it, and lists what that leaves missing', () => {
    const match = applyMapping(guessed(), headers, { phone2: 'Mobile' });
    expect(match.columns).toMatchObject({ phone: null, phone2: 3 });
    expect(match.missing).toEqual(['fullName', 'phone']);
  });

  it('leaves a field without a column when the user says so', () => {
    const match = applyMapping(guessed(), headers, { className: null });
    expect(match.columns.className).toBeNull();
    expect(match.missing).toContain('className');
    expect(match.unknown).toContain('Class');
  });

  it('refuses a header text the file does not have', () => {
    expect(() => applyMapping(guessed(), headers, { fullName: 'Student Name' })).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        field: 'mapping.fullName',
        message: '“Student Name” is not a column of the file (its columns: Adm No, Pupil, Class, Mobile, Alt Mobile)',
      }),
    );
  });

  it('refuses a field the import does not have, and one column for two fields', () => {
    expect(() => applyMapping(guessed(), headers, { fees: 'Class' })).toThrow(
      expect.objectContaining({ field: 'mapping.fees', message: 'fees is not a field of this import' }),
    );
    expect(() => applyMapping(guessed(), headers, { phone: 'Mobile', phone2: 'Mobile' })).toThrow(
      expect.objectContaining({ field: 'mapping.phone2', message: '“Mobile” is already chosen for phone' }),
    );
  });
});

// A students file's row: its columns and how one row is read (what it means for the school is students.ts's).
import type { CellError, ImportContext, Unparsed } from './importer';
import { cellsOf, field } from './importer';
import { normalizePhone, parseDate } from './values';

export interface StudentRecord {
  admissionNo: string;
  fullName: string;
  className: string;
  section: string | null;
  guardianName: string;
  phone: string;
  phone2: string | null;
  email: string | null;
  category: string | null;
  familyKey: string | null;
  joinedOn: string;
}

export const FIELDS = [
  field(
    'admissionNo',
    'Admission no.',
    true,
    ['adm no', 'admission number', 'admission_no', 'admno', 'scholar no'],
    'Unique per school: letters, digits and / . _ - (it is printed in every receipt QR).',
  ),
  field('fullName', 'Student name', true, ['name', 'full name', 'student', 'student full name'], 'As it should print on receipts.'),
  field(
    'className',
    'Class',
    true,
    ['grade', 'std', 'standard', 'class name'],
    'A class set up in Fee set-up, by name (see the Lists sheet).',
  ),
  field('section', 'Section', false, ['sec', 'division', 'div'], 'A section of that class, by name; empty for none.'),
  field(
    'guardianName',
    'Guardian',
    true,
    ['guardian name', 'father name', 'fathers name', 'parent', 'parent name'],
    'The parent or guardian letters are addressed to.',
  ),
  field(
    'phone',
    'Phone',
    true,
    ['mobile', 'mobile no', 'contact', 'phone number', 'contact no'],
    'Any common format; stored as +<country><number>.',
  ),
  field('phone2', 'Phone 2', false, ['alternate phone', 'other phone', 'mobile 2', 'alternate mobile'], 'Optional second number.'),
  field('email', 'Email', false, ['e-mail', 'email id', 'mail'], 'Optional.'),
  field(
    'category',
    'Category',
    false,
    ['quota', 'student category'],
    'A category set up in Fee set-up (staff child, RTE…), by name; empty for none.',
  ),
  field(
    'familyKey',
    'Family',
    false,
    ['family key', 'family id', 'sibling group', 'family name'],
    'Siblings share the same text here; it becomes the family’s name.',
  ),
  field(
    'joinedOn',
    'Joined on',
    true,
    ['date of admission', 'admission date', 'doa', 'joining date', 'joined'],
    'A date: 2026-04-01, 01/04/2026 or 1 Apr 2026 (day first).',
  ),
];

export const labelOf = (key: string) => FIELDS.find((f) => f.key === key)?.label ?? key;

const HOME_CODE = '+91';

/** Numbers of the school's own country are kept as their ten national digits (as the desk's forms keep them); others as +<code><number>. */
const storedPhone = (e164: string) =>
  e164.startsWith(HOME_CODE) && e164.length === HOME_CODE.length + 10 ? e164.slice(HOME_CODE.length) : e164;

export function parse(
  cells: Record<string, unknown>,
  _ctx: ImportContext,
): { record: StudentRecord; text: Record<string, string> } | Unparsed<StudentRecord> {
  const errors: CellError[] = [];
  const { text, required } = cellsOf(cells, FIELDS, errors);
  const phoneOf = (key: string, needed: boolean) => {
    const raw = needed ? required(key) : text(key);
    if (!raw) return null;
    const p = normalizePhone(cells[key] as never);
    if (!p.ok) {
      errors.push({ column: labelOf(key), value: raw, reason: p.reason });
      return null;
    }
    return storedPhone(p.value.normalized);
  };
  // In column order, so a row's errors read left to right.
  const admissionNo = required('admissionNo');
  const fullName = required('fullName');
  const className = required('className');
  const section = text('section');
  const guardianName = required('guardianName');
  const phone = phoneOf('phone', true) ?? '';
  const phone2 = phoneOf('phone2', false);
  const email = text('email');
  const category = text('category');
  const familyKey = text('familyKey');
  let joinedOn = '';
  const joinedText = required('joinedOn');
  if (joinedText) {
    const d = parseDate(cells['joinedOn'] as never);
    if (d.ok) joinedOn = d.value;
    else errors.push({ column: labelOf('joinedOn'), value: joinedText, reason: d.reason });
  }
  const record: StudentRecord = {
    admissionNo,
    fullName,
    className,
    section,
    guardianName,
    phone,
    phone2,
    email,
    category,
    familyKey,
    joinedOn,
  };
  if (errors.length > 0) return { errors, partial: record };
  const shown = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v ?? '']));
  return { record, text: shown };
}

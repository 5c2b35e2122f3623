// A school's tax registration as printed on its receipts. In India that is the GSTIN: 15 characters (state code, PAN,
// entity number, Z, check character) whose last character is a mod-36 checksum of the first 14 — a mistyped one is
// caught before it is printed on every receipt. Elsewhere the number is taken as written (letters, digits, - . / space).

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const GSTIN_SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/** The GSTIN's check character for its first 14 characters. */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = ALPHABET.indexOf(first14[i]!) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET[(36 - (sum % 36)) % 36]!;
}

/** What is wrong with a tax registration number for a school using this currency, or null. Empty means none. */
export function taxIdProblem(value: string, currency: string): string | null {
  const id = value.trim().toUpperCase();
  if (id === '') return null;
  if (currency !== 'INR')
    return /^[A-Z0-9][A-Z0-9 ./-]{0,29}$/.test(id) ? null : 'must be letters and digits (with - . / or spaces), at most 30';
  if (id.length !== 15) return `must be a GSTIN of 15 characters (this has ${id.length})`;
  if (!GSTIN_SHAPE.test(id))
    return 'is not a GSTIN: 2 digits of the state, the 10-character PAN, the entity number, Z, and a check character';
  if (gstinCheckCharacter(id.slice(0, 14)) !== id[14]) return 'has a wrong last (check) character: a character was mistyped';
  return null;
}

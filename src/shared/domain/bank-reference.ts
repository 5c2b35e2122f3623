// A bank reference as the books compare them: the UTR of a UPI payment, the reference of a bank transfer, the UTR or
// RRN a bank statement line carries. People and banks write them with spaces, dashes and slashes and in either case;
// the key is without them, in capitals. Payments keep theirs in a column worked out the same way (migration 0010).

/** The comparable form of a bank reference. */
export const bankKey = (reference: string): string => reference.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The bank reference a payment was recorded under, by its mode and references; null when it has none. */
export function paymentBankKey(mode: string, references: Readonly<Record<string, unknown>>): string | null {
  const ref = mode === 'upi' ? references['utr'] : mode === 'bank_transfer' ? references['reference'] : undefined;
  return typeof ref === 'string' && ref !== '' ? bankKey(ref) : null;
}

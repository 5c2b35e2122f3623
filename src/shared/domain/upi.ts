// UPI payment links (NPCI's UPI linking specification): `upi://pay?pa=…&pn=…&am=…&cu=INR&tr=…&tn=…`, which any UPI app
// opens from a QR code with the payee, amount and references filled in. The school's UPI ID should be a verified
// merchant one: NPCI's higher per-payment limit for education applies to verified merchants, and many apps refuse a
// preset amount to a personal UPI ID.

/** UPI moves Indian rupees only. */
export const UPI_CURRENCY = 'INR';

/** What UPI apps accept in a payee name as banks register it: letters, digits, spaces and a little punctuation. */
const PAYEE_NAME = /^[\p{L}\p{M}0-9 .,&'()-]+$/u;
export const MAX_PAYEE_NAME = 50;

/** Why a UPI ID (VPA, "name@bank") is not one, or null. */
export function upiIdProblem(id: string): string | null {
  if (!id.includes('@')) return 'is not a UPI ID: it has no @ (such as school@sbi)';
  const [handle, provider, ...more] = id.split('@');
  if (more.length > 0) return 'is not a UPI ID: it has more than one @';
  if (!handle || !/^[a-zA-Z0-9._-]{2,256}$/.test(handle))
    return 'is not a UPI ID: before the @ come letters, digits, dots, dashes or underscores';
  if (!provider || !/^[a-zA-Z][a-zA-Z0-9.-]{1,63}$/.test(provider))
    return "is not a UPI ID: after the @ comes the bank's or app's handle (such as sbi or okaxis)";
  return null;
}

/** Why a payee name would be refused by UPI apps, or null. */
export function payeeNameProblem(name: string): string | null {
  if (name.length > MAX_PAYEE_NAME) return `must be at most ${MAX_PAYEE_NAME} characters`;
  if (!PAYEE_NAME.test(name)) return "has characters UPI apps refuse: use letters, digits, spaces and . , & ' ( ) -";
  return null;
}

/** Why a merchant category code is not one, or null ("8211" is elementary and secondary schools). */
export function merchantCodeProblem(code: string): string | null {
  return /^\d{4}$/.test(code) ? null : 'must be a merchant category code of 4 digits (8211 for schools)';
}

export interface UpiPayment {
  /** The payee's UPI ID. */
  payeeId: string;
  payeeName: string;
  /** Merchant category code, when the school has one. */
  merchantCode?: string | undefined;
  /** Paise (INR minor units). */
  amount: number;
  /** The transaction reference: the slip's or the counter's, found again in the bank statement. */
  reference: string;
  /** The note the payer's bank carries into its narration. */
  note: string;
}

/** Percent-encodes a parameter value; spaces as %20, and the @ of a UPI ID kept as it is (some apps read it literally). */
const encode = (value: string) => encodeURIComponent(value).replace(/%40/g, '@');

/** Paise as rupees with two decimals ("1500.00"), as the `am` parameter takes it. */
export function upiAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new Error(`a UPI amount is a positive whole number of paise, not ${minor}`);
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** The `upi://pay` link a UPI QR code carries. */
export function upiPayLink(p: UpiPayment): string {
  const params: [string, string][] = [
    ['pa', p.payeeId],
    ['pn', p.payeeName],
    ...(p.merchantCode ? ([['mc', p.merchantCode]] as [string, string][]) : []),
    ['tr', p.reference],
    ['tn', p.note],
    ['am', upiAmount(p.amount)],
    ['cu', UPI_CURRENCY],
  ];
  return `upi://pay?${params.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
}

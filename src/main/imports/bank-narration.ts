// Reads what an Indian bank writes in a statement line's narration: how the money came (UPI, NEFT, IMPS, RTGS, cheque,
// cash) and the references a payment is matched by. The note of a UPI line is where the payer's app put the `tn` of
// FeeDesk's payment link (admission number and the slip's reference), so it is kept whole.

export type PaymentKind = 'upi' | 'neft' | 'imps' | 'rtgs' | 'cheque' | 'cash' | 'other';

export interface UpiDetails {
  ref: string | null;
  payerVpa: string | null;
  note: string | null;
}

export interface Narration {
  kind: PaymentKind;
  /** The UTR (UPI, NEFT, RTGS), the RRN (IMPS) or the cheque number. */
  ref: string | null;
  payerVpa: string | null;
  note: string | null;
}

const VPA = /^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}$/;
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
/** UPI UTRs and IMPS RRNs are twelve digits. */
const TWELVE_DIGITS = /^\d{12}$/;
/** NEFT UTRs are 16 characters (HDFCN52026041234, N123260012345678), RTGS ones 22: letters and many digits. */
const TRANSFER_UTR = /^(?=(?:[A-Z]*\d){8})[A-Z0-9]{12,22}$/;
/** Segments that mark a UPI line's direction or type, never its note. */
const UPI_MARKERS = new Set(['UPI', 'CR', 'DR', 'P2A', 'P2M', 'P2P', 'UPIAR', 'REV', 'RRN']);

const KINDS: [PaymentKind, RegExp][] = [
  ['upi', /\bUPI\b/i],
  ['imps', /\bIMPS\b/i],
  ['neft', /\bNEFT\b/i],
  ['rtgs', /\bRTGS\b/i],
  ['cheque', /\b(?:CHQ|CHEQUE|CLG|CLEARING|CTS|MICR)\b/i],
  ['cash', /\bCASH\b|\bCSH\s?DEP\b/i],
];

const blankToNull = (text: string | undefined): string | null => {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

const kindOf = (text: string): PaymentKind => KINDS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'other';

/** HDFC's dashed form: UPI-<payer name>-<vpa>-<payer bank IFSC>-<UTR>-<note>; the name and the note may hold dashes. */
const HDFC_UPI = /\bUPI-(.*?)-([^-\s@]+@[A-Za-z][A-Za-z0-9.]*)-([A-Z]{4}0[A-Z0-9]{6})-(\d{12})(?:-(.*))?$/;

/**
 * The slashed forms, with markers (CR, P2A) before the UTR: ICICI's UPI/<UTR>/<note>/<vpa>/<bank>/<id>, the note
 * right after the UTR; SBI's UPI/CR/<UTR>/<name>/<bank>/<vpa>/<note>, the note last, after the VPA (kept whole, slashes
 * and all). Without a VPA the note is taken to follow the UTR.
 */
function slashedUpi(text: string): UpiDetails {
  const start = text.search(/\bUPI\//i);
  const segments = (start >= 0 ? text.slice(start) : text).split('/').map((s) => s.trim());
  const refAt = segments.findIndex((s) => TWELVE_DIGITS.test(s));
  if (refAt < 0) return { ref: null, payerVpa: segments.find((s) => VPA.test(s)) ?? null, note: null };
  const vpaAt = segments.findIndex((s, i) => i > refAt && VPA.test(s));
  const payerVpa = vpaAt >= 0 ? segments[vpaAt]! : null;
  const noteAfterVpa = vpaAt > refAt + 2;
  const note = noteAfterVpa ? segments.slice(vpaAt + 1).join('/') : vpaAt === refAt + 1 ? '' : (segments[refAt + 1] ?? '');
  return { ref: segments[refAt]!, payerVpa, note: UPI_MARKERS.has(note.toUpperCase()) ? null : blankToNull(note) };
}

function upiDetails(text: string): UpiDetails {
  const dashed = HDFC_UPI.exec(text);
  if (dashed) return { ref: dashed[4]!, payerVpa: dashed[2]!, note: blankToNull(dashed[5]) };
  return slashedUpi(text);
}

const tokens = (text: string): string[] => text.split(/[\s/*:\-_,]+/).filter((t) => t !== '');

function transferRef(kind: PaymentKind, text: string): string | null {
  const all = tokens(text.toUpperCase());
  if (kind === 'imps') return all.find((t) => TWELVE_DIGITS.test(t)) ?? null;
  return all.find((t) => TRANSFER_UTR.test(t) && !IFSC.test(t)) ?? null;
}

/** A cheque's number: six digits, after CHQ NO / CHEQUE NO when the narration says so. */
function chequeNumber(text: string): string | null {
  const named = /\b(?:CHQ|CHEQUE)\s*(?:NO\.?|NUMBER|#)?\s*[:.-]?\s*(\d{6})\b/i.exec(text);
  return named?.[1] ?? /\b(\d{6})\b/.exec(text)?.[1] ?? null;
}

/** The kind of a statement line and whatever references its narration holds; null where it holds none. */
export function parseNarration(text: string): Narration {
  const kind = kindOf(text);
  if (kind === 'upi') return { kind, ...upiDetails(text) };
  if (kind === 'imps' || kind === 'neft' || kind === 'rtgs') return { kind, ref: transferRef(kind, text), payerVpa: null, note: null };
  if (kind === 'cheque') return { kind, ref: chequeNumber(text), payerVpa: null, note: null };
  return { kind, ref: null, payerVpa: null, note: null };
}

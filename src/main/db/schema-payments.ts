// Typed schema, the money side: receipt series, payments and their events, allocations, credit, receipt prints,
// desk keys, the collection facts the reports read, day close and cheque clearance.
import type { Generated } from 'kysely';

export interface ReceiptSeriesTable {
  desk_code: string;
  academic_year_id: string;
  last_seq: number;
}

export interface PaymentTable {
  id: string;
  receipt_no: string;
  desk_code: string;
  academic_year_id: string;
  seq: number;
  received_at: string;
  /** The desk's calendar day of the payment (YYYY-MM-DD), not UTC's. */
  business_date: string;
  cashier_id: string;
  student_id: string;
  family_id: string | null;
  amount: number;
  mode: string;
  reference_json: string;
  tendered: number | null;
  change_given: number | null;
  credit_used: number;
  credit_added: number;
  snapshot_json: string;
  /** The signed receipt QR payload (base64url), fixed at payment time. */
  qr: string | null;
}

export interface DeskKeyTable {
  key_id: string;
  desk_code: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  public_key: string;
  /** PKCS#8 DER, base64: only for this desk's own key. */
  private_key: string | null;
  created_at: string;
}

export interface ReceiptPrintTable {
  id: string;
  payment_id: string;
  at: string;
  by_user: string;
  copy_no: number;
  layout: string;
}

export interface AllocationTable {
  id: Generated<number>;
  payment_id: string;
  due_id: string;
  student_id: string;
  amount: number;
  event_id: string | null;
}

export interface PaymentEventTable {
  id: string;
  payment_id: string;
  kind: 'cancelled' | 'bounced';
  at: string;
  reason: string;
  by_user: string;
  approved_by: string | null;
  desk_code: string;
}

export interface CreditEntryTable {
  id: string;
  student_id: string;
  amount: number;
  kind: 'overpayment' | 'applied' | 'refund' | 'reversal';
  payment_id: string | null;
  event_id: string | null;
  at: string;
  note: string | null;
  approved_by: string | null;
}

/** Collections per day × desk × cashier × mode × head × class, kept by triggers (migration 0005). head_id '' is advance credit. */
export interface CollectionFactTable {
  day: string;
  desk_code: string;
  cashier_id: string;
  mode: string;
  head_id: string;
  class_id: string;
  collected: number;
  reversed: number;
  /** Money paid back on refund vouchers (a deposit's set-off of a due, negative: money moved in). */
  refunded: Generated<number>;
}

/** A refund voucher (append-only): money paid back, and a deposit's part set off against what is owed. */
export interface RefundTable {
  id: string;
  voucher_no: string;
  desk_code: string;
  academic_year_id: string;
  seq: number;
  at: string;
  business_date: string;
  student_id: string;
  kind: 'fee' | 'credit' | 'deposit';
  /** Paid out to the payer. */
  amount: number;
  /** Of a deposit, applied to dues still owed. */
  set_off: number;
  mode: string;
  reference_json: string;
  reason: string;
  by_user: string;
  approved_by: string;
  snapshot_json: string;
}

export interface RefundPrintTable {
  id: string;
  refund_id: string;
  at: string;
  by_user: string;
  copy_no: number;
}

export interface RefundSeriesTable {
  desk_code: string;
  academic_year_id: string;
  last_seq: number;
}

export interface DayCloseTable {
  id: string;
  desk_code: string;
  business_date: string;
  kind: 'closed' | 'reopened';
  at: string;
  by_user: string;
  expected_json: string | null;
  counted_json: string | null;
  denominations_json: string | null;
  variance: number | null;
  note: string | null;
}

export interface ChequeClearanceTable {
  payment_id: string;
  cleared_on: string;
  at: string;
  by_user: string;
  desk_code: string;
}

// Typed schema of the encrypted store, as the migrations leave it.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { ChainRow } from '../../node-shared/audit-chain';
import type { Role } from '../../shared/contract/channel';
import type {
  AllocationTable,
  ChequeClearanceTable,
  CollectionFactTable,
  CreditEntryTable,
  DayCloseTable,
  DeskKeyTable,
  PaymentEventTable,
  PaymentTable,
  ReceiptPrintTable,
  ReceiptSeriesTable,
  RefundPrintTable,
  RefundSeriesTable,
  RefundTable,
} from './schema-payments';
import type { OutboxTable, SyncAlertTable, SyncStateTable } from './schema-sync';
import type {
  ChargeInstallmentTable,
  ChargePlanTable,
  ChargeRateTable,
  ChargeStopTable,
  PromotionTable,
  RolloverTable,
  StudentChargeTable,
} from './schema-year';

export type * from './schema-payments';
export type * from './schema-sync';
export type * from './schema-year';

export interface SchoolTable {
  id: string;
  name: string;
  currency: string;
  locale: string;
  created_at: string;
}

/** This desk. One row: a store belongs to exactly one desk. */
export interface DeskTable {
  id: string;
  code: string;
  created_at: string;
}

/** School-wide policies as JSON values (idle lock minutes, …). */
export interface PolicyTable {
  key: string;
  value_json: string;
}

export interface UserTable {
  id: string;
  username: string;
  full_name: string;
  role: Role;
  password_hash: string;
  active: number;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

/** The audit trail: the columns the chain hashes (node-shared/audit-chain.ts), numbered by the store, and the two hashes. */
export interface AuditTable extends Omit<ChainRow, 'seq'> {
  seq: Generated<number>;
  /** The hash chain (services/audit-chain.ts): the previous row's hash, and SHA-256(prev_hash ‖ this row). */
  prev_hash: string | null;
  hash: string | null;
}

export interface UserTotpTable {
  user_id: string;
  /** base32 */
  secret: string;
  /** Null until the user has entered a first code from their app. */
  confirmed_at: string | null;
  /** The last time step a code was accepted for: a code is good once. */
  last_step: number;
  created_at: string;
}

export interface RecoveryCodeTable {
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

/** A signed point of the chain: (desk, sequence, head hash, time) signed with the desk's Ed25519 key. */
export interface AuditCheckpointTable {
  upto_seq: number;
  desk_code: string;
  head_hash: string;
  at: string;
  key_id: string;
  signature: string;
}

export interface AcademicYearTable {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  is_current: number;
  created_at: string;
  /** When the rollover into the next year closed it (no new structures or concessions; its dues stay collectible). */
  closed_at: string | null;
}

export interface ClassTable {
  id: string;
  name: string;
  sort_order: number;
}

export interface SectionTable {
  id: string;
  class_id: string;
  name: string;
}

export interface CategoryTable {
  id: string;
  name: string;
}

export interface FeeHeadTable {
  id: string;
  name: string;
  tax_rate_bp: number;
  system_code: string | null;
  sort_order: number;
  /** A refundable deposit (caution money): held for the student, never fee income. */
  deposit: Generated<number>;
}

export interface FamilyTable {
  id: string;
  name: string;
  created_at: string;
}

export type StudentStatus = 'active' | 'left' | 'alumni';

export interface StudentTable {
  id: string;
  admission_no: string;
  full_name: string;
  class_id: string;
  section_id: string | null;
  guardian_name: string;
  phone: string;
  phone2: string | null;
  email: string | null;
  category_id: string | null;
  family_id: string | null;
  status: StudentStatus;
  joined_on: string;
  left_on: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface StudentSearchTable {
  student_id: string;
  body: string;
}

export interface FeeStructureTable {
  id: string;
  academic_year_id: string;
  class_id: string;
  category_id: string | null;
  name: string;
  plan: string;
  fine_rule_json: string | null;
  assigned_at: string | null;
  created_at: string;
}

export interface InstallmentTable {
  id: string;
  structure_id: string;
  seq: number;
  label: string;
  due_on: string;
}

export interface StructureItemTable {
  installment_id: string;
  head_id: string;
  amount: number;
}

export type DueKind = 'fee' | 'fine' | 'bounce_charge';

export interface DueTable {
  id: string;
  student_id: string;
  academic_year_id: string;
  installment_id: string | null;
  head_id: string;
  kind: DueKind;
  due_on: string;
  amount: number;
  created_at: string;
  /** What created a fine or charge (the payment or event; a student's charge assignment). */
  source_id: string | null;
  /** A charge's own name for the due ("Transport — Oct", "Trip to Mysore"); fee dues take their installment's. */
  label?: string | null;
}

export interface ConcessionTable {
  id: string;
  academic_year_id: string;
  name: string;
  kind: 'percent' | 'fixed';
  value: number;
  target: 'student' | 'category' | 'sibling';
  student_id: string | null;
  category_id: string | null;
  sibling_rank: number | null;
  head_id: string | null;
  reason: string;
  requested_by: string;
  requested_at: string;
}

export interface ConcessionDecisionTable {
  concession_id: string;
  decision: 'approved' | 'rejected';
  decided_by: string;
  decided_at: string;
  note: string | null;
}

export interface DueConcessionTable {
  due_id: string;
  concession_id: string;
  amount: number;
}

export interface DueWaiverTable {
  id: string;
  due_id: string;
  amount: number;
  reason: string;
  approved_by: string | null;
  at: string;
}

/** A UPI reference, on a fee slip or shown at the counter (migration 0009). */
export interface UpiReferenceTable {
  ref: string;
  kind: 'slip' | 'counter';
  student_id: string;
  /** What the slip asks for, in minor units. */
  amount: number;
  /** The open items (due and fine keys) the amount covers, as JSON. */
  covers_json: string;
  issued_on: string;
  desk_code: string;
  seq: number;
  created_at: string;
}

/** A credit line of an imported bank statement: in the books as a payment once confirmed, else waiting. */
export interface BankLineTable {
  /** bankKey() of the line's reference, or 'L' and a fingerprint of a line without one. */
  key: string;
  account: string;
  line_date: string;
  amount: number;
  narration: string;
  kind: string;
  reference: string | null;
  payment_id: string | null;
  outcome: 'recorded' | 'confirmed' | 'cleared' | null;
  confirmed_at: string | null;
  by_user: string | null;
  desk_code: string | null;
  imported_at: string;
}

export interface DB {
  school: SchoolTable;
  desk: DeskTable;
  policy: PolicyTable;
  upi_reference: UpiReferenceTable;
  bank_line: BankLineTable;
  app_user: UserTable;
  audit_log: AuditTable;
  audit_checkpoint: AuditCheckpointTable;
  user_totp: UserTotpTable;
  recovery_code: RecoveryCodeTable;
  academic_year: AcademicYearTable;
  rollover: RolloverTable;
  charge_plan: ChargePlanTable;
  charge_installment: ChargeInstallmentTable;
  charge_stop: ChargeStopTable;
  charge_rate: ChargeRateTable;
  student_charge: StudentChargeTable;
  promotion: PromotionTable;
  class: ClassTable;
  section: SectionTable;
  category: CategoryTable;
  fee_head: FeeHeadTable;
  family: FamilyTable;
  student: StudentTable;
  student_search: StudentSearchTable;
  fee_structure: FeeStructureTable;
  installment: InstallmentTable;
  structure_item: StructureItemTable;
  due: DueTable;
  concession: ConcessionTable;
  concession_decision: ConcessionDecisionTable;
  due_concession: DueConcessionTable;
  due_waiver: DueWaiverTable;
  receipt_series: ReceiptSeriesTable;
  payment: PaymentTable;
  allocation: AllocationTable;
  payment_event: PaymentEventTable;
  credit_entry: CreditEntryTable;
  outbox: OutboxTable;
  desk_key: DeskKeyTable;
  receipt_print: ReceiptPrintTable;
  sync_state: SyncStateTable;
  sync_alert: SyncAlertTable;
  collection_fact: CollectionFactTable;
  refund: RefundTable;
  refund_series: RefundSeriesTable;
  refund_print: RefundPrintTable;
  day_close: DayCloseTable;
  cheque_clearance: ChequeClearanceTable;
}

export type Store = Kysely<DB>;
export type Tx = Transaction<DB>;

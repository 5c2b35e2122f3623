// Every migration, in order. Names are never renamed once released.
import type { Migration } from 'kysely/migration';
import * as foundation from './0001_foundation';
import * as fees from './0002_fees';
import * as receipts from './0003_receipts';
import * as sync from './0004_sync';
import * as reports from './0005_reports';
import * as auditChain from './0006_audit_chain';
import * as totp from './0007_totp';
import * as auditSync from './0008_audit_sync';
import * as upiReferences from './0009_upi_references';
import * as bankLines from './0010_bank_lines';
import * as schoolYear from './0011_school_year';
import * as studentCharges from './0012_student_charges';
import * as refunds from './0013_refunds';
import * as resyncOverpayments from './0014_resync_overpayments';
import * as leanDue from './0015_lean_due';

export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_fees': fees,
  '0003_receipts': receipts,
  '0004_sync': sync,
  '0005_reports': reports,
  '0006_audit_chain': auditChain,
  '0007_totp': totp,
  '0008_audit_sync': auditSync,
  '0009_upi_references': upiReferences,
  '0010_bank_lines': bankLines,
  '0011_school_year': schoolYear,
  '0012_student_charges': studentCharges,
  '0013_refunds': refunds,
  '0014_resync_overpayments': resyncOverpayments,
  '0015_lean_due': leanDue,
};

// An audit row as an auditor reads it: who, what in words with the record named, and the details formatted
// (money in the school's currency and locale, dates in words, times in the school's zone, ids as names).
import type { AuditEntry } from '../contract/audit';
import { isPaymentMode, PAYMENT_MODE_LABELS, paymentModeInText } from '../contract/payments';

/** The school's formats, as the screen has them (money from minor units, dates in words, instants in the school's zone). */
export interface Formatters {
  locale: string;
  money(minor: number): string;
  date(iso: string): string;
  dateTime(instant: string): string;
}

export interface DetailLine {
  label: string;
  value: string;
}

type Details = Record<string, unknown>;
const obj = (value: unknown): Details => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Details) : {});
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** "Asha Rao (asha)", or who acted when no one was signed in. */
export function who(entry: AuditEntry): { name: string; username: string | null } {
  if (entry.userFullName) return { name: entry.userFullName, username: entry.username };
  if (entry.username) return { name: entry.username, username: null };
  return { name: 'FeeDesk (no one signed in)', username: null };
}

/** The student a row concerns: "Aarav Sharma (adm. no. 1001, Class 3 A)". */
function studentOf(entry: AuditEntry): string | null {
  const s = entry.subject.student;
  if (!s) return null;
  return `${s.name} (adm. no. ${s.admissionNo}${s.className ? `, ${s.className}` : ''})`;
}

const quoted = (name: string | null) => (name ? `“${name}”` : '');
const join = (...parts: (string | null | false | undefined)[]) => parts.filter(Boolean).join(' ');

/** The action in words, with the record named: "Recorded payment of ₹1,500.00 by UPI from … — receipt FD/D01/2026/000001". */
export function describe(entry: AuditEntry, f: Formatters): string {
  const after = obj(entry.after);
  const before = obj(entry.before);
  const amount = (value: unknown) => (num(value) === null ? null : f.money(num(value)!));
  const student = studentOf(entry);
  const receipt = entry.subject.receiptNo ?? str(after['receiptNo']);
  const name = entry.subject.name;
  const receiptOf = receipt ? `receipt ${receipt}` : 'a receipt';
  const forStudent = student ? `for ${student}` : null;
  const reason = str(after['reason']);
  const because = reason ? `: “${reason}”` : '';
  const day = (value: unknown) => (str(value) ? f.date(str(value)!) : null);
  const person = (id: unknown) => (str(id) ? (entry.names[str(id)!] ?? null) : null);

  switch (entry.action) {
    case 'payments.record': {
      const mode = str(after['mode']);
      return join(
        `Recorded payment of ${amount(after['amount']) ?? 'an amount'}`,
        mode && `by ${paymentModeInText(mode)}`,
        student && `from ${student}`,
        `— ${receiptOf}`,
      );
    }
    case 'payments.cancel':
      return (
        join(`Cancelled ${receiptOf}`, student && `of ${student}`) +
        (person(after['approvedBy']) ? `, approved by ${person(after['approvedBy'])}` : '') +
        because
      );
    case 'payments.bounce':
      return (
        join(
          `Marked the cheque of ${receiptOf} bounced`,
          student && `(${student})`,
          num(after['charge']) ? `with a charge of ${amount(after['charge'])}` : null,
        ) + (str(after['bankReason']) ? `: “${str(after['bankReason'])}”` : '')
      );
    case 'payments.refundCredit':
      return join(`Refunded ${amount(after['refunded']) ?? 'credit'} of credit to`, student ?? 'a student') + because;
    case 'payments.waive': {
      const waived =
        num(before['balance']) !== null && num(after['balance']) !== null ? num(before['balance'])! - num(after['balance'])! : null;
      return join(`Waived ${waived === null ? 'a due' : f.money(waived)}`, name && `of ${name}`, forStudent) + because;
    }
    case 'receipts.print':
      return join(`Printed ${receiptOf}`, forStudent);
    case 'receipts.reprint':
      return join(`Reprinted ${receiptOf}`, forStudent, num(after['copyNo']) ? `(copy ${num(after['copyNo'])})` : null);
    case 'refunds.record':
      return (
        join(
          `Refunded ${amount(after['amount']) ?? 'an amount'}`,
          num(after['setOff']) ? `and set off ${amount(after['setOff'])}` : null,
          student && `to ${student}`,
          `— refund voucher ${str(after['voucherNo']) ?? ''}`,
        ) + because
      );
    case 'refunds.print':
    case 'refunds.reprint': {
      const copy = num(after['copyNo']);
      return join(
        copy !== null && copy > 1 ? 'Reprinted refund voucher' : 'Printed refund voucher',
        str(after['voucherNo']),
        copy !== null && copy > 1 && `(copy ${copy})`,
      );
    }
    case 'cheques.clear':
      return join(
        `Marked the cheque of ${receiptOf} cleared`,
        day(after['clearedOn']) && `on ${day(after['clearedOn'])}`,
        student && `(${student})`,
      );
    case 'concessions.request':
      return join(`Requested concession ${quoted(name)}`, forStudent) + because;
    case 'concessions.approve':
      return join(
        `Approved concession ${quoted(name)}`,
        forStudent,
        num(after['applied']) !== null && `(${amount(after['applied'])} taken off the dues)`,
      );
    case 'concessions.reject':
      return join(`Rejected concession ${quoted(name)}`, forStudent);
    case 'dayClose.close':
      return join(
        `Closed the day ${day(after['date']) ?? ''} on desk ${entry.deskCode}`,
        num(after['variance']) !== null && `(variance ${amount(after['variance'])})`,
      );
    case 'dayClose.reopen':
      return join(`Reopened the day ${day(after['date']) ?? ''} on desk ${entry.deskCode}`) + because;
    case 'students.create':
      return `Admitted ${student ?? 'a student'}`;
    case 'students.update':
      return `Edited the details of ${student ?? 'a student'}`;
    case 'students.leave':
      return join(
        `Marked ${student ?? 'a student'} as ${str(after['status']) === 'alumni' ? 'passed out' : 'left'}`,
        day(after['left_on'] ?? after['leftOn']) && `on ${day(after['left_on'] ?? after['leftOn'])}`,
      );
    case 'students.noDuesCertificate': {
      const copy = num(after['copyNo']);
      return join(
        copy !== null && copy > 1 ? 'Reprinted the no-dues certificate' : 'Issued the no-dues certificate',
        str(after['certificateNo']),
        `of ${student ?? 'a student'}`,
        copy !== null && copy > 1 && `(copy ${copy})`,
      );
    }
    case 'years.rollover':
      return join(
        `Rolled ${str(after['from']) ?? 'the year'} over into ${str(after['to']) ?? 'the next year'}`,
        num(after['promoted']) !== null &&
          `(${num(after['promoted'])} promoted, ${num(after['detained']) ?? 0} detained, ${num(after['left']) ?? 0} left, ${num(after['graduated']) ?? 0} graduated)`,
      );
    case 'charges.createPlan':
      return `Set up the charge plan ${quoted(name ?? str(after['name']))}`;
    case 'charges.assign':
      return join(
        `Put ${num(after['assigned']) ?? 'some'} student${num(after['assigned']) === 1 ? '' : 's'} on ${quoted(str(after['plan']))}`,
        day(after['startsOn']) && `from ${day(after['startsOn'])}`,
        num(after['amount']) !== null && `(${amount(after['amount'])} in dues)`,
      );
    case 'charges.stop':
      return (
        join(
          'Stopped a charge',
          day(after['stopsOn']) && `on ${day(after['stopsOn'])}`,
          num(after['amountWaived']) !== null && `(${amount(after['amountWaived'])} waived)`,
        ) + because
      );
    case 'charges.oneOff':
      return join(
        `Charged ${quoted(str(after['label']))}`,
        num(after['duesCreated']) !== null && `to ${num(after['duesCreated'])} student${num(after['duesCreated']) === 1 ? '' : 's'}`,
        num(after['amount']) !== null && `(${amount(after['amount'])} in all)`,
      );
    case 'masters.createYear':
      return `Created academic year ${name ?? str(after['name']) ?? ''}`.trim();
    case 'masters.setCurrentYear':
      return `Made ${name ?? str(after['name']) ?? 'a year'} the current academic year`;
    case 'masters.createClass':
      return `Created class ${name ?? str(after['name']) ?? ''}`.trim();
    case 'masters.addSection':
      return `Added a section to class ${name ?? str(after['name']) ?? ''}`.trim();
    case 'masters.createCategory':
      return `Created category ${quoted(name ?? str(after['name']))}`.trim();
    case 'masters.createHead':
      return `Created fee head ${quoted(name ?? str(after['name']))}`.trim();
    case 'structures.create':
      return `Created fee structure ${quoted(name)}`.trim();
    case 'structures.assign': {
      const created = num(after['created']) ?? num(after['duesCreated']);
      return join(`Assigned fee structure ${quoted(name)}`, created !== null && `(${created} ${created === 1 ? 'due' : 'dues'} created)`);
    }
    case 'users.create':
      return `Created user ${name ?? ''}`.trim();
    case 'users.deactivate':
      return `Deactivated user ${name ?? ''}`.trim();
    case 'users.reactivate':
      return `Reactivated user ${name ?? ''}`.trim();
    case 'users.resetPassword':
      return `Reset the password of ${name ?? 'a user'}`;
    case 'users.resetTotp':
      return `Turned off two-step sign-in for ${name ?? 'a user'}`;
    case 'users.emergencyReset':
      return `Emergency reset of ${name ?? 'a user'}`;
    case 'auth.login':
      return 'Signed in';
    case 'auth.logout':
      return 'Signed out';
    case 'auth.sessionExpired':
      return 'Was signed out: the session expired';
    case 'auth.unlock':
      return 'Unlocked the screen';
    case 'auth.lockedOut':
      return 'Account locked after repeated wrong passwords';
    case 'auth.loginFailed':
      return 'Failed to sign in (wrong password)';
    case 'auth.unlockFailed':
      return 'Failed to unlock the screen (wrong password)';
    case 'auth.reauthFailed':
      return 'Failed to confirm the password';
    case 'auth.approvalFailed':
      return 'Failed to approve (wrong approver password)';
    case 'auth.changePassword':
      return 'Changed their password';
    case 'auth.changePasswordFailed':
      return 'Failed to change their password (wrong current password)';
    case 'auth.totpEnabled':
      return 'Turned on two-step sign-in';
    case 'auth.totpFailed':
      return 'Failed two-step sign-in (wrong code)';
    case 'auth.totpReplayed':
      return 'Failed two-step sign-in (a code already used)';
    case 'auth.recoveryCodeUsed':
      return 'Signed in with a recovery code';
    case 'settings.update':
      return `Changed the settings${changedKeys(before, after)}`;
    case 'settings.setLogo':
      return after['hasLogo'] === false ? 'Removed the school logo' : 'Changed the school logo';
    case 'setup.initialize':
      return `Set up the school ${quoted(name)}`.trim();
    case 'slips.issue': {
      const slips = Array.isArray(after['slips']) ? after['slips'].length : 0;
      return `Issued ${slips === 1 ? 'a fee slip' : `${slips} fee slips`} with UPI references${day(after['issuedOn']) ? ` on ${day(after['issuedOn'])}` : ''}`;
    }
    case 'payments.upiRequest':
      return join(`Showed a UPI QR${amount(after['amount']) ? ` for ${amount(after['amount'])}` : ''}`, str(after['ref']));
    case 'store.rekeyed':
      return 'Changed the data file’s key';
    case 'sync.enroll':
      return join('Connected this desk to the sync server', str(after['serverUrl']));
    case 'sync.enable':
      return 'Turned sync on';
    case 'sync.disable':
      return 'Turned sync off';
    case 'backup.created':
      return `Made a backup ${quoted(name)}`.trim();
    case 'backup.failed':
      return `A backup failed${str(after['error']) ? `: ${str(after['error'])}` : ''}`;
    case 'backup.restored':
      return `Restored the backup ${quoted(name)}`.trim();
    case 'backup.configured':
      return 'Changed the backup settings';
    default:
      if (entry.action.startsWith('imports.'))
        return `Imported ${words(entry.action.slice('imports.'.length))}${num(after['created']) !== null ? ` (${num(after['created'])} created)` : ''}`;
      return sentenceCase(words(entry.action.replace('.', ' ')));
  }
}

function changedKeys(before: Details, after: Details): string {
  const keys = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  // In a sentence: "grace days", but "UPI ID" and "receipt QR" keep their capitals.
  const inSentence = (label: string) => (/^[A-Z]{2,}\b/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1));
  return keys.length === 0 ? '' : `: ${keys.map((k) => inSentence(labelOf(k))).join(', ')}`;
}

/** "receiptNo" / "receipt_no" → "receipt no". */
function words(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const LABELS: Record<string, string> = {
  receiptNo: 'Receipt no.',
  receipt_no: 'Receipt no.',
  admission_no: 'Admission no.',
  admissionNo: 'Admission no.',
  creditDelta: 'Change in credit',
  copyNo: 'Copy no.',
  full_name: 'Name',
  fullName: 'Name',
  class_id: 'Class',
  section_id: 'Section',
  category_id: 'Category',
  family_id: 'Family',
  head_id: 'Fee head',
  student_id: 'Student',
  academic_year_id: 'Academic year',
  requested_by: 'Requested by',
  requestedOnDeskBy: 'Requested on this desk by',
  approvedBy: 'Approved by',
  cashier_id: 'Cashier',
  by_user: 'By',
  tax_rate_bp: 'Tax rate',
  taxRateBp: 'Tax rate',
  written: 'Rows written',
  allocations: 'Allocations',
  row: 'As written',
  seq: 'Serial',
  utr: 'UTR',
  reference_json: 'Reference',
  snapshot_sha256: 'Receipt snapshot (SHA-256)',
  qr_sha256: 'Receipt QR (SHA-256)',
  desk_code: 'Desk',
  business_date: 'Business day',
  upiId: 'UPI ID',
  upiPayeeName: 'UPI payee name',
  upiMerchantCode: 'UPI merchant code',
};

function labelOf(key: string): string {
  return LABELS[key] ?? sentenceCase(words(key.replace(/_id$/, '').replace(/Id$/, '')));
}

const MONEY_KEYS = new Set([
  'amount',
  'allocated',
  'creditDelta',
  'credit',
  'refunded',
  'charge',
  'balance',
  'variance',
  'expected',
  'counted',
  'tendered',
  'change_given',
  'changeGiven',
  'credit_used',
  'creditUsed',
  'credit_added',
  'creditAdded',
  'total',
  'gross',
  'paid',
  'outstanding',
  'applied',
  'perDay',
  'cap',
  'shares',
]);
/** Fields whose values are codes: read as words ("per_day" → "Per day"). */
const CODE_KEYS = new Set(['status', 'kind', 'target', 'decision', 'role', 'plan', 'state']);
const SKIP = new Set(['id', 'version', 'updated_at']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One value for a person: money, a date, a time, a name for an id, yes/no — never JSON. */
function valueOf(key: string, value: unknown, entry: AuditEntry, f: Formatters, money: boolean, depth: number): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (money) return f.money(value);
    if (key === 'tax_rate_bp' || key === 'taxRateBp') return `${value / 100}%`;
    return value.toLocaleString(f.locale);
  }
  if (typeof value === 'string') {
    if (UUID.test(value)) return entry.names[value] ?? value;
    if (key.endsWith('_json') && value.startsWith('{')) {
      try {
        return valueOf(key.slice(0, -'_json'.length), JSON.parse(value) as unknown, entry, f, money, depth);
      } catch {
        return value;
      }
    }
    if (DATE.test(value)) return f.date(value);
    if (INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return f.dateTime(value);
    if (key === 'mode' && isPaymentMode(value)) return PAYMENT_MODE_LABELS[value];
    return CODE_KEYS.has(key) ? sentenceCase(words(value)) : value;
  }
  if (Array.isArray(value)) {
    if (key === 'allocations')
      return value
        .map((pair) =>
          Array.isArray(pair)
            ? `${valueOf('id', pair[0], entry, f, false, depth + 1)} ${valueOf('amount', pair[1], entry, f, true, depth + 1)}`
            : '',
        )
        .join('; ');
    if (value.length === 0) return 'none';
    if (depth >= 3) return `${value.length} ${value.length === 1 ? 'item' : 'items'}`;
    return value.map((v) => valueOf(key, v, entry, f, money, depth + 1)).join('; ');
  }
  const fields = Object.entries(value as Details).filter(([k]) => !SKIP.has(k));
  if (key === 'written')
    return fields.map(([table, rows]) => `${words(table)}: ${Array.isArray(rows) ? rows.length : 0}`).join(', ') || 'none';
  if (depth >= 3) return `${fields.length} fields`;
  // Amounts by mode (expected, counted) stay money; other nested objects read as "label value" pairs.
  return fields.map(([k, v]) => `${labelOf(k)} ${valueOf(k, v, entry, f, money || MONEY_KEYS.has(k), depth + 1)}`).join(' · ') || '—';
}

const plainObject = (value: unknown): value is Details => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The row's details, one line per field, formatted; a change shows what it was and what it became; a nested record's fields get lines of their own. */
export function details(entry: AuditEntry, f: Formatters): DetailLine[] {
  const top = obj(entry.after);
  const concessionFixed = top['kind'] === 'fixed';
  const show = (key: string, value: unknown) => {
    if (key === 'value' && top['kind'] === 'percent' && typeof value === 'number') return `${value / 100}%`;
    return valueOf(key, value, entry, f, MONEY_KEYS.has(key) || (key === 'value' && concessionFixed), 0);
  };
  const lines: DetailLine[] = [];
  const walk = (prefix: string, before: Details | null, after: Details | null, depth: number) => {
    const keys = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])].filter((k) => !SKIP.has(k));
    for (const key of keys) {
      const inBefore = before !== null && key in before;
      const inAfter = after !== null && key in after;
      const label = prefix + labelOf(key);
      const group = (v: unknown) => plainObject(v) && !MONEY_KEYS.has(key) && key !== 'written' && depth === 0;
      if ((group(after?.[key]) || group(before?.[key])) && (!inAfter || group(after?.[key])) && (!inBefore || group(before?.[key]))) {
        walk(`${label} · `, inBefore ? (before![key] as Details) : null, inAfter ? (after![key] as Details) : null, depth + 1);
      } else if (inBefore && inAfter) {
        const was = show(key, before![key]);
        const now = show(key, after![key]);
        lines.push({ label, value: was === now ? now : `${was} → ${now}` });
      } else if (inAfter) lines.push({ label, value: show(key, after![key]) });
      else lines.push({ label: `${label} (before)`, value: show(key, before![key]) });
    }
  };
  walk('', plainObject(entry.before) ? entry.before : null, plainObject(entry.after) ? entry.after : null, 0);
  if (entry.after !== null && typeof entry.after !== 'object') lines.push({ label: 'Value', value: String(entry.after) });
  lines.push({ label: 'Audit row', value: `#${entry.seq} on desk ${entry.deskCode}` });
  return lines;
}

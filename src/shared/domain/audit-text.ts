// An audit row as an auditor reads it: who, and what in words with the record named (money in the school's currency and
// locale, dates in words); its details line by line are audit-details.ts.
import type { AuditEntry } from '../contract/audit';
import { paymentModeInText } from '../contract/payments';
import { type Details, type Formatters, labelOf, num, obj, sentenceCase, str, words } from './audit-details';

export { type DetailLine, details, type Formatters } from './audit-details';

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
    case 'refunds.record': {
      const kind = str(after['kind']);
      const what = kind === 'deposit' ? 'a refundable deposit' : kind === 'credit' ? 'advance credit' : 'fees paid';
      const mode = str(after['mode']);
      const setOff = num(after['setOff']);
      return (
        join(
          `Refunded ${amount(after['amount']) ?? 'an amount'} of ${what}`,
          mode && `by ${paymentModeInText(mode)}`,
          student && `to ${student}`,
          setOff ? `(${f.money(setOff)} set off against dues)` : null,
          (name ?? str(after['voucherNo'])) && `— voucher ${name ?? str(after['voucherNo'])}`,
        ) +
        (person(after['approvedBy']) ? `, approved by ${person(after['approvedBy'])}` : '') +
        because
      );
    }
    case 'payments.waive': {
      const waived =
        num(before['balance']) !== null && num(after['balance']) !== null ? num(before['balance'])! - num(after['balance'])! : null;
      return join(`Waived ${waived === null ? 'a due' : f.money(waived)}`, name && `of ${name}`, forStudent) + because;
    }
    case 'receipts.print':
      return join(`Printed ${receiptOf}`, forStudent);
    case 'receipts.reprint':
      return join(`Reprinted ${receiptOf}`, forStudent, num(after['copyNo']) ? `(copy ${num(after['copyNo'])})` : null);
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
      return `Created ${after['deposit'] === true ? 'refundable deposit head' : 'fee head'} ${quoted(name ?? str(after['name']))}`.trim();
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

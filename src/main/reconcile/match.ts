// Matching a bank statement's lines against the books, in the order the accountant can trust: a slip's or the
// counter's UPI reference in the narration, a bank reference already on a payment, an admission number in the note
// with an amount that fits, a cheque waiting to clear, and last a student who owes exactly the amount (only ever
// "probable"). Every line says why it is what it is; nothing here writes.
import { createHash } from 'node:crypto';
import type { LineAction, LineStatus, ReconcileLine } from '../../shared/contract/reconcile';
import { bankKey } from '../../shared/domain/bank-reference';
import { addDays } from '../../shared/domain/dates';
import type { StatementLine, StatementProblem } from '../imports/bank-statement';
import { OWING_WINDOW_DAYS, type Books, type IssuedReference, type Student } from './books';

/** A matched line and what confirming it needs. */
export interface MatchedLine extends ReconcileLine {
  /** The bank reference the line is in the books under (bankKey), or its fingerprint when it carries none. */
  key: string;
  /** The UPI reference it quotes, for a payment recorded from it. */
  upiRef: string | null;
}

export interface Wording {
  money: (minor: number) => string;
  day: (iso: string) => string;
}

/** Kinds of line whose reference is the payment's own (a UTR or RRN): the line's key in the books. */
const REFERENCED = new Set(['upi', 'neft', 'imps', 'rtgs']);
const INTEREST = /\b(?:INT(?:EREST)?\.?\s*(?:PD|PAID|CR|CREDIT)|SB\s*INT|INTEREST)\b/i;
const REVERSAL = /\b(?:REV(?:ERSAL)?|REFUND|CHARGES?\s+REVERSED)\b/i;
const RETURNED = /\b(?:RETURN(?:ED)?|RTN|RET|BOUNCE[D]?|DISHONOU?RED|UNPAID|INWARD\s+RET)\b/i;

/**
 * The key a line is in the books under: its UTR or RRN, or for a line without one (a cheque, a cash deposit) a
 * fingerprint of the account, day, amounts and narration — the same line in an overlapping statement is the same key.
 */
export function lineKey(account: string, line: StatementLine): string {
  if (line.reference && REFERENCED.has(line.kind)) {
    const key = bankKey(line.reference);
    if (key !== '') return key;
  }
  const narration = line.narration.toUpperCase().replace(/\s+/g, ' ').trim();
  const print = createHash('sha256').update(`${account}\0${line.date}\0${line.credit}\0${line.debit}\0${narration}`).digest('hex');
  return `L${print.slice(0, 34).toUpperCase()}`;
}

/** The UPI references (FD + desk code + six digits) a narration quotes, wherever the bank put spaces or slashes. */
export function referencesIn(narration: string, deskCodes: readonly string[]): string[] {
  const compact = narration.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const found: string[] = [];
  for (const desk of deskCodes) {
    const code = desk.toUpperCase().replace(/[^A-Z0-9]/g, '');
    for (const m of compact.matchAll(new RegExp(`FD${code}(\\d{6})`, 'g'))) found.push(`FD${code}${m[1]}`);
  }
  return found;
}

/**
 * Admission numbers a note may name: words with a digit, of three characters or more. Banks join a narration's parts
 * with the dashes and slashes admission numbers have too ("NEFT CR-HDFC0000001-MEERA-A-0003-N1232…"), so runs of up
 * to three parts of a word count as well.
 */
function admissionCandidates(text: string): string[] {
  const found = new Set<string>();
  for (const word of text.toUpperCase().split(/[^A-Z0-9/-]+/)) {
    const parts = word.split(/([-/])/);
    for (let from = 0; from < parts.length; from += 2)
      for (let to = from; to < Math.min(parts.length, from + 5); to += 2) found.add(parts.slice(from, to + 1).join(''));
  }
  return [...found].filter((t) => t.length >= 3 && /\d/.test(t));
}

const chequeNumberIn = (line: StatementLine): string | null =>
  (line.kind === 'cheque' && line.reference && /^\d{6}$/.test(line.reference) ? line.reference : null) ??
  /\b(\d{6})\b/.exec(line.narration)?.[1] ??
  null;

/** The cheque numbers the statement's lines can be matched by: cheques credited, and cheques returned unpaid. */
export function chequeNumbersIn(lines: readonly StatementLine[]): string[] {
  const numbers = lines.map((l) => ((l.credit > 0 ? l.kind === 'cheque' : RETURNED.test(l.narration)) ? chequeNumberIn(l) : null));
  return [...new Set(numbers.filter((n) => n !== null))];
}

type Verdict = { status: LineStatus; why: string; action: LineAction | null; upiRef?: string | null };

const record = (s: Student, upiRef: string | null = null): LineAction => ({
  kind: 'record',
  studentId: s.id,
  admissionNo: s.admissionNo,
  studentName: s.fullName,
  upiRef,
});

class Matcher {
  /** Payments and UPI references an earlier line of this statement took: one line each. */
  private readonly takenPayments = new Map<string, number>();
  private readonly takenRefs = new Map<string, number>();

  constructor(
    private readonly books: Books,
    private readonly say: Wording,
  ) {}

  private who(s: Student) {
    return `${s.fullName} (${s.admissionNo})`;
  }

  private debit(line: StatementLine): Verdict {
    const no = RETURNED.test(line.narration) ? chequeNumberIn(line) : null;
    const cheques = no ? (this.books.cheques.get(no) ?? []).filter((c) => c.amount === line.debit) : [];
    if (cheques.length === 1) {
      const c = cheques[0]!;
      if (c.bounced) return { status: 'in_books', why: `cheque ${no} of receipt ${c.receiptNo} is already marked bounced`, action: null };
      return {
        status: 'matched',
        why: `cheque ${no} of receipt ${c.receiptNo} (${this.say.money(c.amount)}) came back unpaid: bounce the receipt`,
        action: { kind: 'bounce', paymentId: c.id, receiptNo: c.receiptNo },
      };
    }
    if (no && cheques.length > 1)
      return {
        status: 'unmatched',
        why: `a returned cheque ${no}: receipts ${cheques.map((c) => c.receiptNo).join(', ')} all have it`,
        action: null,
      };
    return { status: 'not_fee', why: 'money out of the account, not a fee received', action: null };
  }

  private byReference(line: StatementLine, issued: IssuedReference, row: number): Verdict {
    const student = this.books.studentsById.get(issued.studentId);
    const label = issued.kind === 'slip' ? `fee slip ${issued.ref}` : `the counter’s UPI QR ${issued.ref}`;
    const paid = issued.paidBy;
    const tookIt = this.takenRefs.get(issued.ref);
    if (paid && !paid.lineKey && tookIt === undefined && !this.takenPayments.has(paid.id)) {
      if (paid.amount !== line.credit)
        return {
          status: 'unmatched',
          why: `quotes ${label}, paid by receipt ${paid.receiptNo} for ${this.say.money(paid.amount)}, but the bank line is ${this.say.money(line.credit)}`,
          action: null,
        };
      this.takenPayments.set(paid.id, row);
      this.takenRefs.set(issued.ref, row);
      return {
        status: 'matched',
        why: `quotes ${label}, paid by receipt ${paid.receiptNo} at the counter: the bank confirms it`,
        action: { kind: 'confirm', paymentId: paid.id, receiptNo: paid.receiptNo },
      };
    }
    if (!student) return { status: 'unmatched', why: `quotes ${label}, whose student is not on this desk`, action: null };
    if (paid || tookIt !== undefined) {
      const by = paid ? `receipt ${paid.receiptNo}` : `row ${tookIt}`;
      return {
        status: 'probable',
        why: `quotes ${label}, which ${by} already pays: a second payment by ${this.who(student)}?`,
        action: record(student),
      };
    }
    this.takenRefs.set(issued.ref, row);
    const asked = `${label}, issued ${this.say.day(issued.issuedOn)} to ${this.who(student)} for ${this.say.money(issued.amount)}`;
    const differs = issued.amount === line.credit ? '' : `; ${this.say.money(line.credit)} was paid`;
    return { status: 'matched', why: `quotes ${asked}${differs}`, action: record(student, issued.ref), upiRef: issued.ref };
  }

  private byAdmission(line: StatementLine): Verdict | null {
    const text = line.upi?.note ?? line.narration.replace(line.reference ?? '\0', ' ');
    const named = [
      ...new Map(
        admissionCandidates(text)
          .map((t) => this.books.studentsByAdmission.get(t))
          .filter((s): s is Student => s !== undefined)
          .map((s) => [s.id, s]),
      ).values(),
    ];
    if (named.length === 0) return null;
    if (named.length > 1)
      return { status: 'unmatched', why: `names ${named.map((s) => this.who(s)).join(' and ')}: re-assign it by hand`, action: null };
    const s = named[0]!;
    if (line.credit <= s.open)
      return {
        status: 'matched',
        why: `names admission no. ${s.admissionNo} (${s.fullName}), who owes ${this.say.money(s.open)}`,
        action: record(s),
      };
    return {
      status: 'probable',
      why: `names admission no. ${s.admissionNo} (${s.fullName}), but ${this.say.money(line.credit)} is more than the ${this.say.money(s.open)} owed: the rest would be credit`,
      action: record(s),
    };
  }

  private byCheque(line: StatementLine): Verdict | null {
    if (line.kind !== 'cheque') return null;
    const no = chequeNumberIn(line);
    if (!no) return null;
    const cheques = (this.books.cheques.get(no) ?? []).filter((c) => c.amount === line.credit && !c.bounced);
    if (cheques.length > 1)
      return {
        status: 'unmatched',
        why: `cheque ${no} for ${this.say.money(line.credit)} is on receipts ${cheques.map((c) => c.receiptNo).join(', ')}: clear the right one under Cheques`,
        action: null,
      };
    const c = cheques[0];
    if (!c) return null;
    if (c.clearedOn)
      return {
        status: 'in_books',
        why: `cheque ${no} of receipt ${c.receiptNo} was marked cleared on ${this.say.day(c.clearedOn)}`,
        action: null,
      };
    if (this.takenPayments.has(c.id)) return null;
    this.takenPayments.set(c.id, line.row);
    return {
      status: 'matched',
      why: `cheque ${no} of receipt ${c.receiptNo}: the bank credited it, so it clears`,
      action: { kind: 'clear', paymentId: c.id, receiptNo: c.receiptNo },
    };
  }

  private byOwing(line: StatementLine): Verdict {
    const latest = addDays(line.date, OWING_WINDOW_DAYS);
    const owing = (this.books.owing.get(line.credit) ?? []).filter((o) => o.dueOn <= latest);
    if (owing.length === 1) {
      const s = this.books.studentsById.get(owing[0]!.studentId)!;
      return {
        status: 'probable',
        why: `${this.who(s)} owes exactly ${this.say.money(line.credit)} (dues up to ${this.say.day(owing[0]!.dueOn)}); nothing in the line names them`,
        action: record(s),
      };
    }
    if (owing.length > 1)
      return {
        status: 'unmatched',
        why: `${owing.length} students owe exactly ${this.say.money(line.credit)}: re-assign it by hand`,
        action: null,
      };
    return {
      status: 'unmatched',
      why: 'names no fee slip, recorded bank reference or admission no., and no one student owes this amount',
      action: null,
    };
  }

  private credit(line: StatementLine, key: string): Verdict {
    if (line.kind === 'cash') return { status: 'not_fee', why: 'a cash deposit: the counter’s cash, counted at day close', action: null };
    if (INTEREST.test(line.narration)) return { status: 'not_fee', why: 'interest from the bank', action: null };
    if (REVERSAL.test(line.narration)) return { status: 'not_fee', why: 'a reversal or refund by the bank, not a fee paid', action: null };
    const inBooks = this.books.linesInBooks.get(key);
    if (inBooks)
      return {
        status: 'in_books',
        why: `in the books as receipt ${inBooks.receiptNo} (confirmed ${this.say.day(inBooks.confirmedOn)})`,
        action: null,
      };
    const paid = this.books.paymentsByBankKey.get(key);
    if (paid) {
      if (paid.amount !== line.credit || this.takenPayments.has(paid.id))
        return {
          status: 'unmatched',
          why: `receipt ${paid.receiptNo} has this bank reference but is for ${this.say.money(paid.amount)}: the same money cannot go into the books twice`,
          action: null,
        };
      this.takenPayments.set(paid.id, line.row);
      return {
        status: 'matched',
        why: `receipt ${paid.receiptNo} was recorded with this bank reference: the bank confirms it`,
        action: { kind: 'confirm', paymentId: paid.id, receiptNo: paid.receiptNo },
      };
    }
    for (const ref of referencesIn(line.narration, this.books.referenceDesks)) {
      const issued = this.books.references.get(ref);
      if (issued) return this.byReference(line, issued, line.row);
    }
    return this.byAdmission(line) ?? this.byCheque(line) ?? this.byOwing(line);
  }

  line(account: string, line: StatementLine): MatchedLine {
    const key = lineKey(account, line);
    const verdict = line.credit > 0 ? this.credit(line, key) : this.debit(line);
    return {
      row: line.row,
      date: line.date,
      narration: line.narration,
      reference: line.reference,
      credit: line.credit,
      debit: line.debit,
      kind: line.kind,
      status: verdict.status,
      why: verdict.why,
      action: verdict.action,
      key,
      upiRef: verdict.upiRef ?? null,
    };
  }
}

/** Every line of the statement with its match, and the rows that could not be read, in the file's order. */
export function matchStatement(
  account: string,
  lines: readonly StatementLine[],
  problems: readonly StatementProblem[],
  books: Books,
  say: Wording,
): MatchedLine[] {
  const matcher = new Matcher(books, say);
  const matched = lines.map((l) => matcher.line(account, l));
  const unread = problems.map((p): MatchedLine => ({
    row: p.row,
    date: '',
    narration: '',
    reference: null,
    credit: 0,
    debit: 0,
    kind: 'other',
    status: 'problem',
    why: p.message,
    action: null,
    key: '',
    upiRef: null,
  }));
  return [...matched, ...unread].sort((a, b) => a.row - b.row);
}

// Reconciling a bank statement: the dry run reads and matches it and keeps the result on this desk for a while; the
// confirmation takes the lines the accountant chose into the books in one transaction, all or nothing, after checking
// again that none of their money is in the books already (another window or desk may have confirmed it meanwhile).
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { paymentsChannels } from '../../shared/contract/payments';
import { AppError } from '../../shared/contract/errors';
import type { BankAccount, LineStatus, ReconcilePreview, ReconcileResult, StatementMappingInput } from '../../shared/contract/reconcile';
import { LINE_STATUSES } from '../../shared/contract/reconcile';
import { formatDate } from '../../shared/domain/date-input';
import { formatMoney } from '../../shared/domain/money';
import type { Store, Tx } from '../db/schema';
import { readStatement, type Statement } from '../imports/bank-statement';
import { recordAudit } from '../services/audit';
import { confirmBankLine, keepWaitingLines, paymentWithBankKey, type WaitingLine } from '../services/bank-lines';
import type { ServiceDeps } from '../services/context';
import { clearChequeTx } from '../services/day-close';
import { recordPaymentTx, today } from '../services/payments';
import { readPolicies, writePolicies } from '../services/settings';
import type { Session } from '../services/sessions';
import { enqueue } from '../services/outbox';
import { readBooks } from './books';
import { chequeNumbersIn, lineKey, matchStatement, referencesIn, type MatchedLine, type Wording } from './match';

interface KeptStatement {
  id: string;
  account: string;
  bank: string;
  sha256: string;
  /** The statement as read, matched again after each confirmation. */
  source: Pick<Statement, 'lines' | 'problems'>;
  lines: MatchedLine[];
}

/** Dry runs kept for confirming: the latest few (a statement is confirmed minutes after its dry run, not days). */
const KEEP = 4;

export class Reconciliations {
  private readonly kept = new Map<string, KeptStatement>();

  keep(statement: KeptStatement): void {
    this.kept.set(statement.id, statement);
    while (this.kept.size > KEEP) this.kept.delete(this.kept.keys().next().value!);
  }

  find(id: string): KeptStatement {
    const found = this.kept.get(id);
    if (!found) throw new AppError('not_found', 'is not a statement this desk has read lately: read the statement again', 'statementId');
    return found;
  }
}

/** Each amount and day worded once: a statement's lines repeat them, and each wording builds an Intl formatter. */
function remembered<K, V>(word: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (!known.has(key)) known.set(key, word(key));
    return known.get(key)!;
  };
}

async function wording(db: Store | Tx): Promise<Wording> {
  const school = await db.selectFrom('school').select(['currency', 'locale']).executeTakeFirstOrThrow();
  return {
    money: remembered((m) => formatMoney(m, school.currency, school.locale)),
    day: remembered((d) => formatDate(d, school.locale)),
  };
}

/** Masked statements show only the last digits (XXXXXXX8901): those must agree. */
const sameAccount = (statement: string, account: string) => {
  const digits = statement.replace(/\D/g, '');
  return digits.length >= 4 && account.endsWith(digits.slice(-Math.min(digits.length, account.length)));
};

async function accountOf(db: Store | Tx, number: string): Promise<BankAccount> {
  const { bankAccounts } = await readPolicies(db);
  const account = bankAccounts.find((a) => a.number === number);
  if (!account)
    throw new AppError(
      'invalid_input',
      'is not one of the school’s bank accounts: an admin adds it under Settings → Bank accounts',
      'account',
    );
  return account;
}

async function readFor(path: string, account: BankAccount, mapping: StatementMappingInput | undefined, asOf: string): Promise<Statement> {
  const chosen = mapping ?? account.mapping ?? undefined;
  if (account.layout === 'other' && !chosen)
    throw new AppError('invalid_input', `needs the statement’s columns: ${account.label} is with a bank FeeDesk does not know`, 'mapping');
  const statement = await readStatement(
    path,
    chosen ? { mapping: chosen } : { layout: account.layout as Exclude<typeof account.layout, 'other'> },
    {
      today: asOf,
    },
  );
  if (statement.account && !sameAccount(statement.account, account.number))
    throw new AppError(
      'invalid_input',
      `is a statement of account ${statement.account}, not of ${account.label} (${account.number}): choose that account, or the right statement`,
      'path',
    );
  return statement;
}

const countsOf = (lines: readonly MatchedLine[]) => {
  const counts = Object.fromEntries(LINE_STATUSES.map((s) => [s, 0])) as Record<LineStatus, number>;
  for (const l of lines) counts[l.status] += 1;
  return counts;
};

const previewOf = (s: KeptStatement): ReconcilePreview => ({
  statementId: s.id,
  bank: s.bank,
  account: s.account,
  sha256: s.sha256,
  lines: s.lines.map(({ key: _key, upiRef: _upiRef, ...line }) => line),
  counts: countsOf(s.lines),
});

async function matchFile(db: Store | Tx, account: string, statement: KeptStatement['source']): Promise<MatchedLine[]> {
  const credits = statement.lines.filter((l) => l.credit > 0);
  const books = await readBooks(
    db,
    {
      keys: credits.map((l) => lineKey(account, l)),
      amounts: new Set(credits.map((l) => l.credit)),
      latestDate: statement.lines.reduce((max, l) => (l.date > max ? l.date : max), '0000-00-00'),
      chequeNos: chequeNumbersIn(statement.lines),
    },
    (desks) => [...new Set(credits.flatMap((l) => referencesIn(l.narration, desks)))],
  );
  return matchStatement(account, statement.lines, statement.problems, books, await wording(db));
}

/** Reads and matches a statement of one of the school's accounts, keeps it for confirming, and writes nothing. */
export async function dryRunStatement(
  deps: ServiceDeps,
  kept: Reconciliations,
  userId: string,
  input: { path: string; account: string; mapping?: StatementMappingInput },
): Promise<ReconcilePreview> {
  const db = deps.store();
  const account = await accountOf(db, input.account);
  const statement = await readFor(input.path, account, input.mapping, today(deps));
  const sha256 = createHash('sha256')
    .update(await readFile(input.path))
    .digest('hex');
  const lines = await matchFile(db, account.number, statement);
  if (input.mapping && JSON.stringify(input.mapping) !== JSON.stringify(account.mapping))
    await rememberMapping(deps, userId, account, input.mapping);
  const source = { lines: statement.lines, problems: statement.problems };
  const s = { id: randomUUID(), account: account.number, bank: statement.bank, sha256, source, lines };
  kept.keep(s);
  return previewOf(s);
}

/** A mapping that read a statement is the account's from now on, on every desk. */
async function rememberMapping(deps: ServiceDeps, userId: string, account: BankAccount, mapping: StatementMappingInput): Promise<void> {
  await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const { bankAccounts } = await readPolicies(tx);
      const changes = { bankAccounts: bankAccounts.map((a) => (a.number === account.number ? { ...a, mapping } : a)) };
      await writePolicies(tx, changes);
      await recordAudit(tx, deps, {
        actorId: userId,
        action: 'settings.update',
        entity: 'policy',
        entityId: 'bankAccounts',
        before: { bankAccounts },
        after: changes,
      });
      await enqueue(tx, deps, 'settings.update', changes);
    });
}

const waiting = (account: string, l: MatchedLine): WaitingLine => ({
  key: l.key,
  account,
  line_date: l.date,
  amount: l.credit,
  narration: l.narration.slice(0, 500),
  kind: l.kind,
  reference: l.reference,
});

type Chosen = { line: MatchedLine; studentId?: string };

function chosenLines(s: KeptStatement, rows: readonly { row: number; studentId?: string }[]): Chosen[] {
  const byRow = new Map(s.lines.map((l) => [l.row, l]));
  return rows.map(({ row, studentId }, index) => {
    const line = byRow.get(row);
    const field = `lines.${index}.row`;
    if (!line) throw new AppError('invalid_input', `${field} ${row} is not a line of this statement`, field);
    if (line.status === 'problem') throw new AppError('invalid_input', `${field}: row ${row} could not be read (${line.why})`, field);
    if (line.status === 'in_books') throw new AppError('conflict', `${field}: row ${row} is in the books already (${line.why})`, field);
    if (line.status === 'not_fee' && line.action?.kind !== 'bounce')
      throw new AppError('invalid_input', `${field}: row ${row} is not a fee paid (${line.why})`, field);
    if (line.action?.kind === 'bounce')
      throw new AppError(
        'invalid_input',
        `${field}: row ${row} is a returned cheque: bounce receipt ${line.action.receiptNo} with its Bounce button`,
        field,
      );
    if (!studentId && !line.action)
      throw new AppError('invalid_input', `${field}: row ${row} matches no one (${line.why}): choose the student it is for`, field);
    if (studentId && (line.action?.kind === 'confirm' || line.action?.kind === 'clear'))
      throw new AppError(
        'invalid_input',
        `${field}: row ${row} is receipt ${line.action.receiptNo}’s money: it cannot be another payment too`,
        field,
      );
    return { line, studentId };
  });
}

/** The payment a line becomes: UPI under its UTR (and the UPI reference it quotes), else a bank transfer under its reference. */
function paymentInput(c: Chosen, studentId: string, upiRef: string | null, say: Wording) {
  const { line } = c;
  const utr = line.kind === 'upi' && /^[A-Z0-9]{8,30}$/.test(line.key) ? line.key : undefined;
  const method =
    line.kind === 'upi' && (utr || upiRef)
      ? { mode: 'upi', ...(utr ? { utr } : {}), ...(upiRef ? { upiRef } : {}) }
      : { mode: 'bank_transfer', reference: line.key.slice(0, 35) };
  return paymentsChannels['payments.record'].input.parse({
    studentIds: [studentId],
    amount: line.credit,
    method,
    note: `Bank statement line of ${say.day(line.date)}`,
  });
}

async function confirmOne(tx: Tx, deps: ServiceDeps, session: Session, account: string, c: Chosen, say: Wording, deskCode: string) {
  const { line } = c;
  const where = `row ${line.row}`;
  // A line re-assigned to the student it matched keeps its match (and the UPI reference it quotes).
  const action = !c.studentId || (line.action?.kind === 'record' && line.action.studentId === c.studentId) ? line.action : null;
  const confirming = action?.kind === 'confirm' || action?.kind === 'clear' ? action.paymentId : null;
  // The line's money may be in the books only as the very payment it confirms (a UTR typed at the counter).
  const holder = await paymentWithBankKey(tx, line.key);
  if (holder && holder.id !== confirming)
    throw new AppError(
      'conflict',
      `${where} (${line.reference ?? line.narration}) is in the books already, by receipt ${holder.receiptNo}`,
      'lines',
    );
  const confirmed = { userId: session.userId, deskCode };
  if (action && (action.kind === 'confirm' || action.kind === 'clear')) {
    const earlier = await tx
      .selectFrom('bank_line')
      .select(['line_date'])
      .where('payment_id', '=', action.paymentId)
      .where('key', '!=', line.key)
      .executeTakeFirst();
    if (earlier)
      throw new AppError(
        'conflict',
        `${where}: receipt ${action.receiptNo} is in the books already with the bank line of ${say.day(earlier.line_date)}`,
        'lines',
      );
    if (action.kind === 'clear') await clearChequeTx(tx, deps, session.userId, action.paymentId, line.date);
    const outcome = action.kind === 'clear' ? 'cleared' : 'confirmed';
    await confirmBankLine(tx, deps, waiting(account, line), { ...confirmed, paymentId: action.paymentId, outcome });
    return null;
  }
  const studentId = c.studentId ?? (action?.kind === 'record' ? action.studentId : '');
  const upiRef = action?.kind === 'record' ? line.upiRef : null;
  const receipt = await recordPaymentTx(tx, deps, { id: session.userId, name: session.fullName }, paymentInput(c, studentId, upiRef, say));
  await confirmBankLine(tx, deps, waiting(account, line), { ...confirmed, paymentId: receipt.paymentId, outcome: 'recorded' });
  return { row: line.row, paymentId: receipt.paymentId, receiptNo: receipt.receiptNo, amount: receipt.amount };
}

/** Names the row a refusal came from: one bad line refuses the batch, and the accountant needs to find it. */
function onRow<T>(row: number, work: () => Promise<T>): Promise<T> {
  return work().catch((e: unknown) => {
    if (e instanceof AppError && !e.message.startsWith('row ')) throw new AppError(e.code, `row ${row}: ${e.message}`, e.field);
    throw e;
  });
}

/**
 * Confirms the chosen lines of a kept statement in one transaction: payments recorded, counter payments confirmed,
 * cheques cleared, the statement's other fee lines kept as waiting; then the statement matched again as it now stands.
 */
export async function confirmStatement(
  deps: ServiceDeps,
  kept: Reconciliations,
  session: Session,
  input: { statementId: string; lines: { row: number; studentId?: string }[] },
): Promise<ReconcileResult> {
  const s = kept.find(input.statementId);
  const chosen = chosenLines(s, input.lines);
  const outcome = await deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const say = await wording(tx);
      const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
      const fees = s.lines.filter((l) => l.credit > 0 && (l.status === 'matched' || l.status === 'probable' || l.status === 'unmatched'));
      await keepWaitingLines(
        tx,
        fees.map((l) => waiting(s.account, l)),
        deps.clock.now().toISOString(),
      );
      const recorded: ReconcileResult['recorded'] = [];
      let confirmed = 0;
      let cleared = 0;
      for (const c of chosen) {
        const done = await onRow(c.line.row, () => confirmOne(tx, deps, session, s.account, c, say, desk.code));
        if (done) recorded.push(done);
        else if (c.line.action?.kind === 'clear') cleared += 1;
        else confirmed += 1;
      }
      await recordAudit(tx, deps, {
        actorId: session.userId,
        action: 'reconcile.confirm',
        entity: 'bank_statement',
        entityId: s.sha256,
        after: {
          account: s.account,
          bank: s.bank,
          lines: chosen.map((c) => [c.line.row, c.line.key]),
          recorded: recorded.length,
          confirmed,
          cleared,
        },
      });
      return { recorded, confirmed, cleared };
    });
  const again = { ...s, lines: await matchFile(deps.store(), s.account, s.source) };
  kept.keep(again);
  return { ...outcome, preview: previewOf(again) };
}

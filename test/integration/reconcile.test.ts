// Bank reconciliation (issue 19): a statement of each of five banks, matched against a school with known payments —
// a counter UPI QR's reference quoted, a UTR typed at the counter, an admission no. in a NEFT note, a student owing
// exactly the amount, a cheque deposited and one returned — to the expected matched / probable / unmatched counts;
// confirmed in one transaction; imported again, nothing changes. The money is in the books once, whichever way it came.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import type { ReconcilePreview } from '../../src/shared/contract/reconcile';
import { ADMIN, openSideStore, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import { ACCOUNTS, BANKS, writeStatement, type Bank, type Line } from '../support/statements';

const refusal = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

const files = tempDir();
afterAll(() => files.cleanup());

interface Story {
  desk: TestDesk;
  school: SmallSchool;
  lines: Line[];
  students: Record<'asha' | 'bala' | 'chitra' | 'dev' | 'esha' | 'farid' | 'gita', { id: string; admissionNo: string }>;
  receipts: { utr: string; cheque: string; returned: string };
}

/** A school with its payments of early April, and the bank's lines for them, as `bank` writes its statements. */
async function story(bank: Bank): Promise<Story> {
  const desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('settings.update', {
    upiId: 'fees.sunrise@sbi',
    upiPayeeName: 'Sunrise Public School',
    bankAccounts: [{ number: ACCOUNTS[bank], label: `Fees account (${bank.toUpperCase()})`, layout: bank }],
  });
  const names = ['asha', 'bala', 'chitra', 'dev', 'esha', 'farid', 'gita'] as const;
  const students = {} as Story['students'];
  for (const name of names) students[name] = await admit(desk, school, { fullName: name[0]!.toUpperCase() + name.slice(1) });
  // Asha is shown the counter's UPI QR for her first quarter and pays from home; Bala paid at the counter by UPI,
  // typing the UTR; Dev paid ₹1,234 in cash; Esha and Farid paid by cheque.
  const qr = await desk.ok('payments.upiRequest', { studentIds: [students.asha.id], amount: 4500_00 });
  const utr = await desk.ok('payments.record', {
    studentIds: [students.bala.id],
    amount: 4500_00,
    method: { mode: 'upi', utr: '5123 4567 8901' },
  });
  await desk.ok('payments.record', { studentIds: [students.dev.id], amount: 1234_00, method: { mode: 'cash' } });
  const cheque = (no: string, id: string) =>
    desk.ok('payments.record', {
      studentIds: [id],
      amount: 4500_00,
      method: { mode: 'cheque', chequeNo: no, bank: 'Canara Bank', chequeDate: '2026-04-02' },
    });
  const cleared = await cheque('123456', students.esha.id);
  const returned = await cheque('654321', students.farid.id);
  await desk.travelTo('2026-04-20T05:00:00Z');
  const lines: Line[] = [
    {
      kind: 'upi',
      date: '2026-04-03',
      utr: '612345678901',
      payer: 'ASHA PARENT',
      vpa: 'asha.parent@oksbi',
      note: `${students.asha.admissionNo} ${qr.reference}`,
      amount: 4500_00,
    },
    { kind: 'upi', date: '2026-04-03', utr: '512345678901', payer: 'BALA PARENT', vpa: 'bala@okaxis', note: 'FEES', amount: 4500_00 },
    {
      kind: 'neft',
      date: '2026-04-04',
      utr: 'N123260012340003',
      payer: 'CHITRA PARENT',
      note: students.chitra.admissionNo,
      amount: 4500_00,
    },
    { kind: 'imps', date: '2026-04-06', utr: '712345678901', payer: 'DEV PARENT', note: 'FEES', amount: 3266_00 },
    { kind: 'upi', date: '2026-04-06', utr: '812345678901', payer: 'SOMEONE', vpa: 'someone@ybl', note: 'SCHOOL FEES', amount: 4500_00 },
    { kind: 'cheque', date: '2026-04-08', chequeNo: '123456', payer: 'ESHA PARENT', amount: 4500_00 },
    { kind: 'debit', date: '2026-04-09', payee: 'BESCOM ELECTRICITY BILL', amount: 2360_00 },
    { kind: 'cash', date: '2026-04-10', amount: 5000_00 },
    { kind: 'returned', date: '2026-04-11', chequeNo: '654321', amount: 4500_00 },
  ];
  return { desk, school, lines, students, receipts: { utr: utr.receiptNo, cheque: cleared.receiptNo, returned: returned.receiptNo } };
}

const statuses = (p: ReconcilePreview) => p.lines.map((l) => l.status);
const tables = async (desk: TestDesk) => {
  const side = await openSideStore(desk);
  try {
    const count = async (t: 'payment' | 'bank_line' | 'cheque_clearance' | 'audit_log' | 'outbox') =>
      Number(
        (
          await side.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      payments: await count('payment'),
      lines: await count('bank_line'),
      cleared: await count('cheque_clearance'),
      audit: await count('audit_log'),
      outbox: await count('outbox'),
    };
  } finally {
    await side.close();
  }
};

describe.each(BANKS)('a %s statement', (bank) => {
  let s: Story;
  let path: string;
  beforeAll(async () => {
    s = await story(bank);
    path = join(files.dir, `${bank}.csv`);
    writeStatement(bank, s.lines, path);
  });
  afterAll(() => s.desk.close());

  it('matches each line, and says why', async () => {
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS[bank] });
    expect(p.account).toBe(ACCOUNTS[bank]);
    expect(statuses(p)).toEqual(['matched', 'matched', 'matched', 'probable', 'unmatched', 'matched', 'not_fee', 'not_fee', 'matched']);
    expect(p.counts).toEqual({ matched: 5, probable: 1, unmatched: 0 + 1, in_books: 0, not_fee: 2, problem: 0 });
    const [viaQr, viaUtr, viaAdmission, owing, nobody, cheque, , , returned] = p.lines;
    expect(viaQr!.action).toMatchObject({ kind: 'record', studentId: s.students.asha.id, upiRef: expect.stringMatching(/^FD/) });
    expect(viaQr!.why).toMatch(/quotes the counter’s UPI QR FD\w+, issued .* to Asha/);
    expect(viaUtr!.action).toEqual({ kind: 'confirm', paymentId: expect.any(String), receiptNo: s.receipts.utr });
    expect(viaAdmission!.action).toMatchObject({ kind: 'record', studentId: s.students.chitra.id });
    expect(viaAdmission!.why).toMatch(`admission no. ${s.students.chitra.admissionNo}`);
    expect(owing!.action).toMatchObject({ kind: 'record', studentId: s.students.dev.id });
    expect(owing!.why).toMatch(/owes exactly ₹3,266\.00/);
    expect(nobody!.why).toMatch(/students owe exactly ₹4,500\.00: re-assign it by hand/);
    expect(cheque!.action).toEqual({ kind: 'clear', paymentId: expect.any(String), receiptNo: s.receipts.cheque });
    expect(returned!.action).toEqual({ kind: 'bounce', paymentId: expect.any(String), receiptNo: s.receipts.returned });
  });

  it('confirms the chosen lines in one go, and the same statement again changes nothing', async () => {
    const before = await tables(s.desk);
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS[bank] });
    const rows = p.lines.map((l) => l.row);
    const result = await s.desk.ok('reconcile.confirm', {
      statementId: p.statementId,
      lines: [
        { row: rows[0]! },
        { row: rows[1]! },
        { row: rows[2]! },
        { row: rows[3]! },
        // The line no one could be matched to, re-assigned by hand.
        { row: rows[4]!, studentId: s.students.gita.id },
        { row: rows[5]! },
      ],
    });
    expect(result.recorded.map((r) => r.amount)).toEqual([4500_00, 4500_00, 3266_00, 4500_00]);
    expect(result).toMatchObject({ confirmed: 1, cleared: 1 });
    expect(statuses(result.preview)).toEqual([
      'in_books',
      'in_books',
      'in_books',
      'in_books',
      'in_books',
      'in_books',
      'not_fee',
      'not_fee',
      'matched',
    ]);
    const after = await tables(s.desk);
    expect(after.payments).toBe(before.payments + 4);
    expect(after.cleared).toBe(before.cleared + 1);
    // Each of the six fee lines is kept, in the books.
    expect(after.lines).toBe(6);

    // The counter took none of it: the day's close expects nothing of the statement's receipts.
    const close = await s.desk.ok('dayClose.status', { date: '2026-04-20' });
    expect(close).toMatchObject({ receipts: 0, expected: { upi: 0, bank_transfer: 0 } });

    const ledger = await s.desk.ok('payments.openDues', { studentIds: [s.students.dev.id] });
    expect(ledger.items.filter((i) => i.installment === 'Quarter 1').every((i) => i.balance === 0)).toBe(true);
    const asha = await s.desk.ok('payments.list', { studentId: s.students.asha.id });
    expect(asha[0]).toMatchObject({ mode: 'upi', amount: 4500_00 });
    const receipt = await s.desk.ok('payments.receipt', { paymentId: asha[0]!.paymentId });
    expect(receipt).toMatchObject({ mode: 'upi', reference: { utr: '612345678901', upiRef: expect.stringMatching(/^FD/) } });

    const again = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS[bank] });
    expect(again.counts).toMatchObject({ in_books: 6, matched: 1, not_fee: 2, probable: 0, unmatched: 0 });
    const all = again.lines.filter((l) => l.status === 'in_books').map((l) => l.row);
    expect(refusal(await s.desk.call('reconcile.confirm', { statementId: again.statementId, lines: [{ row: all[0]! }] }))).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is in the books already/),
    });
    expect(await tables(s.desk)).toEqual(after);
  });
});

describe('the money is in the books once', () => {
  let s: Story;
  let path: string;
  // Each test tells its own story, on a desk of its own.
  beforeEach(async () => {
    s = await story('sbi');
    path = join(files.dir, `once-${Math.random().toString(36).slice(2)}.csv`);
    writeStatement('sbi', s.lines, path);
  });
  afterEach(() => s.desk.close());

  it('refuses a UTR at the counter that a confirmed statement line brought in', async () => {
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    await s.desk.ok('reconcile.confirm', { statementId: p.statementId, lines: [{ row: p.lines[0]!.row }] });
    const before = await tables(s.desk);
    const typed = await s.desk.call('payments.record', {
      studentIds: [s.students.gita.id],
      amount: 4500_00,
      method: { mode: 'upi', utr: '6123-4567-8901' },
    });
    expect(refusal(typed)).toMatchObject({
      code: 'conflict',
      field: 'method.utr',
      message: expect.stringMatching(/in the books already, by receipt/),
    });
    expect(await tables(s.desk)).toEqual(before);
  });

  it('confirms a line once when two windows confirm it at the same moment, and the loser writes nothing', async () => {
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    await s.desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'second-window');
    const q = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi }, 'second-window');
    const before = await tables(s.desk);
    const row = p.lines[2]!.row;
    const outcomes = await Promise.all([
      s.desk.call('reconcile.confirm', { statementId: p.statementId, lines: [{ row }, { row: p.lines[3]!.row }] }),
      s.desk.call('reconcile.confirm', { statementId: q.statementId, lines: [{ row }] }, 'second-window'),
    ]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const after = await tables(s.desk);
    const won = outcomes.findIndex((o) => o.ok);
    expect(after.payments - before.payments).toBe(won === 0 ? 2 : 1);
    expect(refusal(outcomes[1 - won]!)).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^row \d+ .*in the books already/),
    });
  });

  it('takes an overlapping statement’s known lines as in the books, and a cancelled receipt’s line back out', async () => {
    const first = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    await s.desk.ok('reconcile.confirm', { statementId: first.statementId, lines: first.lines.slice(0, 3).map((l) => ({ row: l.row })) });
    const overlap = join(files.dir, 'overlap.csv');
    writeStatement(
      'sbi',
      [
        ...s.lines.slice(0, 3),
        { kind: 'upi', date: '2026-04-12', utr: '912345678901', payer: 'X', vpa: 'x@ybl', note: 'FEE', amount: 99_00 },
      ],
      overlap,
    );
    const p = await s.desk.ok('reconcile.dryRun', { path: overlap, account: ACCOUNTS.sbi });
    expect(statuses(p)).toEqual(['in_books', 'in_books', 'in_books', 'unmatched']);
    const receipt = p.lines[2]!.why.match(/receipt (\S+)/)![1]!;
    const paid = (await s.desk.ok('payments.list', { studentId: s.students.chitra.id })).find((r) => r.receiptNo === receipt)!;
    const accountant = { username: 'meera', password: 'ledger-and-books-1' };
    await s.desk.ok('users.create', { ...accountant, fullName: 'Meera Iyer', role: 'accountant' });
    await s.desk.ok('payments.cancel', { paymentId: paid.paymentId, reason: 'Wrong student', approver: accountant });
    const again = await s.desk.ok('reconcile.dryRun', { path: overlap, account: ACCOUNTS.sbi });
    expect(again.lines[2]!.status).toBe('matched');
  });

  it('refuses a statement of another account, or an account the school has not named, writing nothing', async () => {
    const other = join(files.dir, 'other-account.csv');
    writeStatement('sbi', s.lines, other, '99999999999');
    expect(refusal(await s.desk.call('reconcile.dryRun', { path: other, account: ACCOUNTS.sbi }))).toMatchObject({
      field: 'path',
      message: expect.stringMatching(/statement of account 99999999999, not of Fees account/),
    });
    expect(refusal(await s.desk.call('reconcile.dryRun', { path, account: '11112222333' }))).toMatchObject({
      field: 'account',
      message: expect.stringMatching(/not one of the school’s bank accounts/),
    });
    const students = join(files.dir, 'students.csv');
    writeFileSync(students, 'Admission No,Name,Class\nA-1,Asha,5\n');
    expect(refusal(await s.desk.call('reconcile.dryRun', { path: students, account: ACCOUNTS.sbi }))).toMatchObject({
      message: expect.stringMatching(/not a bank statement/),
    });
  });

  it('refuses a bounce or an unread line in a confirmation, and a line matching no one without a student', async () => {
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    const before = await tables(s.desk);
    const returned = p.lines.find((l) => l.action?.kind === 'bounce')!;
    expect(refusal(await s.desk.call('reconcile.confirm', { statementId: p.statementId, lines: [{ row: returned.row }] }))).toMatchObject({
      message: expect.stringMatching(/returned cheque: bounce receipt/),
    });
    const nobody = p.lines.find((l) => l.status === 'unmatched')!;
    expect(refusal(await s.desk.call('reconcile.confirm', { statementId: p.statementId, lines: [{ row: nobody.row }] }))).toMatchObject({
      message: expect.stringMatching(/matches no one .*choose the student/),
    });
    const debit = p.lines.find((l) => l.status === 'not_fee')!;
    expect(refusal(await s.desk.call('reconcile.confirm', { statementId: p.statementId, lines: [{ row: debit.row }] }))).toMatchObject({
      message: expect.stringMatching(/not a fee paid/),
    });
    expect(await tables(s.desk)).toEqual(before);
  });
});

describe('statements of other kinds', () => {
  let s: Story;
  beforeEach(async () => {
    s = await story('sbi');
  });
  afterEach(() => s.desk.close());

  it('reads another bank’s statement by the columns the accountant names, and remembers them for the account', async () => {
    const canara = join(import.meta.dirname, '../fixtures/bank/canara.csv');
    const account = { number: '123101012345', label: 'Canara fees', layout: 'other' as const };
    await s.desk.ok('settings.update', { bankAccounts: [{ number: ACCOUNTS.sbi, label: 'Fees account (SBI)', layout: 'sbi' }, account] });
    expect(refusal(await s.desk.call('reconcile.dryRun', { path: canara, account: account.number }))).toMatchObject({
      field: 'mapping',
      message: expect.stringMatching(/needs the statement’s columns: Canara fees is with a bank FeeDesk does not know/),
    });
    expect(await s.desk.ok('reconcile.headers', { path: canara })).toEqual({
      headers: ['Txn Date', 'Value Date', 'Cheque No.', 'Description', 'Branch Code', 'Debit', 'Credit', 'Balance'],
    });
    const mapping = {
      bank: 'Canara Bank',
      columns: {
        date: 'Txn Date',
        narration: 'Description',
        reference: 'Cheque No.',
        debit: 'Debit',
        credit: 'Credit',
        balance: 'Balance',
      },
    };
    const first = await s.desk.ok('reconcile.dryRun', { path: canara, account: account.number, mapping });
    expect(first).toMatchObject({ bank: 'Canara Bank', account: account.number });
    expect(first.lines).toHaveLength(6);
    expect((await s.desk.ok('settings.get')).bankAccounts[1]).toEqual({ ...account, mapping });
    const audit = await openSideStore(s.desk);
    const remembered = await audit.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    await audit.close();
    expect(remembered).toEqual({ action: 'settings.update', entity_id: 'bankAccounts' });
    const again = await s.desk.ok('reconcile.dryRun', { path: canara, account: account.number });
    expect(again.lines).toEqual(first.lines);
  });

  it('matches a line quoting a fee slip’s UPI reference to the student the slip was printed for', async () => {
    await s.desk.ok('slips.print', { studentIds: [s.students.gita.id], perPage: 1, target: 'pdf' });
    const side = await openSideStore(s.desk);
    const slip = await side.db.selectFrom('upi_reference').select(['ref', 'amount']).where('kind', '=', 'slip').executeTakeFirstOrThrow();
    await side.close();
    const path = join(files.dir, 'slip.csv');
    const note = `${s.students.gita.admissionNo} ${slip.ref}`;
    writeStatement(
      'hdfc',
      [{ kind: 'upi', date: '2026-04-15', utr: '412399998888', payer: 'GITA PARENT', vpa: 'gita@okhdfcbank', note, amount: slip.amount }],
      path,
    );
    await s.desk.ok('settings.update', { bankAccounts: [{ number: ACCOUNTS.hdfc, label: 'HDFC fees', layout: 'hdfc' }] });
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.hdfc });
    expect(p.lines[0]).toMatchObject({
      status: 'matched',
      why: expect.stringMatching(new RegExp(`^quotes fee slip ${slip.ref}, issued .* to Gita`)),
      action: { kind: 'record', studentId: s.students.gita.id, upiRef: slip.ref },
    });
  });

  it('shows a line repeated within the file as a problem, and a statement of withdrawals only as nothing to confirm', async () => {
    const path = join(files.dir, 'repeated.csv');
    const cash = { kind: 'cash' as const, date: '2026-04-10', amount: 5000_00 };
    writeStatement('sbi', [s.lines[2]!, cash, cash], path);
    const p = await s.desk.ok('reconcile.dryRun', { path, account: ACCOUNTS.sbi });
    expect(statuses(p)).toEqual(['matched', 'not_fee', 'problem']);
    expect(p.lines[2]!.why).toMatch(/repeats row/);
    const debits = join(files.dir, 'debits.csv');
    writeStatement('sbi', [{ kind: 'debit', date: '2026-04-09', payee: 'BESCOM', amount: 2360_00 }], debits);
    const d = await s.desk.ok('reconcile.dryRun', { path: debits, account: ACCOUNTS.sbi });
    expect(d.counts).toMatchObject({ not_fee: 1, matched: 0, probable: 0, unmatched: 0 });
  });
});

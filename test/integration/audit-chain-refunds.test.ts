// The audit chain over refund vouchers: intact after a fee, a credit and a deposit refund; a voucher's amount changed
// behind FeeDesk's back, or the voucher deleted, is reported naming the voucher; one of its allocations changed in
// amount is reported, and a voucher slipped into the store with no audit entry is reported as not written by FeeDesk.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { behindTheBack } from '../support/tamper';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
const base = { method: { mode: 'cash' as const }, reason: 'Leaving', approver: ACCOUNTANT };

let desk: TestDesk;
/** The three vouchers written: a fee refund, advance credit refunded, and a deposit refunded with part set off. */
const vouchers: { id: string; voucherNo: string }[] = [];
let studentId: string;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  const deposit = await desk.ok('masters.createHead', { name: 'Caution deposit', deposit: true });
  const [fee, credit, held] = [await admit(desk, school), await admit(desk, school), await admit(desk, school)];
  studentId = fee.id;
  await desk.ok('charges.oneOff', {
    studentIds: [held.id],
    headId: deposit.id,
    label: 'Caution money',
    amount: 5_000_00,
    dueOn: '2026-04-02',
  });
  await desk.ok('payments.record', { studentIds: [fee.id], amount: 3_500_00, method: { mode: 'cash' } });
  await desk.ok('payments.record', { studentIds: [credit.id], amount: 20_500_00, method: { mode: 'cash' } });
  await desk.ok('payments.record', { studentIds: [held.id], amount: 8_500_00, method: { mode: 'cash' } });
  await desk.travelTo('2026-06-15T05:00:00Z');
  const tuition = (await desk.ok('refunds.refundable', { studentId: fee.id })).fees[0]!;
  const owed = (await desk.ok('refunds.refundable', { studentId: held.id })).owed.find((o) => o.installment === 'Quarter 2')!;
  vouchers.length = 0;
  vouchers.push(
    await desk.ok('refunds.record', { ...base, kind: 'fee', studentId: fee.id, lines: [{ dueId: tuition.dueId, amount: 2_000_00 }] }),
    await desk.ok('refunds.record', { ...base, kind: 'credit', studentId: credit.id, amount: 500_00 }),
    await desk.ok('refunds.record', {
      ...base,
      kind: 'deposit',
      studentId: held.id,
      amount: 3_000_00,
      setOff: [{ dueId: owed.dueId, amount: 1_500_00 }],
    }),
  );
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const verify = () => desk.ok('audit.verify');
const recorded = (field: string, now: string, then: string) =>
  expect.stringMatching(new RegExp(`^${field} is ${now}, but audit row \\d+ recorded ${then}$`));

describe('audit chain: refund vouchers', () => {
  it('is intact after a fee, a credit and a deposit refund', async () => {
    expect(await verify()).toMatchObject({ intact: true, firstBreak: null, findings: [] });
  });

  it('reports a voucher whose amount was changed, naming the voucher', async () => {
    const [, credit] = vouchers;
    await behindTheBack(desk, ['update refund set amount = 5000 where id = ?'], [[credit!.id]]);
    const report = await verify();
    expect(report).toMatchObject({ intact: false, firstBreak: null });
    expect(report.findings).toEqual([{ table: 'refund', row: credit!.voucherNo, problem: recorded('amount', '5000', '50000') }]);
  });

  it('reports a deleted voucher as missing, naming it', async () => {
    const [, , deposit] = vouchers;
    await behindTheBack(desk, ['delete from refund where id = ?'], [[deposit!.id]]);
    const report = await verify();
    expect(report.findings).toEqual([
      {
        table: 'refund',
        row: deposit!.voucherNo,
        problem: expect.stringMatching(/^written by refunds\.record \(audit row \d+\) but missing: it was deleted$/),
      },
    ]);
  });

  it('reports an allocation of a voucher changed in amount', async () => {
    const [fee] = vouchers;
    const side = await openSideStore(desk);
    const allocation = side.raw.prepare('select id, due_id, amount from allocation where event_id = ?').get(fee!.id) as {
      id: number;
      due_id: string;
      amount: number;
    };
    await side.close();
    expect(allocation.amount).toBe(-2_000_00);
    await behindTheBack(desk, ['update allocation set amount = -100000 where id = ?'], [[allocation.id]]);
    const report = await verify();
    expect(report.findings).toEqual([
      {
        table: 'allocation',
        row: String(allocation.id),
        problem: expect.stringMatching(
          new RegExp(`^allocates -100000 of refund ${fee!.voucherNo} to due ${allocation.due_id}, which audit row \\d+ did not record$`),
        ),
      },
      {
        table: 'allocation',
        row: fee!.voucherNo,
        problem: expect.stringMatching(new RegExp(`^refund ${fee!.voucherNo}'s allocation of -200000 to due ${allocation.due_id}`)),
      },
    ]);
  });

  it('reports a voucher written into the store with no audit entry', async () => {
    const side = await openSideStore(desk);
    const like = side.raw.prepare('select * from refund where id = ?').get(vouchers[0]!.id) as Record<string, unknown>;
    await side.close();
    const forged = { ...like, id: 'forged-refund', voucher_no: 'RF/2026-27/D01/00004', seq: 4, student_id: studentId };
    const columns = Object.keys(forged);
    await behindTheBack(
      desk,
      [`insert into refund (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`],
      [Object.values(forged)],
    );
    const report = await verify();
    expect(report.findings).toEqual([
      { table: 'refund', row: 'RF/2026-27/D01/00004', problem: 'has no audit entry: it was not written by FeeDesk' },
    ]);
  });
});

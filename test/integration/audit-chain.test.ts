// The audit trail as a hash chain: intact after a day's work; one changed byte in a payment, an allocation or an audit
// row is reported at that row, and so is a changed cancellation or bounce; a deleted row is a gap, a deleted payment or
// reversal is missing; a rewritten chain is caught by the signed checkpoint.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, type ChainRow } from '../../src/node-shared/audit-chain';
import { createKeyStore } from '../../src/main/db/key-store';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import type { InputOf } from '../../src/shared/contract';
import { openSideStore, openTestDesk, setUpSchool, TEST_KDF, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';
import { behindTheBack } from '../support/tamper';

let desk: TestDesk;
const DAY = '2026-04-02';
const receipts: string[] = [];
const paymentIds: string[] = [];
let studentB: string;
let school: SmallSchool;
const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(`${DAY}T05:00:00Z`);
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  const a = await admit(desk, school);
  const b = await admit(desk, school);
  studentB = b.id;
  receipts.length = 0;
  paymentIds.length = 0;
  const payments: InputOf<'payments.record'>[] = [
    { studentIds: [a.id], amount: 4_500_00, method: { mode: 'cash' } },
    { studentIds: [b.id], amount: 3_000_00, method: { mode: 'upi', utr: 'UTR0000012345' } },
    { studentIds: [b.id], amount: 1_500_00, method: { mode: 'cash' } },
  ];
  for (const payment of payments) {
    const receipt = await desk.ok('payments.record', payment);
    receipts.push(receipt.receiptNo);
    paymentIds.push(receipt.paymentId);
  }
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const verify = () => desk.ok('audit.verify');

/** `npm run audit:verify -- <db>` as an admin runs it, answering its prompt with the database key. */
function cli(input?: string) {
  const [key] = createKeyStore(desk.keychain, createFileSettingsStore(join(desk.dir, 'settings.json')), TEST_KDF).automaticKeys();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/audit-cli.ts', desk.dbPath], {
    input: `${input ?? key!.toString('hex')}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe('audit chain', () => {
  it('is intact after a day’s work, and sealed by a signed checkpoint at day close', async () => {
    const report = await verify();
    expect(report).toMatchObject({ intact: true, firstBreak: null, findings: [], payments: 3 });
    expect(report.rows).toBeGreaterThan(10);
    await desk.ok('dayClose.close', { date: DAY, cashCount: { '50000': 12 }, counted: { upi: 3_000_00 } });
    const after = await verify();
    expect(after).toMatchObject({ intact: true, checkpoints: 1 });
    // The chain's links are what they claim: each row's prev_hash is the row before's hash.
    const side = await openSideStore(desk);
    const rows = side.raw.prepare('select seq, prev_hash, hash from audit_log order by seq').all() as {
      seq: number;
      prev_hash: string;
      hash: string;
    }[];
    await side.close();
    rows.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]!.hash));
  });

  it('reports a payment changed by one digit, naming the receipt and the field', async () => {
    await behindTheBack(desk, ['update payment set amount = amount + 1 where receipt_no = ?'], [[receipts[1]]]);
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.firstBreak).toBeNull();
    expect(report.findings).toEqual([
      { table: 'payment', row: receipts[1], problem: expect.stringMatching(/^amount is 300001, but audit row \d+ recorded 300000$/) },
    ]);
  });

  it('reports an allocation moved to another due or changed in amount', async () => {
    const side = await openSideStore(desk);
    const allocation = side.raw
      .prepare('select a.id from allocation a join payment p on p.id = a.payment_id where p.receipt_no = ? order by a.id limit 1')
      .get(receipts[0]) as { id: number };
    await side.close();
    await behindTheBack(desk, ['update allocation set amount = amount - 100 where id = ?'], [[allocation.id]]);
    const report = await verify();
    expect(report.findings).toEqual([
      {
        table: 'allocation',
        row: String(allocation.id),
        problem: expect.stringMatching(
          new RegExp(`^allocates \\d+ of receipt ${receipts[0]} to due .+, which audit row \\d+ did not record$`),
        ),
      },
      {
        table: 'allocation',
        row: receipts[0],
        problem: expect.stringMatching(/allocation of \d+ to due .+ \(audit row \d+\) is missing$/),
      },
    ]);
  });

  it('reports the exact audit row whose content changed, as the first broken link', async () => {
    const side = await openSideStore(desk);
    const row = side.raw.prepare("select seq, after_json from audit_log where action = 'payments.record' order by seq limit 1").get() as {
      seq: number;
      after_json: string;
    };
    await side.close();
    await behindTheBack(
      desk,
      ['update audit_log set after_json = ? where seq = ?'],
      [[row.after_json.replace('"mode":"cash"', '"mode":"upi "'), row.seq]],
    );
    const report = await verify();
    expect(report.firstBreak).toEqual({
      table: 'audit_log',
      row: String(row.seq),
      problem: expect.stringMatching(/^its content does not match its hash \(payments\.record on payment /),
    });
    // The command line says the same, and exits 1.
    const run = cli();
    expect(run.status).toBe(1);
    expect(run.out).toMatch(new RegExp(`^BROKEN at audit_log row ${row.seq}: its content does not match its hash`));
  });

  it('the command line: intact with the right key, a clear refusal with a wrong one', async () => {
    const good = cli();
    expect(good.err).not.toMatch(/Error/);
    expect(good.status).toBe(0);
    expect(good.out).toMatch(/^intact: \d+ audit rows, 0 signed checkpoints, 3 payments checked/);
    const wrong = cli('ab'.repeat(32));
    expect(wrong.status).toBe(2);
    expect(wrong.err).toMatch(/the key or passphrase does not open this database/);
    const noSettings = cli('not a key but a passphrase');
    expect(noSettings.status).toBe(2);
    expect(noSettings.err).toMatch(/a passphrase needs the store's settings file/);
  });

  it('reports a deleted audit row as a gap, and a deleted payment as missing', async () => {
    const side = await openSideStore(desk);
    const seq = (
      side.raw.prepare("select seq from audit_log where action = 'students.create' order by seq limit 1").get() as { seq: number }
    ).seq;
    await side.close();
    await behindTheBack(desk, ['delete from audit_log where seq = ?'], [[seq]]);
    const report = await verify();
    expect(report.firstBreak).toEqual({ table: 'audit_log', row: String(seq + 1), problem: `rows ${seq}–${seq} are missing (deleted)` });
    expect(report.findings[1]).toEqual({
      table: 'audit_log',
      row: String(seq + 1),
      problem: expect.stringMatching(/link to the row before does not match/),
    });

    await behindTheBack(
      desk,
      [
        'delete from allocation where payment_id = (select id from payment where receipt_no = ?)',
        'delete from payment where receipt_no = ?',
      ],
      [[receipts[1]], [receipts[1]]],
    );
    const after = await verify();
    expect(after.findings.slice(2)).toEqual([
      { table: 'payment', row: receipts[1], problem: expect.stringMatching(/^recorded in audit row \d+ but missing from the payments$/) },
      { table: 'payment', row: 'sequence 3', problem: 'receipt numbers skip from 1 to 3' },
    ]);
  });

  it('catches a chain rewritten from a changed row onward, by the checkpoint signed before', async () => {
    await desk.ok('dayClose.close', { date: DAY, cashCount: { '50000': 12 }, counted: { upi: 3_000_00 } });
    // A forger with the database key edits a row and recomputes every hash after it: the chain holds, the signature does not.
    const side = await openSideStore(desk);
    const rows = side.raw
      .prepare(
        'select seq, id, at, user_id, desk_code, action, entity, entity_id, before_json, after_json, prev_hash from audit_log order by seq',
      )
      .all() as (ChainRow & { prev_hash: string })[];
    await side.close();
    const target = rows.find((r) => r.action === 'payments.record')!;
    target.after_json = target.after_json!.replace('"allocated":450000', '"allocated":45000');
    let prev = target.prev_hash;
    const updates: unknown[][] = [];
    for (const r of rows.filter((x) => x.seq >= target.seq)) {
      const hash = chainHash(prev, r);
      updates.push([r.after_json, prev, hash, r.seq]);
      prev = hash;
    }
    await behindTheBack(
      desk,
      updates.map(() => 'update audit_log set after_json = ?, prev_hash = ?, hash = ? where seq = ?'),
      updates,
    );
    const report = await verify();
    expect(report.findings).toEqual([
      {
        table: 'audit_checkpoint',
        row: expect.any(String),
        problem: expect.stringMatching(/^the chain's hash at row \d+ is not the one signed then/),
      },
    ]);
    expect(report.firstBreak).toEqual(report.findings[0]);
  });
});

describe('audit chain: cancellations and bounces', () => {
  /** Cancels the first receipt (with an approver) and bounces a new cheque receipt; returns their receipt numbers. */
  async function cancelAndBounce() {
    await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
    await desk.ok('payments.cancel', { paymentId: paymentIds[0]!, reason: 'wrong student', approver: ACCOUNTANT });
    const cheque = await desk.ok('payments.record', {
      studentIds: [studentB],
      amount: 2_000_00,
      method: { mode: 'cheque', chequeNo: '123456', bank: 'Canara Bank', chequeDate: DAY },
    });
    await desk.ok('payments.bounce', { paymentId: cheque.paymentId, bankReason: 'Insufficient funds' });
    return { cancelled: receipts[0]!, bounced: cheque.receiptNo };
  }

  it('is intact after a cancellation and a bounce, each recorded whole in its audit row', async () => {
    await cancelAndBounce();
    expect(await verify()).toMatchObject({ intact: true, findings: [], payments: 4 });
    const audit = await desk.ok('audit.list', { limit: 10 });
    const cancel = audit.find((a) => a.action === 'payments.cancel')!.after as {
      row: Record<string, unknown>;
      allocations: [string, number][];
    };
    expect(cancel.row).toMatchObject({ payment_id: paymentIds[0], kind: 'cancelled', reason: 'wrong student' });
    expect(cancel.allocations.length).toBeGreaterThan(0);
    expect(cancel.allocations.every(([, amount]) => amount < 0)).toBe(true);
  });

  it('reports a cancellation changed by one byte, naming the receipt and the field', async () => {
    const { cancelled } = await cancelAndBounce();
    await behindTheBack(desk, ["update payment_event set reason = 'wrong studenu' where kind = 'cancelled'"]);
    const report = await verify();
    expect(report.firstBreak).toBeNull();
    expect(report.findings).toEqual([
      {
        table: 'payment_event',
        row: cancelled,
        problem: expect.stringMatching(/^reason is "wrong studenu", but audit row \d+ recorded "wrong student"$/),
      },
    ]);
  });

  it('reports a bounce changed by one byte, and a reversing allocation changed in amount', async () => {
    const { bounced } = await cancelAndBounce();
    const side = await openSideStore(desk);
    const allocation = side.raw
      .prepare("select a.id from allocation a join payment_event e on e.id = a.event_id where e.kind = 'cancelled' order by a.id limit 1")
      .get() as { id: number };
    await side.close();
    await behindTheBack(
      desk,
      [
        "update payment_event set at = replace(at, 'T05:', 'T06:') where kind = 'bounced'",
        'update allocation set amount = amount + 1 where id = ?',
      ],
      [[], [allocation.id]],
    );
    const report = await verify();
    expect(report.findings).toEqual([
      {
        table: 'allocation',
        row: String(allocation.id),
        problem: expect.stringMatching(
          new RegExp(`^allocates -\\d+ of the cancellation of receipt ${receipts[0]} to due .+, which audit row \\d+ did not record$`),
        ),
      },
      {
        table: 'allocation',
        row: receipts[0],
        problem: expect.stringMatching(/^the cancellation of receipt .+'s allocation of -\d+ to due .+ \(audit row \d+\) is missing$/),
      },
      {
        table: 'payment_event',
        row: bounced,
        problem: expect.stringMatching(/^at is "2026-04-02T06:[^"]+", but audit row \d+ recorded "2026-04-02T05:[^"]+"$/),
      },
    ]);
  });

  it('reports a deleted cancellation or bounce as missing', async () => {
    const { cancelled, bounced } = await cancelAndBounce();
    await behindTheBack(desk, [
      'delete from allocation where event_id is not null',
      'delete from credit_entry where event_id is not null',
      'delete from payment_event',
    ]);
    const report = await verify();
    expect(report.firstBreak).toBeNull();
    expect(report.findings).toEqual([
      {
        table: 'payment_event',
        row: cancelled,
        problem: expect.stringMatching(/^its cancellation is recorded in audit row \d+ but missing from the payment events$/),
      },
      {
        table: 'payment_event',
        row: bounced,
        problem: expect.stringMatching(/^its bounce is recorded in audit row \d+ but missing from the payment events$/),
      },
    ]);
  });
});

describe('audit chain: credit, charges and waivers', () => {
  /** An overpayment (credit added), a refund of part of it, a waiver, and a bounced cheque (credit moved back, a charge levied). */
  async function moneyAroundTheEdges() {
    await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
    const c = await admit(desk, school);
    const over = await desk.ok('payments.record', { studentIds: [c.id], amount: 200_000_00, method: { mode: 'cash' } });
    await desk.ok('refunds.record', {
      kind: 'credit',
      studentId: c.id,
      amount: 1_000_00,
      method: { mode: 'cash' },
      reason: 'parent asked',
      approver: ACCOUNTANT,
    });
    const open = await desk.ok('payments.openDues', { studentIds: [studentB] });
    await desk.ok('payments.waive', {
      studentId: studentB,
      key: open.items[0]!.key,
      amount: 100_00,
      reason: 'hardship',
      approver: ACCOUNTANT,
    });
    const cheque = await desk.ok('payments.record', {
      studentIds: [c.id],
      amount: 3_000_00,
      method: { mode: 'cheque', chequeNo: '654321', bank: 'Canara Bank', chequeDate: DAY },
    });
    await desk.ok('payments.bounce', { paymentId: cheque.paymentId, bankReason: 'Insufficient funds' });
    const side = await openSideStore(desk);
    const ids = {
      overpayment: (
        side.raw.prepare("select id from credit_entry where kind = 'overpayment' and payment_id = ?").get(over.paymentId) as { id: string }
      ).id,
      refund: (side.raw.prepare("select id from credit_entry where kind = 'refund'").get() as { id: string }).id,
      waiver: (side.raw.prepare('select id from due_waiver').get() as { id: string }).id,
      charge: (side.raw.prepare("select id from due where kind = 'bounce_charge'").get() as { id: string }).id,
      overPayment: over.paymentId,
      student: c.id,
    };
    await side.close();
    return ids;
  }

  it('is intact after credit moves, a refund, a waiver and a bounce charge, each written row recorded in its audit row', async () => {
    const ids = await moneyAroundTheEdges();
    expect(await verify()).toMatchObject({ intact: true, findings: [] });
    const audit = await desk.ok('audit.list', { limit: 20 });
    const written = (action: string) =>
      (audit.find((a) => a.action === action)!.after as { written: Record<string, { id: string }[]> }).written;
    expect(written('refunds.record').credit_entry!.map((r) => r.id)).toEqual([ids.refund]);
    expect(written('payments.waive').due_waiver!.map((r) => r.id)).toEqual([ids.waiver]);
    expect(written('payments.bounce').due!.map((r) => r.id)).toEqual([ids.charge]);
    // The cheque went to advance credit (the student owed nothing): its bounce takes that credit back.
    expect(written('payments.bounce').credit_entry).toEqual([
      expect.objectContaining({ kind: 'reversal', amount: -3_000_00, student_id: ids.student }),
    ]);
  });

  it('reports a credit entry, a refund, a waiver or a bounce charge changed by one byte, at that row and field', async () => {
    const ids = await moneyAroundTheEdges();
    await behindTheBack(
      desk,
      [
        'update credit_entry set amount = amount + 1 where id = ?',
        "update credit_entry set note = 'parent askee' where id = ?",
        'update due_waiver set amount = 1000 where id = ?',
        'update due set amount = 5 where id = ?',
      ],
      [[ids.overpayment], [ids.refund], [ids.waiver], [ids.charge]],
    );
    const report = await verify();
    expect(report.firstBreak).toBeNull();
    const recorded = (field: string, now: string, then: string) =>
      expect.stringMatching(new RegExp(`^${field} is ${now}, but audit row \\d+ recorded ${then}$`));
    expect(report.findings).toEqual(
      expect.arrayContaining([
        { table: 'credit_entry', row: ids.overpayment, problem: recorded('amount', '\\d+', '\\d+') },
        { table: 'credit_entry', row: ids.refund, problem: recorded('note', '"parent askee"', '"parent asked"') },
        { table: 'due_waiver', row: ids.waiver, problem: recorded('amount', '1000', '10000') },
        { table: 'due', row: ids.charge, problem: recorded('amount', '5', '50000') },
      ]),
    );
    expect(report.findings).toHaveLength(4);
  });

  it('reports a deleted waiver, refund or charge as missing, and a credit entry slipped in beside a payment as not written by FeeDesk', async () => {
    const ids = await moneyAroundTheEdges();
    await behindTheBack(
      desk,
      [
        'delete from due_waiver where id = ?',
        'delete from credit_entry where id = ?',
        'delete from due where id = ?',
        "insert into credit_entry (id, student_id, amount, kind, payment_id, event_id, at, note, approved_by) values ('forged-credit', ?, 50000, 'overpayment', ?, null, '2026-04-02T05:00:00.000Z', null, null)",
      ],
      [[ids.waiver], [ids.refund], [ids.charge], [ids.student, ids.overPayment]],
    );
    const report = await verify();
    expect(report.firstBreak).toBeNull();
    const missing = (action: string) =>
      expect.stringMatching(new RegExp(`^written by ${action.replace('.', '\\.')} \\(audit row \\d+\\) but missing: it was deleted$`));
    expect(report.findings).toEqual(
      expect.arrayContaining([
        { table: 'credit_entry', row: ids.refund, problem: missing('refunds.record') },
        { table: 'due_waiver', row: ids.waiver, problem: missing('payments.waive') },
        { table: 'due', row: ids.charge, problem: missing('payments.bounce') },
        {
          table: 'credit_entry',
          row: 'forged-credit',
          problem: expect.stringMatching(
            /^belongs to the action of audit row \d+, which did not record it: it was not written by FeeDesk$/,
          ),
        },
      ]),
    );
    expect(report.findings).toHaveLength(4);
  });
});

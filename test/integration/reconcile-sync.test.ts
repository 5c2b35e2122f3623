// A bank reference is in the school's books once across desks (issue 19, items 7 and 9): the same statement line
// confirmed on two desks offline, or a UTR typed at two counters, is applied for the first desk to reach the server and
// refused for the second with the reason, which that desk lists like any refused change; a cancelled receipt frees its
// reference; one receipt is confirmed by one bank line; confirmations and bank-recorded payments reach the other desk,
// whose dry run and counter then know them, and a desk keeps its own confirmations through pulls and full resyncs.
// bank.confirm's arguments are checked strictly by the server.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { SYNC_SCHEMA_VERSION, type MutationArgsInput } from '../../src/shared/sync/protocol';
import { openSideStore, tempDir, type TestDesk } from '../support/harness';
import {
  ACCOUNT,
  ACCOUNTANT,
  deskHolds,
  heldTwice,
  QUARTER,
  reconcileSchool,
  type ReconcileSchool,
  serverHolds,
  syncAll,
} from '../support/reconcile-desks';
import { writeStatement, type Line } from '../support/statements';
import { syncBackends } from '../support/sync-server';

const backends = await syncBackends();

const files = tempDir();
afterAll(() => files.cleanup());

const refusal = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

const upiLine = (utr: string, note: string, amount = QUARTER): Line => ({
  kind: 'upi',
  date: '2026-04-03',
  utr,
  payer: 'PARENT',
  vpa: 'parent@oksbi',
  note,
  amount,
});

function statement(lines: Line[]): string {
  const path = join(files.dir, `${randomUUID()}.csv`);
  writeStatement('sbi', lines, path);
  return path;
}

async function confirmAll(desk: TestDesk, path: string) {
  const p = await desk.ok('reconcile.dryRun', { path, account: ACCOUNT });
  return desk.ok('reconcile.confirm', { statementId: p.statementId, lines: p.lines.map((l) => ({ row: l.row })) });
}

describe.each(backends)('bank references across desks, through a %s server', (_name, backend) => {
  let s: ReconcileSchool;
  let a: TestDesk;
  let b: TestDesk;
  beforeEach(async () => {
    s = await reconcileSchool(backend, 3);
    [a, b] = s.desks;
  }, 120_000);
  afterEach(() => s.close());

  it('applies a statement line confirmed on two desks offline once, and refuses the second desk’s payment and confirmation with the reason', async () => {
    const [asha, bala] = s.students;
    const path = statement([upiLine('612345678901', `${asha!.admissionNo} FEES`), upiLine('712345678901', `${bala!.admissionNo} FEES`)]);
    const onA = await confirmAll(a, path);
    const onB = await confirmAll(b, path);
    expect(onA.recorded).toHaveLength(2);
    expect(onB.recorded).toHaveLength(2);

    expect(await a.app.sync.runNow()).toMatchObject({ rejected: 0 });
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 4 });
    const refused = await b.ok('sync.rejected');
    expect(refused.map((r) => r.name).sort()).toEqual(['bank.confirm', 'bank.confirm', 'payments.record', 'payments.record']);
    for (const [i, utr] of ['612345678901', '712345678901'].entries()) {
      const mine = onB.recorded[i]!.receiptNo;
      const first = onA.recorded[i]!.receiptNo;
      const record = refused.find(
        (r) => r.name === 'payments.record' && (r.record as MutationArgsInput<'payments.record'>).payment.receipt_no === mine,
      )!;
      expect(record.reason).toBe(
        `bank reference ${utr} of receipt ${mine} is in the school's books already, by receipt ${first}: the same money cannot be recorded twice`,
      );
      const confirm = refused.find((r) => r.name === 'bank.confirm' && (r.record as MutationArgsInput<'bank.confirm'>).key === utr)!;
      expect(confirm.reason).toBe(
        `the bank line of 2026-04-03 for ₹4,500.00 (${utr}) is in the school's books already, by receipt ${first}: the same money cannot be recorded twice`,
      );
    }
    const status = await b.ok('sync.status');
    expect(status).toMatchObject({ queue: 0, rejected: 4 });
    expect((await b.ok('reports.dashboard')).pending.syncRejected).toBe(4);

    // The server holds each line once, as desk D01's payment.
    const server = await serverHolds(s.server.database.db);
    expect(heldTwice(server.holds)).toEqual(new Map());
    expect(server.table).toEqual(new Map(onA.recorded.map((r, i) => [['612345678901', '712345678901'][i]!, r.paymentId])));
    // Desk D02 has D01's payments and confirmations now: the statement is in its books, by D01's receipts.
    const again = await b.ok('reconcile.dryRun', { path, account: ACCOUNT });
    expect(again.lines.map((l) => l.status)).toEqual(['in_books', 'in_books']);
    for (const [i, line] of again.lines.entries()) expect(line.why).toContain(onA.recorded[i]!.receiptNo);
    // Its own refused receipts stay in its books, listed as refused, for the accountant to deal with: apart from them,
    // no reference is held twice there.
    const onDesk = await deskHolds(b);
    expect(new Set(onDesk.filter((h) => h.refused).map((h) => h.paymentId))).toEqual(new Set(onB.recorded.map((r) => r.paymentId)));
    expect([...heldTwice(onDesk.filter((h) => !h.refused))]).toEqual([]);
    expect([...heldTwice(await deskHolds(a))]).toEqual([]);
  });

  it('refuses at the server a second payment naming a UPI QR reference another desk’s receipt paid offline', async () => {
    const [asha] = s.students;
    const shown = await a.ok('payments.upiRequest', { studentIds: [asha!.id], amount: 1000_00 });
    await syncAll(a, b);
    // The parent paid once; both counters saved the payment under the QR's reference while the network was down.
    const method = { mode: 'upi' as const, upiRef: shown.reference };
    const first = await a.ok('payments.record', { studentIds: [asha!.id], amount: 1000_00, method });
    const second = await b.ok('payments.record', { studentIds: [asha!.id], amount: 1000_00, method });
    await a.app.sync.runNow();
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 1 });
    const [refused] = await b.ok('sync.rejected');
    expect(refused).toMatchObject({
      name: 'payments.record',
      reason: `UPI reference ${shown.reference} of receipt ${second.receiptNo} is in the school's books already, by receipt ${first.receiptNo}: the same money cannot be recorded twice`,
    });
    expect((await serverHolds(s.server.database.db)).table.get(`QR:${shown.reference}`)).toBe(first.paymentId);
  });

  it('refuses at the server a UTR typed at a second desk’s counter while it was offline', async () => {
    const [asha, bala] = s.students;
    const first = await a.ok('payments.record', {
      studentIds: [asha!.id],
      amount: 1000_00,
      method: { mode: 'upi', utr: '4071 2345 6789' },
    });
    const second = await b.ok('payments.record', { studentIds: [bala!.id], amount: 1000_00, method: { mode: 'upi', utr: '407123456789' } });
    await a.app.sync.runNow();
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 1 });
    const [refused] = await b.ok('sync.rejected');
    expect(refused).toMatchObject({
      name: 'payments.record',
      reason: `bank reference 407123456789 of receipt ${second.receiptNo} is in the school's books already, by receipt ${first.receiptNo}: the same money cannot be recorded twice`,
    });
    expect((await s.server.database.db.selectFrom('payment').select('id').where('id', '=', second.paymentId).execute()).length).toBe(0);
    // Desk D01 never hears of it.
    await a.app.sync.runNow();
    expect(refusal(await a.call('payments.receipt', { paymentId: second.paymentId }))).toMatchObject({ code: 'not_found' });
  });

  it('takes a reference again once the receipt holding it is cancelled, on the desk that cancelled it and on the other', async () => {
    const [asha, bala, chitra] = s.students;
    const utr = { mode: 'upi' as const, utr: '507123456789' };
    const first = await a.ok('payments.record', { studentIds: [asha!.id], amount: 1000_00, method: utr });
    await syncAll(a, b);
    expect(refusal(await b.call('payments.record', { studentIds: [bala!.id], amount: 1000_00, method: utr }))).toMatchObject({
      field: 'method.utr',
      message: `method.utr 507123456789 is in the books already, by receipt ${first.receiptNo}`,
    });
    await a.ok('payments.cancel', { paymentId: first.paymentId, reason: 'Wrong student', approver: ACCOUNTANT });
    await syncAll(a, b);
    const again = await b.ok('payments.record', { studentIds: [bala!.id], amount: 1000_00, method: utr });
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 0 });
    const server = await serverHolds(s.server.database.db);
    expect(server.table.get('507123456789')).toBe(again.paymentId);
    expect(heldTwice(server.holds)).toEqual(new Map());
    // And the first desk refuses it at its counter once it has the new receipt.
    await a.app.sync.runNow();
    expect(refusal(await a.call('payments.record', { studentIds: [chitra!.id], amount: 1000_00, method: utr }))).toMatchObject({
      message: `method.utr 507123456789 is in the books already, by receipt ${again.receiptNo}`,
    });
  });

  it('refuses at the server a second bank line confirming a receipt another desk confirmed with a line of its own', async () => {
    // The payer scanned D01's counter QR once but the school's statements show two credits quoting it (paid twice): each
    // desk, offline, confirms the receipt with the line of the statement it read. One receipt is one bank credit.
    const [asha] = s.students;
    const qr = await a.ok('payments.upiRequest', { studentIds: [asha!.id], amount: QUARTER });
    const paid = await a.ok('payments.record', { studentIds: [asha!.id], amount: QUARTER, method: { mode: 'upi', upiRef: qr.reference } });
    await syncAll(a, b);
    const first = await a.ok('reconcile.dryRun', { path: statement([upiLine('612345678901', qr.reference)]), account: ACCOUNT });
    const second = await b.ok('reconcile.dryRun', { path: statement([upiLine('612345678902', qr.reference)]), account: ACCOUNT });
    for (const [desk, p] of [
      [a, first],
      [b, second],
    ] as const) {
      expect(p.lines[0]!.action).toEqual({ kind: 'confirm', paymentId: paid.paymentId, receiptNo: paid.receiptNo });
      await desk.ok('reconcile.confirm', { statementId: p.statementId, lines: [{ row: p.lines[0]!.row }] });
    }
    await a.app.sync.runNow();
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 1 });
    const [refused] = await b.ok('sync.rejected');
    expect(refused).toMatchObject({
      name: 'bank.confirm',
      reason: `bank line 612345678902 confirms receipt ${paid.receiptNo}, which the bank line 612345678901 confirms already: one receipt is one bank credit`,
    });
    // On D01 the second credit is still the bank's alone: in the bank, not in the books.
    await a.app.sync.runNow();
    const onA = await a.ok('reconcile.dryRun', { path: statement([upiLine('612345678902', qr.reference)]), account: ACCOUNT });
    expect(onA.lines[0]!.status).not.toBe('in_books');
  });

  it('keeps syncing when both desks cancel the same receipt offline: the second cancel is refused, the reference is free', async () => {
    // Found by the property: pulling the first desk's cancel of a receipt the second had cancelled itself stopped the
    // second desk's sync for good (a receipt is reversed once: the second reversal could not be written).
    const [asha, bala] = s.students;
    const utr = { mode: 'upi' as const, utr: '612345678901' };
    const paid = await a.ok('payments.record', { studentIds: [asha!.id], amount: 1000_00, method: utr });
    await syncAll(a, b);
    for (const desk of [a, b])
      await desk.ok('payments.cancel', { paymentId: paid.paymentId, reason: 'Wrong student', approver: ACCOUNTANT });
    await a.app.sync.runNow();
    const later = await a.ok('payments.record', { studentIds: [bala!.id], amount: 500_00, method: { mode: 'cash' } });
    await a.app.sync.runNow();
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 1 });
    expect(await b.ok('sync.rejected')).toMatchObject([
      { name: 'payments.cancel', reason: `receipt ${paid.receiptNo} was already cancelled` },
    ]);
    expect(await b.ok('sync.status')).toMatchObject({ lastError: null, queue: 0 });
    expect((await b.ok('payments.receipt', { paymentId: later.paymentId })).receiptNo).toBe(later.receiptNo);
    expect((await b.ok('payments.receipt', { paymentId: paid.paymentId })).status).toBe('cancelled');
    const again = await b.ok('payments.record', { studentIds: [bala!.id], amount: 1000_00, method: utr });
    await syncAll(a, b);
    expect((await serverHolds(s.server.database.db)).table.get('612345678901')).toBe(again.paymentId);
  });

  it('keeps a line with its own receipt when it pulls another desk’s confirmation of it to a receipt cancelled since', async () => {
    // Found by the property: D01 confirms a line offline and cancels that receipt; D02, offline too, records the line,
    // and reaches the server after both. The server rightly applies all of it; D02 then pulls D01's confirmation.
    const [asha] = s.students;
    const path = statement([upiLine('612345678901', `${asha!.admissionNo} FEES`)]);
    const mine = await confirmAll(b, path);
    const theirs = await confirmAll(a, path);
    await a.ok('payments.cancel', { paymentId: theirs.recorded[0]!.paymentId, reason: 'Wrong student', approver: ACCOUNTANT });
    await a.app.sync.runNow();
    expect(await b.app.sync.runNow()).toMatchObject({ rejected: 0 });
    const held = { key: '612345678901', paymentId: mine.recorded[0]!.paymentId, refused: false };
    expect((await serverHolds(s.server.database.db)).holds).toContainEqual({ ...held, via: 'line' });
    expect(await deskHolds(b)).toContainEqual({ ...held, via: 'line' });
    const onB = await b.ok('reconcile.dryRun', { path, account: ACCOUNT });
    expect(onB.lines[0]).toMatchObject({ status: 'in_books', why: expect.stringContaining(mine.recorded[0]!.receiptNo) });
  });

  it('keeps a line with the receipt it is in the books as when a desk pulls the whole school again', async () => {
    // D01 records a line; D02 cancels that receipt (a wrong student) and records the line again, for the right one.
    const [asha, bala] = s.students;
    const path = statement([upiLine('612345678901', `${asha!.admissionNo} FEES`)]);
    const first = await confirmAll(a, path);
    await syncAll(a, b);
    await b.ok('payments.cancel', { paymentId: first.recorded[0]!.paymentId, reason: 'Wrong student', approver: ACCOUNTANT });
    const p = await b.ok('reconcile.dryRun', { path, account: ACCOUNT });
    const again = await b.ok('reconcile.confirm', { statementId: p.statementId, lines: [{ row: p.lines[0]!.row, studentId: bala!.id }] });
    await syncAll(a, b);
    const before = await deskHolds(b);
    expect(before).toContainEqual({ key: '612345678901', paymentId: again.recorded[0]!.paymentId, via: 'line', refused: false });

    // A full resync replays D01's confirmation of the line (to the receipt since cancelled) over D02's own, newer one.
    const side = await openSideStore(b);
    await side.db.updateTable('sync_state').set({ cookie: null }).execute();
    await side.close();
    await b.app.sync.runNow();
    expect(await deskHolds(b)).toEqual(before);
    const onB = await b.ok('reconcile.dryRun', { path, account: ACCOUNT });
    expect(onB.lines[0]).toMatchObject({ status: 'in_books', why: expect.stringContaining(again.recorded[0]!.receiptNo) });
  });

  it('carries confirmations and bank-recorded payments to the other desk: its dry run shows them in the books, its counter refuses them', async () => {
    const [asha, bala, chitra] = s.students;
    // A UTR typed at D01's counter, then seen in the statement (confirmed); a line D01 records as a new payment; a line
    // D01 leaves waiting.
    const typed = await a.ok('payments.record', { studentIds: [asha!.id], amount: QUARTER, method: { mode: 'upi', utr: '812345678901' } });
    const path = statement([
      upiLine('812345678901', 'FEES'),
      upiLine('912345678901', `${bala!.admissionNo} FEES`),
      { kind: 'neft', date: '2026-04-04', utr: 'N123260012340003', payer: 'CHITRA PARENT', note: 'FEES', amount: 1234_00 },
    ]);
    const p = await a.ok('reconcile.dryRun', { path, account: ACCOUNT });
    expect(p.lines.map((l) => l.status)).toEqual(['matched', 'matched', 'unmatched']);
    const done = await a.ok('reconcile.confirm', {
      statementId: p.statementId,
      lines: [{ row: p.lines[0]!.row }, { row: p.lines[1]!.row }],
    });
    expect(done).toMatchObject({ confirmed: 1, recorded: [{ amount: QUARTER }] });
    await syncAll(a, b);

    const onB = await b.ok('reconcile.dryRun', { path, account: ACCOUNT });
    expect(onB.lines.map((l) => l.status)).toEqual(['in_books', 'in_books', 'unmatched']);
    expect(onB.lines[0]!.why).toContain(typed.receiptNo);
    expect(onB.lines[1]!.why).toContain(done.recorded[0]!.receiptNo);
    for (const utr of ['8123 4567 8901', '912345678901'])
      expect(
        refusal(await b.call('payments.record', { studentIds: [chitra!.id], amount: 100_00, method: { mode: 'upi', utr } })),
      ).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/is in the books already, by receipt/),
      });
    expect(
      refusal(
        await b.call('payments.record', {
          studentIds: [chitra!.id],
          amount: 100_00,
          method: { mode: 'bank_transfer', reference: '912345678901' },
        }),
      ),
    ).toMatchObject({ field: 'method.reference' });
    // The line D01 left waiting is D02's to confirm, and then D01's dry run has it in the books.
    await b.ok('reconcile.confirm', { statementId: onB.statementId, lines: [{ row: onB.lines[2]!.row, studentId: chitra!.id }] });
    await syncAll(a, b);
    expect((await a.ok('reconcile.dryRun', { path, account: ACCOUNT })).lines.map((l) => l.status)).toEqual([
      'in_books',
      'in_books',
      'in_books',
    ]);
    for (const desk of [a, b]) expect([...heldTwice(await deskHolds(desk))]).toEqual([]);
    expect((await b.ok('sync.rejected')).length + (await a.ok('sync.rejected')).length).toBe(0);
  });
});

describe('bank.confirm over the wire', () => {
  let s: ReconcileSchool;
  afterAll(() => s?.close());

  it('is refused whole (400) with an unknown key or a bad field, and nothing is written', async () => {
    s = await reconcileSchool({ kind: 'pglite' }, 1);
    const [a] = s.desks;
    await a.ok('payments.record', { studentIds: [s.students[0]!.id], amount: QUARTER, method: { mode: 'upi', utr: '612345678901' } });
    const path = statement([upiLine('612345678901', 'FEES')]);
    const p = await a.ok('reconcile.dryRun', { path, account: ACCOUNT });
    await a.ok('reconcile.confirm', { statementId: p.statementId, lines: [{ row: p.lines[0]!.row }] });
    const side = await openSideStore(a);
    const [state, outbox] = await Promise.all([
      side.db.selectFrom('sync_state').select(['desk_id', 'token', 'last_ack']).executeTakeFirstOrThrow(),
      side.db.selectFrom('outbox').select(['name', 'args_json']).where('acked_at', 'is', null).orderBy('mutation_id').execute(),
    ]);
    await side.close();
    const { desk_id: deskId, token, last_ack: lastAck } = state;
    const confirm = JSON.parse(outbox.find((o) => o.name === 'bank.confirm')!.args_json) as Record<string, unknown>;
    const count = async () =>
      Number(
        (
          await s.server.database.db
            .selectFrom('mutation')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const send = (args: unknown) =>
      s.server.app.inject({
        method: 'POST',
        url: '/v1/push',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token!}` },
        payload: JSON.stringify({
          deskId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ mutationId: lastAck + 1, id: randomUUID(), name: 'bank.confirm', args }],
        }),
      });
    const spoilt: [string, unknown, RegExp][] = [
      ['an unknown key', { ...confirm, payer: 'someone' }, /args\.: Unrecognized key: "payer"/],
      ['a key in lower case', { ...confirm, key: 'utr-612345678901' }, /args\.key: /],
      ['an account that is not a number', { ...confirm, account: 'SBI fees' }, /args\.account: /],
      ['a date in another form', { ...confirm, lineDate: '03/04/2026' }, /args\.lineDate: /],
      ['an amount of nothing', { ...confirm, amount: 0 }, /args\.amount: /],
      ['an outcome no desk writes', { ...confirm, outcome: 'bounced' }, /args\.outcome: /],
      ['no payment', { ...confirm, paymentId: undefined }, /args\.paymentId: /],
      ['a payment id that is not one', { ...confirm, paymentId: 'receipt-1' }, /args\.paymentId: /],
    ];
    for (const [label, args, message] of spoilt) {
      const res = await send(args);
      expect(res.statusCode, label).toBe(400);
      expect(res.json(), label).toMatchObject({ error: { code: 'invalid_mutation', message: expect.stringMatching(message) } });
    }
    expect(await count()).toBe(before);
    // As the desk wrote it, it goes through.
    expect(await a.app.sync.runNow()).toMatchObject({ rejected: 0 });
  });
});

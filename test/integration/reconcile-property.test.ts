// "No bank reference is ever in the books twice" (issue 19, Must show), over random sequences of what two desks of a
// school do with one pool of UTRs: UPI and bank transfers taken at the counter (a UTR typed, or the counter's UPI QR
// shown), statements imported (dry run, some lines confirmed, overlapping statements imported again), receipts
// cancelled, sync rounds in between and now and then a desk pulling the whole school again. Once both desks have synced
// to quiescence, the server and each desk hold each reference by one standing payment at most and each receipt by one
// bank line at most, and all three agree on which. A desk still holds a change the server refused (it is listed for the
// accountant): such holds are left out on that desk, and only such holds.
//
// FEEDESK_PROPERTY_RUNS=300 runs more sequences (20 by default). FEEDESK_PROPERTY_SEED=<seed> runs again the sequences
// of the seed a failure printed, from the first (they share one school, so the earlier ones set the scene; ids differ).
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSideStore, tempDir, type TestDesk } from '../support/harness';
import {
  ACCOUNT,
  ACCOUNTANT,
  confirmedTwice,
  deskHolds,
  type Hold,
  heldTwice,
  QUARTER,
  reconcileSchool,
  type ReconcileSchool,
  serverHolds,
} from '../support/reconcile-desks';
import { writeStatement, type Line } from '../support/statements';

const RUNS = Number(process.env['FEEDESK_PROPERTY_RUNS'] ?? 20);
const SEED = process.env['FEEDESK_PROPERTY_SEED'] === undefined ? {} : { seed: Number(process.env['FEEDESK_PROPERTY_SEED']) };
/** References one sequence draws from: few, so the desks keep running into each other's. */
const POOL = 4;
const STUDENTS = 4;

const files = tempDir();
afterAll(() => files.cleanup());

type Action =
  | { kind: 'counter'; desk: number; ref: number; student: number; amount: number; mode: 'upi' | 'bank_transfer' }
  | { kind: 'statement'; desk: number; refs: number[]; confirm: boolean[]; student: number }
  | { kind: 'cancel'; desk: number; nth: number }
  | { kind: 'sync'; desk: number }
  | { kind: 'resync'; desk: number };

const desk = fc.integer({ min: 0, max: 1 });
/** Money coming in (the counter, statements) more often than receipts cancelled or a desk syncing on its own. */
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('counter' as const),
      desk,
      ref: fc.nat(POOL - 1),
      student: fc.nat(STUDENTS - 1),
      amount: fc.constantFrom(1000_00, 1234_00, QUARTER),
      mode: fc.constantFrom('upi' as const, 'bank_transfer' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('statement' as const),
      desk,
      refs: fc.shuffledSubarray([...Array(POOL).keys()], { minLength: 1 }),
      confirm: fc.array(fc.boolean(), { minLength: POOL, maxLength: POOL }),
      student: fc.nat(STUDENTS - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), desk, nth: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), desk }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resync' as const), desk }) },
);

describe('bank references across two desks and a server', () => {
  let s: ReconcileSchool;
  let run = 0;
  beforeAll(async () => {
    s = await reconcileSchool({ kind: 'pglite' }, STUDENTS);
  }, 120_000);
  afterAll(() => s?.close());

  /**
   * This sequence's references and the bank line each is: a UPI payment of a quarter or a NEFT transfer, naming a
   * student; the UPI ones quote the counter's UPI QR of this sequence, once one is shown (the payer paid twice under it).
   */
  function pool(): { ref: string; line: (qr: string | null) => Line }[] {
    run += 1;
    return Array.from({ length: POOL }, (_, i) => {
      const n = String(run * 100 + i).padStart(8, '0');
      const date = `2026-04-0${3 + i}`;
      const named = s.students[i % STUDENTS]!.admissionNo;
      if (i % 2 === 0) {
        const utr = `6123${n}`;
        return {
          ref: utr,
          line: (qr) => ({
            kind: 'upi',
            date,
            utr,
            payer: 'PARENT',
            vpa: 'parent@oksbi',
            note: `${named} ${qr ?? 'FEES'}`,
            amount: QUARTER,
          }),
        };
      }
      const utr = `N1232600${n}`;
      const amount = [1000_00, 1234_00][(i >> 1) % 2]!;
      return { ref: utr, line: () => ({ kind: 'neft', date, utr, payer: 'PARENT', note: `${named} FEES`, amount }) };
    });
  }

  /** The counter's UPI QR for a quarter, paid by scanning it: a receipt with the QR's reference and no UTR. */
  async function qr(d: TestDesk, student: number): Promise<string> {
    const studentIds = [s.students[student]!.id];
    const shown = await d.ok('payments.upiRequest', { studentIds, amount: QUARTER });
    await d.ok('payments.record', { studentIds, amount: QUARTER, method: { mode: 'upi', upiRef: shown.reference } });
    return shown.reference;
  }

  async function counter(d: TestDesk, a: Extract<Action, { kind: 'counter' }>, ref: string) {
    const method = a.mode === 'upi' ? { mode: 'upi' as const, utr: ref } : { mode: 'bank_transfer' as const, reference: ref };
    const r = await d.call('payments.record', { studentIds: [s.students[a.student]!.id], amount: a.amount, method });
    // The only refusal: the desk's books hold the reference already.
    if (!r.ok)
      expect(r.error, 'payments.record').toMatchObject({ code: 'conflict', message: expect.stringMatching(/in the books already/) });
  }

  async function statement(d: TestDesk, a: Extract<Action, { kind: 'statement' }>, refs: ReturnType<typeof pool>, shown: string | null) {
    const path = join(files.dir, `run${run}-${Math.random().toString(36).slice(2)}.csv`);
    writeStatement(
      'sbi',
      a.refs.map((i) => refs[i]!.line(shown)),
      path,
    );
    const p = await d.ok('reconcile.dryRun', { path, account: ACCOUNT });
    const lines = p.lines
      .filter((l, i) => a.confirm[i] && (l.status === 'matched' || l.status === 'probable' || l.status === 'unmatched'))
      .map((l) => (l.status === 'matched' ? { row: l.row } : { row: l.row, studentId: s.students[a.student]!.id }));
    if (lines.length === 0) return;
    // A line left unmatched because a receipt of another amount has its reference, re-assigned by hand, is refused.
    const r = await d.call('reconcile.confirm', { statementId: p.statementId, lines });
    if (!r.ok)
      expect(r.error, 'reconcile.confirm').toMatchObject({ code: 'conflict', message: expect.stringMatching(/in the books already/) });
  }

  async function cancel(d: TestDesk, nth: number, refs: string[]) {
    const ids = new Set((await deskHolds(d)).filter((h) => refs.includes(h.key)).map((h) => h.paymentId));
    if (ids.size === 0) return;
    // By receipt number, not by id (random): a seed replays the same sequence.
    const held = await Promise.all([...ids].map((paymentId) => d.ok('payments.receipt', { paymentId })));
    held.sort((x, y) => x.receiptNo.localeCompare(y.receiptNo));
    await d.ok('payments.cancel', {
      paymentId: held[nth % held.length]!.paymentId,
      reason: 'Recorded against the wrong student',
      approver: ACCOUNTANT,
    });
  }

  /** The desk forgets how far it has pulled, as after a restored server: the next round applies the whole school again. */
  async function resync(d: TestDesk) {
    const side = await openSideStore(d);
    await side.db.updateTable('sync_state').set({ cookie: null }).execute();
    await side.close();
    await d.app.sync.runNow();
  }

  /** Sync rounds on both desks until a round on each sends and fetches nothing. */
  async function quiesce() {
    for (let pass = 0; pass < 6; pass++) {
      let moved = 0;
      for (const d of s.desks) {
        const round = (await d.app.sync.runNow())!;
        moved += round.pushed + round.pulled;
      }
      if (moved === 0) return;
    }
    throw new Error('the desks did not settle after six sync rounds each');
  }

  const standing = (holds: Hold[]) => [...new Set(holds.filter((h) => !h.refused).map((h) => `${h.key} ${h.paymentId} ${h.via}`))].sort();

  it(
    'holds no bank reference twice and no receipt by two bank lines, on the server or on either desk, after any sequence',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.record({ desk, student: fc.nat(STUDENTS - 1) })),
          fc.array(action, { minLength: 2, maxLength: 8 }),
          async (paidByQr, actions) => {
            const refs = pool();
            const keys = refs.map((r) => r.ref);
            // A payer who scanned a desk's counter QR earlier, synced to both desks before the sequence starts.
            const shown = paidByQr && (await qr(s.desks[paidByQr.desk]!, paidByQr.student));
            if (shown) await quiesce();
            for (const a of actions) {
              const d = s.desks[a.desk]!;
              if (a.kind === 'counter') await counter(d, a, refs[a.ref]!.ref);
              else if (a.kind === 'statement') await statement(d, a, refs, shown);
              else if (a.kind === 'cancel') await cancel(d, a.nth, keys);
              else if (a.kind === 'resync') await resync(d);
              else await d.app.sync.runNow();
            }
            await quiesce();

            const server = await serverHolds(s.server.database.db);
            expect(heldTwice(server.holds), 'server: references held twice').toEqual(new Map());
            for (const h of server.holds) expect(server.table.get(h.key), `server: bank_reference of ${h.key}`).toBe(h.paymentId);
            const fromServer = (h: Hold) => !h.refused;
            const [onA, onB] = [await deskHolds(s.desks[0]), await deskHolds(s.desks[1])];
            expect(heldTwice(onA.filter(fromServer)), 'D01: references held twice').toEqual(new Map());
            expect(heldTwice(onB.filter(fromServer)), 'D02: references held twice').toEqual(new Map());
            expect(confirmedTwice(server.holds), 'server: receipts confirmed by two lines').toEqual(new Map());
            expect(confirmedTwice(onA.filter(fromServer)), 'D01: receipts confirmed by two lines').toEqual(new Map());
            expect(confirmedTwice(onB.filter(fromServer)), 'D02: receipts confirmed by two lines').toEqual(new Map());
            // The three agree on who holds what, but for what the server refused a desk (kept there, listed as refused).
            const onServer = standing(server.holds);
            expect(standing(onA), 'D01 against the server').toEqual(onServer);
            expect(standing(onB), 'D02 against the server').toEqual(onServer);
          },
        ),
        { numRuns: RUNS, endOnFailure: true, ...SEED },
      );
    },
    RUNS * 20_000,
  );
});

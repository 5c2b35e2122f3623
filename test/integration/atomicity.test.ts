// One transaction per action: a failure at the very last write leaves no trace of the payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../src/main/db/open';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

let desk: TestDesk;
let school: SmallSchool;
let side: OpenedStore;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  // A second connection to the same encrypted file, as an attacker of the last write.
  side = await openSideStore(desk);
});
afterAll(async () => {
  await side.close();
  await desk.close();
});

const count = async (table: 'payment' | 'allocation' | 'credit_entry' | 'audit_log' | 'outbox' | 'receipt_series') =>
  Number(
    (
      await side.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a payment is all or nothing', () => {
  it('rolls back payment, allocations, credit, fines, receipt number and audit when the outbox write fails', async () => {
    const s = await admit(desk, school);
    await desk.travelTo('2026-05-10T05:00:00Z'); // a late fine is pending, so a fine due would be levied too
    const before = {
      payments: await count('payment'),
      allocations: await count('allocation'),
      audit: await count('audit_log'),
      outbox: await count('outbox'),
      series: await count('receipt_series'),
    };
    await side.raw.exec("create trigger break_outbox before insert on outbox begin select raise(abort, 'disk full (injected)'); end");

    const failed = await desk.call('payments.record', { studentIds: [s.id], amount: 25_000_00, method: { mode: 'cash' } });
    expect(failed.ok ? null : failed.error.code).toBe('internal');
    expect(desk.errors.splice(0)).toHaveLength(1);
    expect({
      payments: await count('payment'),
      allocations: await count('allocation'),
      audit: await count('audit_log'),
      outbox: await count('outbox'),
      series: await count('receipt_series'),
    }).toEqual(before);
    expect(await count('credit_entry')).toBe(0);
    const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
    expect(dues.items.find((i) => i.kind === 'fine')?.key).toMatch(/^fine:/); // still pending, not levied

    await side.raw.exec('drop trigger break_outbox');
    const ok = await desk.ok('payments.record', { studentIds: [s.id], amount: 25_000_00, method: { mode: 'cash' } });
    expect(ok.receiptNo).toBe('2026-27/D01/000001');
    expect(await count('payment')).toBe(before.payments + 1);
  });
});

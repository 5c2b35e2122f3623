// The demo school, whole: every student's ledger agrees with their dues screen, and the school's totals agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoSchool } from '../../src/main/demo/open-demo';
import { openTestDesk, type TestDesk } from '../support/harness';

let desk: TestDesk;
let made: Awaited<ReturnType<TestDesk['app']['generateDemoSchool']>>;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2027-02-15T06:00:00Z');
  made = await desk.app.generateDemoSchool({ students: 300, until: '2027-02-15', seed: 7 });
  await desk.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
}, 120_000);
afterAll(() => desk.close());

describe('demo school', () => {
  it('has a year of payments in every mode, with cancellations and bounces', async () => {
    expect(made.students).toBe(300);
    expect(made.payments).toBeGreaterThan(600);
    expect(made.cancelled).toBeGreaterThan(0);
    const modes = new Set((await desk.ok('payments.list', { limit: 500 })).map((p) => p.mode));
    expect([...modes].sort()).toEqual(['bank_transfer', 'card', 'cash', 'cheque', 'online', 'upi']);
    const concessions = await desk.ok('concessions.list', { status: 'approved' });
    expect(concessions.every((c) => c.applied > 0)).toBe(true);
  });

  it('ledger and dues screen agree for every student, and so do the school totals', async () => {
    const { students } = await desk.ok('students.list', { limit: 500 });
    expect(students).toHaveLength(300);
    let ledgerTotal = 0;
    let duesTotal = 0;
    for (const s of students) {
      const ledger = await desk.ok('payments.ledger', { studentId: s.id });
      const dues = await desk.ok('payments.openDues', { studentIds: [s.id] });
      const t = ledger.totals;
      expect(t.balance, s.admissionNo).toBe(dues.totals.outstanding - dues.totals.credit);
      expect(t.outstanding, s.admissionNo).toBe(dues.totals.outstanding);
      expect(t.charged - t.concessions - t.waived - t.paid + t.refunded, s.admissionNo).toBe(t.balance);
      ledgerTotal += t.balance;
      duesTotal += dues.totals.outstanding - dues.totals.credit;
    }
    expect(ledgerTotal).toBe(duesTotal);
    expect(desk.errors).toEqual([]);
  });
});

describe('npm run demo', () => {
  it('fills an empty store once, prints the logins, and leaves an existing school alone', async () => {
    const fresh = await openTestDesk();
    fresh.clock.current = new Date('2026-06-15T06:00:00Z');
    const lines: string[] = [];
    expect(await openDemoSchool(fresh.app, (l) => lines.push(l), 30)).toMatchObject({ students: 30 });
    expect(lines.join('\n')).toContain('log in as cashier / demo-cashier-2026 (cashier)');
    expect(await openDemoSchool(fresh.app, (l) => lines.push(l), 30)).toBeNull();
    await fresh.close();
  });
});

// Session rules: admins and accountants must have two-step sign-in (without it a session can only set it up, and they
// cannot approve), a session ends 12 hours after login however busy, and every approval takes the approver's own
// password and code. Calls the rules are about go out exactly as written (desk.raw), without the harness's authenticator.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/main/services/totp-codes';
import { contract, channelNames, type Result } from '../../src/shared/contract';
import { ADMIN, openSideStore, openTestDesk, schoolInput, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

let desk: TestDesk;
const ACCOUNTANT = { username: 'meera', fullName: 'Meera Iyer', role: 'accountant' as const, password: 'ledger-and-books-1' };
const CASHIER = { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'counter-cash-2026' };
const W1 = 'window-1';
const W2 = 'window-2';
const START = '2026-04-02T05:00:00.000Z';

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(START);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const ok = async <T>(pending: Promise<Result<T>>): Promise<T> => {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
};
const login = (user: { username: string; password: string }) => ({ username: user.username, password: user.password });
const at = (iso: string) => (desk.clock.current = new Date(iso));
const codeNow = (secret: Buffer) => totp(secret, desk.clock.current.getTime() / 1000);

/** Rows in the tables a refused call must leave alone. */
async function written(): Promise<Record<string, number>> {
  const side = await openSideStore(desk);
  const count = (table: string) => (side.raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const counts = Object.fromEntries(
    ['audit_log', 'app_user', 'academic_year', 'concession_decision', 'payment_event', 'outbox'].map((t) => [t, count(t)]),
  );
  await side.close();
  return counts;
}

const SETUP_CHANNELS = [
  'auth.changePassword',
  'auth.lock',
  'auth.logout',
  'auth.session',
  'auth.totpBegin',
  'auth.totpConfirm',
  'auth.totpStatus',
  'auth.unlock',
];

describe('two-step sign-in is required of admins and accountants', () => {
  it('lets only the set-up channels through before it is on, and says so on the session', () => {
    const allowed = channelNames.filter((name) => contract[name].beforeTwoStep);
    expect(allowed.sort()).toEqual(SETUP_CHANNELS);
    // None of them is for some roles only: they are what any logged-in user may do to themself.
    for (const name of allowed) expect(['session', 'public']).toContain(contract[name].access);
  });

  it('a new admin logs in with the password to a session that can only set it up; the rest is refused, writing nothing', async () => {
    expect(await ok(desk.raw('setup.initialize', schoolInput(), W1))).toMatchObject({
      user: { role: 'admin' },
      twoStepSetupRequired: true,
    });
    expect(await ok(desk.raw('auth.session', undefined, W1))).toMatchObject({ twoStepSetupRequired: true });
    const before = await written();
    const refused = await Promise.all([
      desk.raw('users.list', undefined, W1),
      desk.raw('users.create', CASHIER, W1),
      desk.raw('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true }, W1),
      desk.raw('settings.get', undefined, W1),
      desk.raw('audit.list', { limit: 10 }, W1),
      desk.raw('sync.status', undefined, W1),
    ]);
    for (const result of refused) {
      expect(result).toEqual({
        ok: false,
        error: { code: 'two_step_required', message: expect.stringMatching(/^set up two-step sign-in first/) },
      });
    }
    expect(await written()).toEqual(before);

    // What it takes to set it up (or leave) works: status, lock and unlock, then the key and the first code.
    expect(await ok(desk.raw('auth.totpStatus', undefined, W1))).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await ok(desk.raw('auth.lock', undefined, W1))).toMatchObject({ locked: true, twoStepSetupRequired: true });
    expect(await ok(desk.raw('auth.unlock', { password: ADMIN.password }, W1))).toMatchObject({ locked: false });
    const { key } = await ok(desk.raw('auth.totpBegin', undefined, W1));
    await ok(desk.raw('auth.totpConfirm', { code: codeNow(base32Decode(key)) }, W1));
    expect(await ok(desk.raw('auth.session', undefined, W1))).toMatchObject({ twoStepSetupRequired: false });
    expect((await ok(desk.raw('users.list', undefined, W1))).map((u) => u.username)).toEqual([ADMIN.username]);
  });

  it('asks it of an accountant at their first login; a cashier is not asked', async () => {
    await setUpSchool(desk);
    await desk.ok('users.create', ACCOUNTANT);
    await desk.ok('users.create', CASHIER);
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      twoStepSetupRequired: false,
    });
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    expect(await ok(desk.raw('auth.login', { username: ACCOUNTANT.username, password: ACCOUNTANT.password }, W2))).toMatchObject({
      user: { role: 'accountant' },
      twoStepSetupRequired: true,
    });
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'two_step_required' } });
  });

  it('asks it of a cashier promoted to accountant, at the next login', async () => {
    await setUpSchool(desk);
    const ravi = await desk.ok('users.create', CASHIER);
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      twoStepSetupRequired: false,
    });
    // No channel changes a role yet: the promotion is made in the store.
    const side = await openSideStore(desk);
    side.raw.prepare("update app_user set role = 'accountant' where id = ?").run(ravi.id);
    await side.close();
    await ok(desk.raw('auth.logout', undefined, W2));
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      user: { role: 'accountant' },
      twoStepSetupRequired: true,
    });
    expect(await desk.raw('reports.dashboard', undefined, W2)).toMatchObject({ ok: false, error: { code: 'two_step_required' } });
  });

  it('asks it again of an admin whose two-step sign-in another admin reset', async () => {
    await setUpSchool(desk);
    const vice = await desk.ok('users.create', { username: 'vice', fullName: 'Vikram Rao', role: 'admin', password: 'second-admin-2026' });
    await desk.ok('auth.login', { username: 'vice', password: 'second-admin-2026' }, W2);
    expect(await ok(desk.raw('users.list', undefined, W2))).toHaveLength(2);
    const principal = (await desk.ok('auth.session', undefined, W1))!.user.id;
    await desk.ok('users.resetTotp', { userId: principal }, W2);
    expect(await ok(desk.raw('auth.login', { username: ADMIN.username, password: ADMIN.password }, W1))).toMatchObject({
      twoStepSetupRequired: true,
    });
    expect(await desk.raw('users.resetTotp', { userId: vice.id }, W1)).toMatchObject({ ok: false, error: { code: 'two_step_required' } });
  });

  it('refuses an approver without it with the same code (cancellation, refund, concession, import), writing nothing', async () => {
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    await desk.ok('users.create', ACCOUNTANT);
    await desk.ok('users.create', CASHIER);
    await desk.ok('auth.login', login(CASHIER), W2);
    const student = await desk.ok('students.create', {
      admissionNo: 'A-1',
      fullName: 'Anu',
      classId: school.classId,
      sectionId: school.sectionId,
      guardianName: 'G',
      phone: '9845000001',
      categoryId: null,
      familyId: null,
      joinedOn: '2026-04-01',
    });
    const paid = await desk.ok('payments.record', { studentIds: [student.id], amount: 25_000_00, method: { mode: 'cash' } }, W2);
    const asked = await desk.ok(
      'concessions.request',
      {
        yearId: school.yearId,
        name: 'Merit',
        kind: 'fixed',
        value: 500_00,
        target: 'category',
        categoryId: school.categories.staff,
        reason: 'Merit list',
      },
      W2,
    );
    const file = join(desk.dir, 'concessions.csv');
    writeFileSync(file, 'name\n');
    const approver = { username: ACCOUNTANT.username, password: ACCOUNTANT.password };

    const before = await written();
    const refusals = [
      await desk.raw('payments.cancel', { paymentId: paid.paymentId, reason: 'wrong student', approver }, W2),
      await desk.raw(
        'refunds.record',
        { kind: 'credit', studentId: student.id, amount: 100_00, method: { mode: 'cash' }, reason: 'parent asked', approver },
        W2,
      ),
      await desk.raw('concessions.approve', { concessionId: asked.id, approver, note: null }, W2),
      await desk.raw('imports.commit', { importer: 'concessions', path: file, sha256: 'a'.repeat(64), approver }, W1),
    ];
    for (const result of refusals) {
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'two_step_required',
          message: 'meera must set up two-step sign-in (at their next login) before approving',
          field: 'approver.username',
        },
      });
    }
    expect(await written()).toEqual(before);
  });

  it('takes the approver’s own password and code for every approval, even when the approver is logged in here', async () => {
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    const student = await admit(desk, school);
    await desk.ok('users.create', ACCOUNTANT);
    await desk.ok('users.create', CASHIER);
    // The accountant is logged in (window 3) with two-step sign-in on; the cashier (window 2) asks for a cancellation.
    await desk.ok('auth.login', login(ACCOUNTANT), 'window-3');
    await desk.ok('auth.login', login(CASHIER), W2);
    const paid = await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } }, W2);
    const cancel = (approver: { username: string; password: string; code?: string }) =>
      desk.raw('payments.cancel', { paymentId: paid.paymentId, reason: 'wrong student', approver }, W2);
    expect(await cancel({ username: ACCOUNTANT.username, password: 'not-her-password' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', field: 'approver.password' },
    });
    expect(await cancel({ username: ACCOUNTANT.username, password: ACCOUNTANT.password })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', field: 'approver.code' },
    });
    const code = desk.authenticator.code(ACCOUNTANT.username);
    expect(await cancel({ username: ACCOUNTANT.username, password: ACCOUNTANT.password, code })).toMatchObject({
      ok: true,
      value: { status: 'cancelled' },
    });
  });
  it('takes the logged-in admin’s own password and code again to reopen a closed day', async () => {
    await setUpSchool(desk);
    await seedSmallSchool(desk);
    await desk.ok('dayClose.close', { date: '2026-04-02', cashCount: {}, counted: {}, note: null });
    const reopen = (reauth: { password: string; code?: string }) =>
      desk.raw('dayClose.reopen', { date: '2026-04-02', reason: 'a late receipt', reauth }, W1);
    expect(await reopen({ password: 'not the password' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', field: 'reauth.password' },
    });
    expect(await reopen({ password: ADMIN.password })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', field: 'reauth.code' },
    });
    expect(await reopen({ password: ADMIN.password, code: desk.authenticator.code(ADMIN.username) })).toMatchObject({
      ok: true,
      value: { state: 'open' },
    });
  });
});

describe('a session lasts 12 hours from login', () => {
  beforeEach(async () => {
    await setUpSchool(desk);
    await desk.ok('users.create', CASHIER);
    await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2));
  });

  it('ends at 12 hours however busy it was: the next call is refused, audited, and a new login starts afresh', async () => {
    // Busy all day: a call every 9 minutes (the idle lock is at 10), up to 11:59 after login, then 12:00 exactly.
    for (let minute = 9; minute < 12 * 60; minute += 9) {
      desk.clock.advanceMinutes(9);
      expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    }
    at('2026-04-02T16:59:00Z');
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    at('2026-04-02T17:00:00Z');
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    at('2026-04-02T17:00:01Z');
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toEqual({
      ok: false,
      error: { code: 'session_expired', message: 'your session has ended: a login lasts 12 hours. Log in again' },
    });
    expect(await ok(desk.raw('auth.session', undefined, W2))).toBeNull();
    const side = await openSideStore(desk);
    const rows = side.raw.prepare("select user_id, after_json from audit_log where action = 'auth.sessionExpired'").all() as {
      user_id: string;
      after_json: string;
    }[];
    await side.close();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.after_json)).toEqual({ loggedInAt: START });
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      locked: false,
    });
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
  });

  it('locks when left alone though the screen keeps polling (issue 17, item 11: the sync light kept it open forever)', async () => {
    // The sync light every 5 seconds and a job's progress: polls, not a person. The idle lock is at 10 minutes.
    const job = (await ok(
      desk.raw(
        'reports.export',
        { filters: { report: 'daybook', date: '2026-04-02' }, format: 'csv', path: join(desk.dir, 'idle.csv') },
        W2,
      ),
    )) as { id: string };
    for (let second = 5; second <= 10 * 60; second += 5) {
      desk.clock.advanceSeconds(5);
      expect(await desk.raw('sync.status', undefined, W2)).toMatchObject({ ok: true });
      if (second % 60 === 0) expect(await desk.raw('reports.job', { jobId: job.id }, W2)).toMatchObject({ ok: true });
    }
    desk.clock.advanceSeconds(5);
    expect(await desk.raw('sync.status', undefined, W2)).toMatchObject({ ok: false, error: { code: 'screen_locked' } });
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'screen_locked' } });
    // A person's call is activity: after unlocking, a call every 9 minutes keeps it open, polls or not.
    expect(await ok(desk.raw('auth.unlock', { password: CASHIER.password }, W2))).toMatchObject({ locked: false });
    desk.clock.advanceMinutes(9);
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    desk.clock.advanceMinutes(9);
    expect(await desk.raw('sync.status', undefined, W2)).toMatchObject({ ok: true });
  });

  it('is not extended by unlocking an idle lock', async () => {
    at('2026-04-02T16:00:00Z');
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'screen_locked' } });
    expect(await ok(desk.raw('auth.unlock', { password: CASHIER.password }, W2))).toMatchObject({ locked: false });
    at('2026-04-02T17:00:01Z');
    expect(await desk.raw('auth.unlock', { password: CASHIER.password }, W2)).toMatchObject({
      ok: false,
      error: { code: 'session_expired' },
    });
    expect(await desk.raw('auth.logout', undefined, W2)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('tells the window on auth.session too, once', async () => {
    at('2026-04-02T17:00:01Z');
    expect(await desk.raw('auth.session', undefined, W2)).toMatchObject({ ok: false, error: { code: 'session_expired' } });
    expect(await desk.raw('auth.session', undefined, W2)).toEqual({ ok: true, value: null });
  });
});

// The lockout under a burst (issue 17, item 2): wrong passwords or codes sent all at once, as a console script at the
// desk would, each read `locked_until` before the slow KDF and a non-fifth failure wrote it back to null — so all 48 were
// tried, the right one got in and the account ended unlocked. Now one check per user runs at a time, and the count and
// the lock are read and written in one transaction: the fifth failure locks, and every attempt after it is refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/main/services/totp-codes';
import { MAX_FAILED_ATTEMPTS } from '../../src/main/services/auth';
import type { ErrorData, Result } from '../../src/shared/contract';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { seedSmallSchool } from '../support/school';

let desk: TestDesk;
const CASHIER = { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'counter-cash-2026' };
const VICE = { username: 'vice', fullName: 'Vikram Rao', role: 'admin' as const, password: 'second-admin-2026' };
const WRONG = Array.from({ length: 48 }, (_, i) => `wrong-guess-${i}`);

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

/** The user's lockout as stored, and how many of each audited action they have. */
async function stored(username: string) {
  const side = await openSideStore(desk);
  const user = side.raw.prepare('select id, failed_attempts, locked_until from app_user where username = ?').get(username) as {
    id: string;
    failed_attempts: number;
    locked_until: string | null;
  };
  const rows = side.raw.prepare('select action, count(*) as n from audit_log where user_id = ? group by action').all(user.id) as {
    action: string;
    n: number;
  }[];
  await side.close();
  return { lockedUntil: user.locked_until, audited: Object.fromEntries(rows.map((r) => [r.action, r.n])) as Record<string, number> };
}

const refusals = (results: Result<unknown>[]): Record<string, number> => {
  expect(results.filter((r) => r.ok)).toEqual([]);
  const counts: Record<string, number> = {};
  for (const r of results) {
    const code = (r as { error: ErrorData }).error.code;
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
};

const lockedOut = {
  ok: false,
  error: { code: 'account_locked', message: expect.stringMatching(/^too many failed attempts: this account is locked until /) },
};

describe('a burst of wrong passwords (issue 17, item 2)', () => {
  it('at login: the fifth failure locks, the right password sent with them does not get in, and the account stays locked', async () => {
    await desk.ok('users.create', CASHIER);
    const burst = [...WRONG, CASHIER.password].map((password, i) =>
      desk.raw('auth.login', { username: CASHIER.username, password }, `burst-${i}`),
    );
    const results = await Promise.all(burst);
    // Four "wrong password", then the lock: every other attempt, the right one among them, hears of the lockout.
    expect(refusals(results)).toEqual({
      invalid_credentials: MAX_FAILED_ATTEMPTS - 1,
      account_locked: results.length - (MAX_FAILED_ATTEMPTS - 1),
    });
    expect(results.at(-1)).toMatchObject(lockedOut);
    const after = await stored(CASHIER.username);
    expect(after.lockedUntil).toBe('2026-04-02T05:15:00.000Z');
    expect(after.audited).toEqual({ 'auth.loginFailed': MAX_FAILED_ATTEMPTS - 1, 'auth.lockedOut': 1 });
    expect(await desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, 'later')).toMatchObject(lockedOut);
  });

  it('at unlock: the right password sent with them does not unlock the screen; the lockout ends the session', async () => {
    await desk.ok('users.create', CASHIER);
    await desk.ok('auth.login', { username: CASHIER.username, password: CASHIER.password }, 'window-2');
    await desk.ok('auth.lock', undefined, 'window-2');
    const results = await Promise.all([...WRONG, CASHIER.password].map((password) => desk.raw('auth.unlock', { password }, 'window-2')));
    expect(results.filter((r) => r.ok)).toEqual([]);
    expect(results.filter((r) => !r.ok && r.error.code === 'invalid_credentials')).toHaveLength(MAX_FAILED_ATTEMPTS - 1);
    expect(results.at(-1)).not.toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(await desk.raw('auth.session', undefined, 'window-2')).toEqual({ ok: true, value: null });
    const after = await stored(CASHIER.username);
    expect(after.lockedUntil).toBe('2026-04-02T05:15:00.000Z');
    expect(after.audited).toMatchObject({ 'auth.unlockFailed': MAX_FAILED_ATTEMPTS - 1, 'auth.lockedOut': 1 });
  });

  it('as a concession’s approver: the right password and code sent with them do not approve, and the approver ends locked', async () => {
    const school = await seedSmallSchool(desk);
    await desk.ok('users.create', VICE);
    await desk.setUpTwoStepFor(VICE);
    const asked = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Merit',
      kind: 'fixed',
      value: 500_00,
      target: 'category',
      categoryId: school.categories.staff,
      reason: 'Merit list',
    });
    const approve = (approver: { username: string; password: string; code?: string }) =>
      desk.raw('concessions.approve', { concessionId: asked.id, approver, note: null });
    const right = { username: VICE.username, password: VICE.password, code: desk.authenticator.code(VICE.username) };
    const results = await Promise.all([...WRONG.map((password) => approve({ username: VICE.username, password })), approve(right)]);
    expect(refusals(results)).toEqual({
      invalid_credentials: MAX_FAILED_ATTEMPTS - 1,
      account_locked: results.length - (MAX_FAILED_ATTEMPTS - 1),
    });
    const after = await stored(VICE.username);
    expect(after.lockedUntil).toBe('2026-04-02T05:15:00.000Z');
    expect(after.audited).toMatchObject({ 'auth.approvalFailed': MAX_FAILED_ATTEMPTS - 1, 'auth.lockedOut': 1 });
    expect((await desk.ok('concessions.list', { status: 'requested' })).map((c) => c.id)).toEqual([asked.id]);
  });
});

describe('a burst of two-step codes after the right password (issue 17, item 2)', () => {
  /** 300 six-digit codes, none of them the user's app's code for now or either side of it. */
  function wrongCodes(secret: Buffer): string[] {
    const seconds = desk.clock.current.getTime() / 1000;
    const genuine = new Set([-30, 0, 30].map((d) => totp(secret, seconds + d)));
    const codes: string[] = [];
    for (let n = 100_000; codes.length < 300; n += 2_713) if (!genuine.has(String(n))) codes.push(String(n));
    return codes;
  }

  it('at login: at most five codes are checked, then the account is locked and the genuine code does not get in', async () => {
    await desk.ok('users.create', VICE);
    await desk.setUpTwoStepFor(VICE);
    const before = await stored(VICE.username);
    const secret = base32Decode(desk.authenticator.key(VICE.username));
    const codes = [...wrongCodes(secret), desk.authenticator.code(VICE.username)];
    const results = await Promise.all(
      codes.map((code, i) => desk.raw('auth.login', { username: VICE.username, password: VICE.password, code }, `burst-${i}`)),
    );
    expect(refusals(results)).toEqual({
      invalid_credentials: MAX_FAILED_ATTEMPTS - 1,
      account_locked: codes.length - (MAX_FAILED_ATTEMPTS - 1),
    });
    expect(results.at(-1)).toMatchObject(lockedOut);
    const after = await stored(VICE.username);
    expect(after.lockedUntil).toBe(new Date(desk.clock.current.getTime() + 15 * 60_000).toISOString());
    // Each code checked is audited (a failure, or the lockout): five, of 301 sent.
    expect(after.audited).toMatchObject({ 'auth.totpFailed': MAX_FAILED_ATTEMPTS - 1, 'auth.lockedOut': 1 });
    expect(after.audited['auth.login']).toBe(before.audited['auth.login']);
  });

  it('as an approver: a wrong code counts though the password was right; five lock, and the genuine code is refused', async () => {
    const school = await seedSmallSchool(desk);
    await desk.ok('users.create', VICE);
    await desk.setUpTwoStepFor(VICE);
    const asked = await desk.ok('concessions.request', {
      yearId: school.yearId,
      name: 'Merit',
      kind: 'fixed',
      value: 500_00,
      target: 'category',
      categoryId: school.categories.staff,
      reason: 'Merit list',
    });
    const secret = base32Decode(desk.authenticator.key(VICE.username));
    const codes = [...wrongCodes(secret), desk.authenticator.code(VICE.username)];
    const results = await Promise.all(
      codes.map((code) =>
        desk.raw('concessions.approve', {
          concessionId: asked.id,
          approver: { username: VICE.username, password: VICE.password, code },
          note: null,
        }),
      ),
    );
    expect(refusals(results)).toEqual({
      invalid_credentials: MAX_FAILED_ATTEMPTS - 1,
      account_locked: codes.length - (MAX_FAILED_ATTEMPTS - 1),
    });
    const after = await stored(VICE.username);
    expect(after.lockedUntil).not.toBeNull();
    expect(after.audited).toMatchObject({ 'auth.totpFailed': MAX_FAILED_ATTEMPTS - 1, 'auth.lockedOut': 1 });
    expect((await desk.ok('concessions.list', { status: 'requested' })).map((c) => c.id)).toEqual([asked.id]);
  });
});

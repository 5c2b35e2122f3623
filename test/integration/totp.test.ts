// Two-step sign-in: set up from the key the app shows, confirmed by a first code; then logins (and approvals) need a
// code, each code works once (a replay is refused and audited), recovery codes once each, and another admin resets it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/main/services/totp-codes';
import type { Result } from '../../src/shared/contract';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { seedSmallSchool } from '../support/school';

let desk: TestDesk;
const VICE = { username: 'vice', fullName: 'Vikram Rao', role: 'admin' as const, password: 'second-admin-2026' };
const W1 = 'window-1';
const W2 = 'window-2';

// The school's first admin (principal, window 1) has two-step sign-in through the harness's authenticator; the second
// admin (vice, window 2) sets it up by hand here, with calls sent exactly as written (desk.raw).
beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('users.create', VICE);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const later = (seconds: number) => (desk.clock.current = new Date(desk.clock.current.getTime() + seconds * 1000));
const codeNow = (secret: Buffer) => totp(secret, desk.clock.current.getTime() / 1000);
const audits = async (action: string) => {
  const side = await openSideStore(desk);
  const n = (side.raw.prepare('select count(*) as n from audit_log where action = ?').get(action) as { n: number }).n;
  await side.close();
  return n;
};
const ok = async <T>(pending: Promise<Result<T>>): Promise<T> => {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
};

/** Vice logs in with the password and sets two-step sign-in up; returns the secret and the recovery codes. */
async function enroll() {
  expect(await ok(desk.raw('auth.login', { username: VICE.username, password: VICE.password }, W2))).toMatchObject({
    twoStepSetupRequired: true,
  });
  expect(await ok(desk.raw('auth.totpStatus', undefined, W2))).toEqual({ enabled: false, recoveryCodesLeft: 0 });
  const started = await ok(desk.raw('auth.totpBegin', undefined, W2));
  expect(started.uri).toMatch(/^otpauth:\/\/totp\/FeeDesk%20Green%20Valley%20School:vice\?secret=[A-Z2-7]{32}&/);
  expect(started.qrSvg).toMatch(/^<svg/);
  const secret = base32Decode(started.key);
  expect(await desk.raw('auth.totpConfirm', { code: codeNow(secret) === '000000' ? '111111' : '000000' }, W2)).toMatchObject({
    ok: false,
    error: { code: 'invalid_input', field: 'code' },
  });
  const { recoveryCodes } = await ok(desk.raw('auth.totpConfirm', { code: codeNow(secret) }, W2));
  return { secret, recoveryCodes };
}

describe('two-step sign-in (TOTP)', () => {
  it('is set up with a first code, then a login needs a code that works once', async () => {
    const { secret, recoveryCodes } = await enroll();
    expect(recoveryCodes).toHaveLength(10);
    expect(await ok(desk.raw('auth.totpStatus', undefined, W2))).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    expect(await desk.raw('auth.totpBegin', undefined, W2)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await ok(desk.raw('auth.logout', undefined, W2));

    const login = (code?: string) =>
      desk.raw('auth.login', { username: VICE.username, password: VICE.password, ...(code ? { code } : {}) }, W2);
    expect(await login()).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', field: 'code', message: expect.stringMatching(/6-digit code/) },
    });
    // The code that confirmed the set-up is spent: the same 30 seconds' code again is a replay.
    expect(await login(codeNow(secret))).toMatchObject({
      ok: false,
      error: { field: 'code', message: 'this code was used already: wait for the next one' },
    });
    expect(await audits('auth.totpReplayed')).toBe(1);
    later(30);
    const fresh = codeNow(secret);
    expect(await login('123456' === fresh ? '654321' : '123456')).toMatchObject({
      ok: false,
      error: { field: 'code', message: 'the code is wrong or has expired' },
    });
    expect(await login(fresh)).toMatchObject({ ok: true, value: { twoStepSetupRequired: false } });
    await ok(desk.raw('auth.logout', undefined, W2));
    expect(await login(fresh)).toMatchObject({ ok: false, error: { message: 'this code was used already: wait for the next one' } });
    expect(await audits('auth.totpReplayed')).toBe(2);
    // A recovery code, once.
    expect((await login(recoveryCodes[3])).ok).toBe(true);
    await ok(desk.raw('auth.logout', undefined, W2));
    expect(await login(recoveryCodes[3])).toMatchObject({ ok: false, error: { message: 'the code is wrong or has expired' } });
    expect(await audits('auth.recoveryCodeUsed')).toBe(1);
  });

  it('an approver with two-step sign-in on approves with their code too', async () => {
    const school = await seedSmallSchool(desk);
    const { secret } = await enroll();
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
      W1,
    );
    const approve = (code?: string) =>
      desk.raw(
        'concessions.approve',
        { concessionId: asked.id, approver: { username: VICE.username, password: VICE.password, ...(code ? { code } : {}) }, note: null },
        W1,
      );
    expect(await approve()).toMatchObject({ ok: false, error: { code: 'invalid_credentials', field: 'approver.code' } });
    later(30);
    expect(await approve(codeNow(secret))).toMatchObject({ ok: true, value: { status: 'approved' } });
  });

  it('is reset by another admin, never by oneself, and the reset ends their sessions', async () => {
    await enroll();
    const vice = (await ok(desk.raw('auth.session', undefined, W2)))!.user.id;
    expect(await desk.raw('users.resetTotp', { userId: vice }, W2)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await desk.ok('users.resetTotp', { userId: vice }, W1)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await ok(desk.raw('auth.session', undefined, W2))).toBeNull();
    expect(await audits('users.resetTotp')).toBe(1);
    // The password alone lets them in again, but only to set two-step sign-in up anew.
    expect(await desk.raw('auth.login', { username: VICE.username, password: VICE.password }, W2)).toMatchObject({
      ok: true,
      value: { twoStepSetupRequired: true },
    });
    expect(await desk.raw('users.list', undefined, W2)).toMatchObject({ ok: false, error: { code: 'two_step_required' } });
  });
});

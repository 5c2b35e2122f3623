// The computer's clock set back (issue 17, item 12): a session's 12 hours and the idle lock were measured on the wall
// clock, so a session lived on after the clock went back a year; and genuine two-step codes were refused as "used
// already" after the clock went back a day, counted toward the lockout, and locked every admin out. Now session age and
// idle time are measured on the monotonic clock (the wall clock only when it says more), a code refused because of the clock is not counted (the answer says
// the clock is behind), and the session tells the window that the clock is behind what FeeDesk already recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/main/services/totp-codes';
import { deskTimeZone } from '../../src/main/services/auth';
import type { Result } from '../../src/shared/contract';
import { ADMIN, openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

let desk: TestDesk;
const CASHIER = { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'counter-cash-2026' };
const VICE = { username: 'vice', fullName: 'Vikram Rao', role: 'admin' as const, password: 'second-admin-2026' };
const W2 = 'window-2';
const START = '2026-04-02T05:00:00.000Z';
const DAY_MS = 86_400_000;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(START);
  await setUpSchool(desk);
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
/** Someone sets the computer's clock back (no time passes while they do). */
const setClockBack = (ms: number) => (desk.clock.current = new Date(desk.clock.current.getTime() - ms));
/** An instant as the desk shows it: the school's locale, the desk's zone. */
const shown = (at: Date | string) =>
  new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short', timeZone: deskTimeZone() }).format(new Date(at));

async function lockoutOf(username: string) {
  const side = await openSideStore(desk);
  const row = side.raw.prepare('select failed_attempts, locked_until from app_user where username = ?').get(username) as {
    failed_attempts: number;
    locked_until: string | null;
  };
  await side.close();
  return row;
}

describe('sessions when the clock is set back (issue 17, item 12)', () => {
  beforeEach(async () => {
    await desk.ok('users.create', CASHIER);
    await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2));
  });

  it('a session lasts no more than 12 hours of time passing, though the clock went back a year', async () => {
    setClockBack(365 * DAY_MS);
    // Busy all day on the wrong clock: a call every 9 minutes (the idle lock is at 10), the last at 12:00 exactly.
    for (let minute = 9; minute <= 12 * 60; minute += 9) {
      desk.clock.advanceMinutes(9);
      expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    }
    desk.clock.advanceSeconds(1);
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toEqual({
      ok: false,
      error: { code: 'session_expired', message: 'your session has ended: a login lasts 12 hours. Log in again' },
    });
    expect(await ok(desk.raw('auth.session', undefined, W2))).toBeNull();
  });

  it('the idle lock comes after 10 minutes left alone, though the clock went back a day meanwhile', async () => {
    desk.clock.advanceMinutes(9);
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: true });
    // The cashier walks away; someone sets the clock back a day; ten minutes pass.
    setClockBack(DAY_MS);
    desk.clock.advanceSeconds(10 * 60 + 5);
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'screen_locked' } });
  });

  it('setting the clock forward can only end a session sooner (the wall clock counts when it says more: time asleep)', async () => {
    desk.clock.setWallClock(new Date(Date.parse(START) + 11 * 60 * 60_000));
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'screen_locked' } });
    expect(await ok(desk.raw('auth.unlock', { password: CASHIER.password }, W2))).toMatchObject({ locked: false });
    desk.clock.setWallClock(new Date(Date.parse(START) + 12 * 60 * 60_000 + 1000));
    expect(await desk.raw('payments.list', { limit: 5 }, W2)).toMatchObject({ ok: false, error: { code: 'session_expired' } });
  });
});

describe('two-step codes when the clock is set back (issue 17, item 12)', () => {
  it('refuses a genuine code with the clock to blame, counts no failure, and locks no admin out', async () => {
    await desk.ok('users.create', VICE);
    await desk.setUpTwoStepFor(VICE);
    const secret = base32Decode(desk.authenticator.key(VICE.username));
    const right = desk.clock.current;
    setClockBack(DAY_MS);
    // The code an app on this computer's clock shows, and the one a phone on the right time shows: seven tries each.
    const codes = [totp(secret, desk.clock.current.getTime() / 1000), totp(secret, right.getTime() / 1000)];
    for (const code of codes) {
      for (let attempt = 0; attempt < 7; attempt++) {
        const result = await desk.raw('auth.login', { username: VICE.username, password: VICE.password, code }, W2);
        expect(result).toEqual({
          ok: false,
          error: {
            code: 'invalid_credentials',
            field: 'code',
            message: expect.stringMatching(
              /^this computer's clock is behind: it says .+, but a code from your app was already accepted at .+\. Set the clock right, or use a recovery code$/,
            ),
          },
        });
        expect((result as { error: { message: string } }).error.message).toContain(`it says ${shown(desk.clock.current)}`);
      }
    }
    expect(await lockoutOf(VICE.username)).toEqual({ failed_attempts: 0, locked_until: null });
    // The clock set right, the next code gets in.
    desk.clock.current = right;
    expect(
      await desk.raw('auth.login', { username: VICE.username, password: VICE.password, code: desk.authenticator.code(VICE.username) }, W2),
    ).toMatchObject({ ok: true });
  });
});

describe('the clock-behind warning (issue 17, item 12)', () => {
  it('the session says the clock is behind what FeeDesk recorded, in the desk’s time, until it is set right', async () => {
    await desk.ok('users.create', CASHIER);
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      clockBehind: null,
    });
    const recorded = desk.clock.current;
    setClockBack(DAY_MS);
    expect(await ok(desk.raw('auth.session', undefined, W2))).toMatchObject({
      clockBehind: {
        now: desk.clock.current.toISOString(),
        recorded: recorded.toISOString(),
        message: `This computer's clock is behind: it says ${shown(desk.clock.current)}, but FeeDesk already recorded ${shown(recorded)}. Set the clock right before collecting fees.`,
      },
    });
    // After a restart too: the store's own newest entry is the evidence.
    await desk.restart();
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      clockBehind: { recorded: recorded.toISOString() },
    });
    // Set right, a day forward: that ends the session (the wall clock says a day has passed since login, and a session
    // ends on whichever clock says more); at the next login the warning is gone.
    desk.clock.setWallClock(new Date(recorded.getTime() + 60_000));
    expect(await desk.raw('auth.session', undefined, W2)).toMatchObject({ ok: false, error: { code: 'session_expired' } });
    expect(await ok(desk.raw('auth.login', { username: CASHIER.username, password: CASHIER.password }, W2))).toMatchObject({
      clockBehind: null,
    });
  });

  it('a few seconds back (the clock trimmed) is no warning', async () => {
    setClockBack(20_000);
    expect(await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password })).toMatchObject({ clockBehind: null });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWASP_SCRYPT } from '../../src/main/kdf';
import { hashPassword, verifyPassword } from '../../src/main/services/passwords';
import type { Result } from '../../src/shared/contract';
import { ADMIN, openTestDesk, schoolInput, setUpSchool, type TestDesk } from '../support/harness';

let desk: TestDesk;
beforeEach(async () => {
  desk = await openTestDesk();
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const CASHIER = { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'ledger-counter-99' };

function errorOf(result: Result<unknown>) {
  if (result.ok) throw new Error('expected a refusal, got success');
  return result.error;
}

async function auditCount(): Promise<number> {
  const rows = await desk.ok('audit.list', { limit: 500 });
  return rows.length;
}

describe('first-run setup', () => {
  it('sets up school, desk and first admin in one step and logs the admin in', async () => {
    expect(await desk.ok('setup.status')).toEqual({ initialized: false, school: null, deskCode: null });
    const session = await desk.ok('setup.initialize', schoolInput());
    expect(session).toMatchObject({
      user: { username: 'principal', role: 'admin' },
      school: { name: 'Green Valley School', currency: 'INR', locale: 'en-IN' },
      deskCode: 'D01',
      idleLockMinutes: 10,
      locked: false,
    });
    expect(await desk.ok('setup.status')).toMatchObject({ initialized: true, deskCode: 'D01' });
    const audit = await desk.ok('audit.list', { limit: 10 });
    // The harness's admin then set two-step sign-in up, as the app asks of a new admin before anything else.
    expect(audit.map((a) => a.action).sort()).toEqual(['auth.totpEnabled', 'setup.initialize', 'users.create']);
    expect(JSON.stringify(audit)).not.toContain('scrypt$');
  });

  it('cannot run twice', async () => {
    await setUpSchool(desk);
    const again = await desk.call(
      'setup.initialize',
      schoolInput({
        schoolName: 'Other',
        currency: 'USD',
        locale: 'en-US',
        deskCode: 'D02',
        admin: { username: 'intruder', fullName: 'X', password: 'another-long-pass' },
      }),
    );
    expect(errorOf(again).code).toBe('already_initialized');
    expect(await desk.ok('setup.status')).toMatchObject({ school: { name: 'Green Valley School' } });
  });

  it('refuses a password equal to the username, writing nothing', async () => {
    const weak = await desk.call(
      'setup.initialize',
      schoolInput({ admin: { username: 'administrator', fullName: 'A', password: 'Administrator' } }),
    );
    expect(errorOf(weak)).toEqual({
      code: 'weak_password',
      message: 'admin.password must not be the same as the username',
      field: 'admin.password',
    });
    expect(await desk.ok('setup.status')).toMatchObject({ initialized: false });
  });
});

describe('login and logout', () => {
  beforeEach(() => setUpSchool(desk));

  it('logs out, refuses a wrong password, accepts the right one', async () => {
    await desk.ok('auth.logout');
    expect(await desk.ok('auth.session')).toBeNull();
    expect(errorOf(await desk.call('users.list')).code).toBe('unauthenticated');

    const wrong = await desk.call('auth.login', { username: 'principal', password: 'not the password' });
    expect(errorOf(wrong)).toEqual({ code: 'invalid_credentials', message: 'wrong username or password', field: 'password' });
    const unknown = await desk.call('auth.login', { username: 'nobody', password: 'whatever-it-is' });
    expect(errorOf(unknown).message).toBe('wrong username or password');

    const session = await desk.ok('auth.login', { username: 'PRINCIPAL', password: ADMIN.password });
    expect(session.user.username).toBe('principal');
    expect((await desk.ok('users.list')).length).toBe(1);
  });

  it('locks an account for 15 minutes after 5 failures, and the lockout survives a restart', async () => {
    await desk.ok('auth.logout');
    for (let i = 0; i < 4; i++) {
      const r = await desk.call('auth.login', { username: 'principal', password: `wrong-${i}` });
      expect(errorOf(r).code).toBe('invalid_credentials');
    }
    const fifth = await desk.call('auth.login', { username: 'principal', password: 'wrong-5' });
    // Until when, in the desk's own time as the school writes it (it said "09:15 UTC").
    const until = new Intl.DateTimeFormat('en-IN', { timeStyle: 'short' }).format(new Date(desk.clock.now().getTime() + 15 * 60_000));
    expect(errorOf(fifth)).toMatchObject({
      code: 'account_locked',
      message: `too many failed attempts: this account is locked until ${until}`,
    });
    expect(errorOf(fifth).message).not.toContain('UTC');

    await desk.restart();
    const right = await desk.call('auth.login', { username: 'principal', password: ADMIN.password });
    expect(errorOf(right).code).toBe('account_locked');

    desk.clock.advanceMinutes(14);
    expect(errorOf(await desk.call('auth.login', { username: 'principal', password: ADMIN.password })).code).toBe('account_locked');
    desk.clock.advanceMinutes(2);
    expect((await desk.ok('auth.login', { username: 'principal', password: ADMIN.password })).user.role).toBe('admin');
    const actions = (await desk.ok('audit.list', { limit: 50 })).map((a) => a.action);
    expect(actions).toContain('auth.lockedOut');
    expect(actions.filter((a) => a === 'auth.loginFailed')).toHaveLength(4);
  });

  it('resets the failure count after a successful login', async () => {
    await desk.ok('auth.logout');
    for (let i = 0; i < 4; i++) await desk.call('auth.login', { username: 'principal', password: `wrong-${i}` });
    await desk.ok('auth.login', { username: 'principal', password: ADMIN.password });
    await desk.ok('auth.logout');
    const r = await desk.call('auth.login', { username: 'principal', password: 'wrong-again' });
    expect(errorOf(r).code).toBe('invalid_credentials');
  });
});

describe('idle lock', () => {
  beforeEach(() => setUpSchool(desk));

  it('locks after the idle time, keeps the session, and unlocks with the password', async () => {
    desk.clock.advanceMinutes(9);
    await desk.ok('users.list');
    desk.clock.advanceMinutes(10.5);
    const idle = await desk.call('users.list');
    expect(errorOf(idle).code).toBe('screen_locked');
    expect(await desk.ok('auth.session')).toMatchObject({ locked: true, user: { username: 'principal' } });

    expect(errorOf(await desk.call('auth.unlock', { password: 'nope-nope-nope' })).code).toBe('invalid_credentials');
    expect(errorOf(await desk.call('users.list')).code).toBe('screen_locked');
    expect(await desk.ok('auth.unlock', { password: ADMIN.password })).toMatchObject({ locked: false });
    expect(await desk.ok('users.list')).toHaveLength(1);
  });

  it('follows the idle time an admin sets', async () => {
    await desk.ok('settings.update', { idleLockMinutes: 2 });
    desk.clock.advanceMinutes(3);
    expect(errorOf(await desk.call('settings.get')).code).toBe('screen_locked');
  });

  it('can be locked on purpose, and five failed unlocks end the session', async () => {
    await desk.ok('auth.lock');
    for (let i = 0; i < 4; i++) await desk.call('auth.unlock', { password: `wrong-${i}` });
    expect(errorOf(await desk.call('auth.unlock', { password: 'wrong-5' })).code).toBe('account_locked');
    expect(await desk.ok('auth.session')).toBeNull();
  });
});

describe('users and roles', () => {
  beforeEach(() => setUpSchool(desk));

  it('forbids a cashier from admin channels and changes nothing', async () => {
    await desk.ok('users.create', CASHIER);
    await desk.ok('auth.login', { username: 'ravi', password: CASHIER.password }, 'window-2');
    const before = await desk.ok('users.list');
    const auditBefore = await auditCount();

    const attempt = await desk.call('users.create', { ...CASHIER, username: 'mallory', role: 'admin' }, 'window-2');
    expect(errorOf(attempt)).toEqual({ code: 'forbidden', message: 'only admin users may do this (you are cashier)' });
    expect(errorOf(await desk.call('settings.update', { idleLockMinutes: 120 }, 'window-2')).code).toBe('forbidden');
    expect(errorOf(await desk.call('audit.list', { limit: 5 }, 'window-2')).code).toBe('forbidden');

    expect(await desk.ok('users.list')).toEqual(before);
    expect(await auditCount()).toBe(auditBefore);
    expect((await desk.ok('settings.get')).idleLockMinutes).toBe(10);
  });

  it('refuses a duplicate username regardless of case, writing no audit row', async () => {
    await desk.ok('users.create', CASHIER);
    const auditBefore = await auditCount();
    const dup = await desk.call('users.create', { ...CASHIER, username: 'RAVI' });
    expect(errorOf(dup)).toEqual({ code: 'conflict', message: "username 'RAVI' is already taken", field: 'username' });
    expect(await auditCount()).toBe(auditBefore);
  });

  it('deactivates a user: their session ends and they cannot log in; reactivation restores access', async () => {
    const cashier = await desk.ok('users.create', CASHIER);
    await desk.ok('auth.login', { username: 'ravi', password: CASHIER.password }, 'window-2');
    await desk.ok('users.deactivate', { userId: cashier.id });
    expect(await desk.ok('auth.session', undefined, 'window-2')).toBeNull();
    const login = await desk.call('auth.login', { username: 'ravi', password: CASHIER.password }, 'window-2');
    expect(errorOf(login)).toMatchObject({ code: 'forbidden', message: expect.stringContaining('deactivated') });
    expect((await desk.ok('users.list')).find((u) => u.id === cashier.id)?.active).toBe(false);

    await desk.ok('users.reactivate', { userId: cashier.id });
    await desk.ok('auth.login', { username: 'ravi', password: CASHIER.password }, 'window-2');
  });

  it('keeps at least one active admin, and an admin cannot deactivate themself', async () => {
    const [admin] = await desk.ok('users.list');
    const self = await desk.call('users.deactivate', { userId: admin!.id });
    expect(errorOf(self).code).toBe('conflict');
    const second = await desk.ok('users.create', { ...CASHIER, username: 'deputy', role: 'admin' });
    await desk.ok('users.deactivate', { userId: second.id });
    expect(errorOf(await desk.call('users.deactivate', { userId: second.id })).message).toContain('already deactivated');
  });

  it('resets a password, which also lifts a lockout and ends the user’s sessions', async () => {
    const cashier = await desk.ok('users.create', CASHIER);
    for (let i = 0; i < 5; i++) await desk.call('auth.login', { username: 'ravi', password: `wrong-${i}` }, 'window-2');
    expect((await desk.ok('users.list')).find((u) => u.id === cashier.id)?.lockedUntil).not.toBeNull();
    await desk.ok('users.resetPassword', { userId: cashier.id, newPassword: 'fresh-start-2026' });
    expect((await desk.ok('auth.login', { username: 'ravi', password: 'fresh-start-2026' }, 'window-2')).user.id).toBe(cashier.id);
    const unknown = await desk.call('users.resetPassword', {
      userId: '00000000-0000-4000-8000-00000000ffff',
      newPassword: 'fresh-start-2026',
    });
    expect(errorOf(unknown)).toMatchObject({ code: 'not_found', field: 'userId' });
  });

  it('changes one’s own password only with the current one', async () => {
    const wrong = await desk.call('auth.changePassword', { currentPassword: 'not-it-at-all', newPassword: 'brand new secret' });
    expect(errorOf(wrong)).toMatchObject({ code: 'invalid_credentials', field: 'currentPassword' });
    await desk.ok('auth.changePassword', { currentPassword: ADMIN.password, newPassword: 'brand new secret' });
    await desk.ok('auth.logout');
    expect(errorOf(await desk.call('auth.login', { username: 'principal', password: ADMIN.password })).code).toBe('invalid_credentials');
    await desk.ok('auth.login', { username: 'principal', password: 'brand new secret' });
  });
});

describe('password hashes', () => {
  it('use scrypt at OWASP cost by default (N=2^17, r=8, p=1) with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery', OWASP_SCRYPT);
    const b = await hashPassword('correct horse battery', OWASP_SCRYPT);
    expect(a).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });
});

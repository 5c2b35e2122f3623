// Every channel, driven with malformed input: a specific message naming the field, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, type ChannelName, contract } from '../../src/shared/contract';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

const NO_INPUT = { message: 'this channel takes no input' };

/** At least one invalid payload per channel, and what the refusal must say. */
const invalid: Record<ChannelName, { input: unknown; field?: string; message: string | RegExp }[]> = {
  'store.status': [{ input: { x: 1 }, ...NO_INPUT }],
  'store.unlock': [
    { input: {}, field: 'passphrase', message: 'passphrase is required' },
    { input: { passphrase: 42 }, field: 'passphrase', message: 'passphrase must be text' },
  ],
  'store.createPassphrase': [{ input: { passphrase: 'short' }, field: 'passphrase', message: /at least 12/ }],
  'setup.status': [{ input: 'hello', ...NO_INPUT }],
  'setup.initialize': [
    { input: null, message: /^input / },
    { input: setupInput({ currency: 'RUPEES' }), field: 'currency', message: /three-letter ISO 4217/ },
    { input: setupInput({ currency: 'ABC' }), field: 'currency', message: 'currency is not a known ISO 4217 currency' },
    { input: setupInput({ locale: 'not a locale!' }), field: 'locale', message: /not a valid locale/ },
    { input: setupInput({ deskCode: 'desk one' }), field: 'deskCode', message: /capital letters/ },
    { input: setupInput({ admin: { username: 'ok-name', fullName: 'A', password: 'short' } }), field: 'admin.password', message: /at least 10/ },
    { input: setupInput({ admin: { username: 'a', fullName: 'A', password: 'long-enough-pass' } }), field: 'admin.username', message: /at least 3/ },
    { input: { ...setupInput({}), extra: true }, field: 'extra', message: 'extra is not a field this channel takes' },
  ],
  'auth.login': [
    { input: { username: 'principal' }, field: 'password', message: 'password is required' },
    { input: { username: 'bad name!', password: 'x' }, field: 'username', message: /only letters/ },
  ],
  'auth.logout': [{ input: {}, ...NO_INPUT }],
  'auth.session': [{ input: [], ...NO_INPUT }],
  'auth.lock': [{ input: 1, ...NO_INPUT }],
  'auth.unlock': [{ input: { password: '' }, field: 'password', message: 'password is required' }],
  'auth.changePassword': [
    { input: { currentPassword: 'x', newPassword: 'short' }, field: 'newPassword', message: /at least 10/ },
  ],
  'users.list': [{ input: { all: true }, ...NO_INPUT }],
  'users.create': [
    { input: { username: 'new.user', fullName: 'N', role: 'principal', password: 'long-enough-pass' }, field: 'role', message: /one of admin, accountant, cashier/ },
    { input: { username: 'new.user', fullName: '   ', role: 'cashier', password: 'long-enough-pass' }, field: 'fullName', message: 'fullName is required' },
  ],
  'users.resetPassword': [{ input: { userId: 'not-a-uuid', newPassword: 'long-enough-pass' }, field: 'userId', message: /UUID/ }],
  'users.deactivate': [{ input: { userId: 7 }, field: 'userId', message: /UUID/ }],
  'users.reactivate': [{ input: {}, field: 'userId', message: 'userId is required' }],
  'settings.get': [{ input: { idleLockMinutes: 5 }, ...NO_INPUT }],
  'settings.update': [
    { input: { idleLockMinutes: 0 }, field: 'idleLockMinutes', message: /at least 1 minute/ },
    { input: { idleLockMinutes: 2.5 }, field: 'idleLockMinutes', message: 'idleLockMinutes must be a whole number of minutes' },
    { input: { idleLockMinutes: '5' }, field: 'idleLockMinutes', message: 'idleLockMinutes must be a number of minutes' },
  ],
  'audit.list': [{ input: { limit: 10_000 }, field: 'limit', message: /limit/ }],
};

function setupInput(overrides: Record<string, unknown>) {
  return {
    schoolName: 'Another School',
    currency: 'INR',
    locale: 'en-IN',
    deskCode: 'D09',
    admin: { username: 'someone', fullName: 'Some One', password: 'long-enough-pass' },
    ...overrides,
  };
}

let desk: TestDesk;
beforeAll(async () => {
  desk = await openTestDesk();
  await setUpSchool(desk);
});
afterAll(() => desk.close());

/** Everything a channel could change, read back through the contract. */
async function snapshot(): Promise<string> {
  return JSON.stringify([
    await desk.ok('setup.status'),
    await desk.ok('users.list'),
    await desk.ok('settings.get'),
    await desk.ok('audit.list', { limit: 500 }),
  ]);
}

describe('malformed input', () => {
  it('covers every channel in the contract', () => {
    expect(Object.keys(invalid).sort()).toEqual([...channelNames].sort());
  });

  for (const name of channelNames) {
    it(`${name} refuses bad input with a specific message and writes nothing`, async () => {
      for (const bad of invalid[name]) {
        const before = await snapshot();
        const result = await desk.call(name, bad.input as never);
        expect(result.ok, `${name} accepted ${JSON.stringify(bad.input)}`).toBe(false);
        if (result.ok) return;
        expect(result.error.code).toBe('invalid_input');
        expect(result.error.field).toBe(bad.field);
        if (typeof bad.message === 'string') expect(result.error.message).toBe(bad.message);
        else expect(result.error.message).toMatch(bad.message);
        expect(await snapshot()).toBe(before);
      }
    });
  }

  it('answers an unknown channel clearly', async () => {
    expect(await desk.app.invoke('payments.steal', {}, 'window-1')).toEqual({
      ok: false,
      error: { code: 'unknown_channel', message: "unknown channel 'payments.steal'" },
    });
    expect(await desk.app.invoke('__proto__', {}, 'window-1')).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await desk.app.invoke('toString', {}, 'window-1')).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('declares access for every channel, and only setup, login and store channels are public', () => {
    const publicNames = channelNames.filter((n) => contract[n].access === 'public');
    expect(publicNames.sort()).toEqual(['auth.login', 'auth.session', 'setup.initialize', 'setup.status', 'store.createPassphrase', 'store.status', 'store.unlock']);
  });
});

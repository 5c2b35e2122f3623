import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { maintenanceRequest, runMaintenance } from '../../src/main/maintenance';
import { ADMIN, noKeychain, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

let desk: TestDesk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

function console_(input = '') {
  const inStream = new PassThrough();
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  inStream.end(input);
  return { io: { input: inStream, output: out }, text: () => text };
}

describe('forgotten admin password', () => {
  it('reads the flag from the command line', () => {
    expect(maintenanceRequest(['/opt/FeeDesk', '--reset-admin-password=principal'])).toEqual({ resetUsername: 'principal' });
    expect(maintenanceRequest(['/opt/FeeDesk'])).toBeNull();
  });

  it('sets a one-time password that logs in, lifts a lockout, and is audited', async () => {
    desk = await openTestDesk();
    await setUpSchool(desk!);
    await desk!.ok('auth.logout');
    for (let i = 0; i < 5; i++) await desk!.call('auth.login', { username: 'principal', password: `forgot-${i}` });

    const c = console_();
    expect(await runMaintenance({ resetUsername: 'principal' }, desk!.app, false, c.io)).toBe(0);
    const temporary = /One-time password for principal: (\S+)/.exec(c.text())?.[1];
    expect(temporary).toMatch(/^[A-Za-z0-9_-]{16}$/);

    expect(await desk!.call('auth.login', { username: 'principal', password: ADMIN.password })).toMatchObject({ ok: false });
    await desk!.ok('auth.login', { username: 'principal', password: temporary! });
    const audit = await desk!.ok('audit.list', { limit: 5 });
    expect(audit.map((a) => a.action)).toContain('users.emergencyReset');
  });

  it('refuses a non-admin or unknown username, changing nothing', async () => {
    desk = await openTestDesk();
    await setUpSchool(desk!);
    await desk!.ok('users.create', { username: 'ravi', fullName: 'Ravi', role: 'cashier', password: 'ledger-counter-99' });
    const auditBefore = (await desk!.ok('audit.list', { limit: 500 })).length;
    const c = console_();
    expect(await runMaintenance({ resetUsername: 'ravi' }, desk!.app, false, c.io)).toBe(1);
    expect(c.text()).toContain("'ravi' is not an admin");
    expect(await runMaintenance({ resetUsername: 'ghost' }, desk!.app, false, console_().io)).toBe(1);
    expect((await desk!.ok('audit.list', { limit: 500 })).length).toBe(auditBefore);
  });

  it('asks for the store passphrase where there is no keychain', async () => {
    desk = await openTestDesk({ keychain: noKeychain });
    await desk!.ok('store.createPassphrase', { passphrase: 'river stone lantern 42' });
    await setUpSchool(desk!);
    await desk!.restart();
    const c = console_('river stone lantern 42\n');
    expect(await runMaintenance({ resetUsername: 'principal' }, desk!.app, true, c.io)).toBe(0);
    expect(c.text()).toMatch(/One-time password for principal: \S{16}/);
  });
});

// Sync from the desk's side, in Chromium: an admin enrolls the desk, the light turns online, the queue empties;
// then the server's public verify page says valid, not valid (tampered) and cancelled for real receipts.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FetchLike } from '../../src/main/sync/client';
import { createEnrollment } from '../../src/server/enrollment';
import { ADMIN, openTestDesk, schoolInput, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { startSyncServer, type TestSyncServer } from '../support/sync-server';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

let server: TestSyncServer;
test.beforeAll(async () => {
  server = await startSyncServer({ kind: 'pglite' });
});
test.afterAll(async () => server?.close());

test('an admin enrolls the desk; the light goes online; the verify page tells valid, tampered and cancelled apart', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school, { fullName: 'Zoë Fernandes' });
  const receipt = await desk.ok('payments.record', { studentIds: [student.id], amount: 5_000_00, method: { mode: 'cash' } });
  await desk.ok('users.create', { username: 'meera', fullName: 'Meera Iyer', role: 'accountant', password: 'ledger balance 42' });
  await desk.ok('auth.logout');
  const { code } = await createEnrollment(server.database.db, {
    schoolName: 'Green Valley School',
    branchName: 'Main',
    deskCode: 'D01',
    validHours: 1,
  });

  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: /Sync not set up.*Open the sync page/ }).click();
  await expect(page.getByRole('heading', { name: 'Sync', exact: true })).toBeVisible();
  const form = page.getByRole('form', { name: 'Enroll this desk' });
  await form.getByLabel('Sync server address').fill('ftp://nowhere');
  await form.getByLabel('Enrollment code').fill(code);
  await form.getByRole('button', { name: 'Enroll' }).click();
  await expect(form.getByText(/Must be the sync server address/)).toBeVisible();
  await form.getByLabel('Sync server address').fill(server.url);
  await form.getByRole('button', { name: 'Enroll' }).click();

  await expect(page.getByRole('button', { name: /Online.*Sync: 0 waiting to send/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('Green Valley School (Main)')).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Changes the server refused' }).getByText('The server has accepted every change from this desk.'),
  ).toBeVisible();
  // The whole audit trail went too: the server holds every row the desk has.
  await expect(page.getByText(/Audit trail on the server: ([\d,]+) of \1 rows/)).toBeVisible({ timeout: 15_000 });
  await expectAccessible(page, 'sync');
  await page.screenshot({ path: join(SHOTS, '30-sync.png'), fullPage: true });

  // The phone camera's view: the receipt QR's URL on the server.
  await page.goto(`${server.url}/verify/${receipt.qr!}`);
  await expect(page.getByRole('heading', { name: 'Valid receipt', exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /Receipt no\. 2026-27\/D01\/000001/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Amount 5,000\.00/ })).toBeVisible();
  await expect(page.getByText('Zoë')).toHaveCount(0); // no personal data beyond the receipt's own facts
  await expectAccessible(page, 'verify page');
  await page.setViewportSize({ width: 390, height: 700 });
  await page.screenshot({ path: join(SHOTS, '31-verify-valid.png') });

  const qr = receipt.qr!;
  const tampered = qr.slice(0, 30) + (qr[30] === 'A' ? 'B' : 'A') + qr.slice(31);
  await page.goto(`${server.url}/verify/${tampered}`);
  await expect(page.getByRole('heading', { name: 'Not a valid receipt' })).toBeVisible();

  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
  await desk.ok('payments.cancel', {
    paymentId: receipt.paymentId,
    reason: 'wrong student',
    approver: { username: 'meera', password: 'ledger balance 42' },
  });
  await desk.ok('sync.now');
  await page.goto(`${server.url}/verify/${qr}`);
  await expect(page.getByRole('heading', { name: 'Receipt cancelled' })).toBeVisible();
  await expect(page.getByText('not proof of payment')).toBeVisible();
});

test('a desk whose audit trail has waited too long for the server says so on the Sync page (issue 17, item 9)', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-06T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school);
  // A server of its own: this desk's ids repeat the first test's desk's.
  const own = await startSyncServer({ kind: 'pglite' });
  const { code } = await createEnrollment(own.database.db, {
    schoolName: 'Hill View School',
    branchName: 'Main',
    deskCode: 'D01',
    validHours: 1,
  });
  await desk.ok('sync.enroll', { serverUrl: own.url, code });
  // The enrollment's round is over and the server holds the whole audit trail.
  await expect
    .poll(
      async () => {
        const s = await desk.ok('sync.status');
        return !s.syncing && s.queue === 0 && s.audit.held === s.audit.rows;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  // Sync off (as with the network down): the morning's payment and its audit rows stay on the desk.
  await desk.ok('sync.setEnabled', { enabled: false });
  await desk.ok('payments.record', { studentIds: [student.id], amount: 1_200_00, method: { mode: 'cash' } });
  desk.clock.current = new Date('2026-04-06T05:20:00Z');
  await desk.ok('auth.logout');

  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: /Open the sync page/ }).click();
  const warning = page.getByRole('alert').filter({ hasText: "This desk's audit trail has not reached the server" });
  // In the desk's own time: 05:00 UTC is 10:30 in Kolkata.
  await expect(warning).toContainText(/The records made here since 6 Apr 2026,? 10:30/);
  await expect(warning).toContainText("someone with this desk's store key could rewrite them");
  await expectAccessible(page, 'sync stale audit');
  await page.screenshot({ path: join(SHOTS, '32-sync-audit-stale.png'), fullPage: true });
  await own.close();
});

test('a new desk says it is setting up while the school comes in, and the cashier can look a student up meanwhile', async ({
  page,
  desk,
  rendererUrl,
}) => {
  // Another desk of a school of 200 students, already on a server of its own.
  const own = await startSyncServer({ kind: 'pglite' });
  const origin = await openTestDesk({ ids: { uuid: () => randomUUID() } });
  try {
    origin.clock.current = new Date('2026-04-02T05:00:00Z');
    await origin.app.generateDemoSchool({ students: 200, until: '2026-03-31' });
    await origin.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' });
    const first = await createEnrollment(own.database.db, {
      schoolName: 'Green Valley Public School',
      branchName: 'Main',
      deskCode: 'D01',
      validHours: 1,
    });
    await origin.ok('sync.enroll', { serverUrl: own.url, code: first.code });
    await origin.app.sync.runNow();

    // This desk pulls in small pages, and the last one is held until the screens have been seen.
    let releaseLast!: () => void;
    const lastHeld = new Promise<void>((resolve) => (releaseLast = resolve));
    const holdingFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      const text = await response.text();
      if (url.endsWith('/v1/pull') && response.status === 200 && !(JSON.parse(text) as { more: boolean }).more) await lastHeld;
      return { status: response.status, text: async () => text };
    };
    desk.clock.current = new Date('2026-04-02T05:00:00Z');
    await desk.ok('setup.initialize', schoolInput({ deskCode: 'D02' }));
    await desk.restart({ syncFetch: holdingFetch, sync: { intervalMs: 3_600_000, pullPage: 50, workerPageChars: 1 } });
    const { code } = await createEnrollment(own.database.db, {
      schoolName: 'Green Valley Public School',
      branchName: 'Main',
      deskCode: 'D02',
      validHours: 1,
    });
    await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password });
    await desk.ok('sync.enroll', { serverUrl: own.url, code });
    await desk.ok('auth.logout');

    await logIn(page, rendererUrl);
    await expect(page.getByRole('button', { name: /Setting up.*you can collect now; history still arriving/ })).toBeVisible({
      timeout: 20_000,
    });
    await page.getByRole('button', { name: /Open the sync page/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Setting up: you can collect now; history still arriving' })).toContainText(
      'Payments taken at other desks may not show yet.',
    );
    await expectAccessible(page, 'sync setting up');
    await page.screenshot({ path: join(SHOTS, '33-sync-setting-up.png'), fullPage: true });
    // The cashier finds a student who has come in already, and is asked for their dues.
    await page.getByRole('button', { name: 'Collect fees' }).click();
    await expect(page.getByLabel('Find a student')).toBeFocused();
    await page.keyboard.type('GV000001');
    await expect(page.getByRole('option', { name: /GV000001/ })).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Amount received')).toBeFocused();
    await expect(page.getByRole('button', { name: /Setting up/ })).toBeVisible();

    releaseLast();
    await expect(page.getByRole('button', { name: /Online.*Sync: 0 waiting to send/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'Setting up' })).toHaveCount(0);
  } finally {
    await origin.close();
    await own.close();
  }
});

// Readability (issue 16, item 14, in part): the audit trail reads as sentences an auditor understands (who, what with
// the record named, when in the school's zone, money formatted, details without JSON or ids), and the dashboard's
// axes read as money and dates while "this month" is set against the same days of last month, not the whole of it.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ADMIN, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

const ACCOUNTANT = { username: 'meera', password: 'ledger balance 42' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A payment at 10:30 am IST on `day`. */
async function payOn(
  desk: TestDesk,
  day: string,
  studentId: string,
  amount: number,
  method: { mode: 'cash' } | { mode: 'upi'; utr: string },
) {
  desk.clock.current = new Date(`${day}T05:00:00Z`);
  return desk.ok('payments.record', { studentIds: [studentId], amount, method });
}

const ticks = (page: Page, card: string, axis: 'x' | 'y') =>
  page
    .getByRole('region', { name: card })
    .locator(`.recharts-${axis}Axis-tick-labels text.recharts-cartesian-axis-tick-value`)
    .allTextContents();

test('the audit trail reads as sentences and the dashboard compares this month so far with the same days of last month', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-11-01T04:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  const meher = await admit(desk, school, { fullName: 'Meher Kapoor' });
  const arjun = await admit(desk, school, { fullName: 'Arjun Nair' });
  const riya = await admit(desk, school, { fullName: 'Riya Sen' });
  const kabir = await admit(desk, school, { fullName: 'Kabir Das' });

  // November: ₹20,000 by the 20th, ₹18,000 more on the 25th. December to the 20th: ₹21,000 net (one receipt cancelled).
  const first = await payOn(desk, '2026-11-05', meher.id, 12_000_00, { mode: 'upi', utr: 'UTR2026110501' });
  await payOn(desk, '2026-11-18', arjun.id, 8_000_00, { mode: 'cash' });
  await payOn(desk, '2026-11-25', riya.id, 18_000_00, { mode: 'cash' });
  await payOn(desk, '2026-12-03', kabir.id, 15_000_00, { mode: 'cash' });
  await payOn(desk, '2026-12-10', meher.id, 6_000_00, { mode: 'upi', utr: 'UTR2026121001' });
  const wrong = await payOn(desk, '2026-12-20', arjun.id, 4_000_00, { mode: 'cash' });
  await desk.ok('payments.cancel', { paymentId: wrong.paymentId, reason: 'wrong amount', approver: ACCOUNTANT });
  const rule = await desk.ok('concessions.request', {
    yearId: school.yearId,
    name: 'Sibling discount',
    kind: 'fixed',
    value: 1_000_00,
    target: 'student',
    studentId: riya.id,
    headId: school.heads.tuition,
    reason: 'second child',
  });
  await desk.ok('concessions.approve', { concessionId: rule.id, approver: ACCOUNTANT });
  await desk.ok('auth.logout');

  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
  const trail = page.getByRole('table', { name: 'Audit trail' });

  // Who, what (the record named, money in rupees), when in IST — for the payment of 5 Nov.
  const paid = trail
    .getByRole('row')
    .filter({ hasText: `receipt ${first.receiptNo}` })
    .filter({ hasText: 'Recorded payment' });
  await expect(paid).toContainText(
    `Recorded payment of ₹12,000.00 by UPI from Meher Kapoor (adm. no. ${meher.admissionNo}, Class 5 A) — receipt ${first.receiptNo}`,
  );
  await expect(paid.getByRole('cell').nth(0)).toHaveText('5 Nov 2026, 10:30 am');
  await expect(paid.getByRole('cell').nth(1)).toHaveText(`${ADMIN.fullName}${ADMIN.username}`);
  const cancelled = trail.getByRole('row').filter({ hasText: 'Cancelled receipt' });
  await expect(cancelled).toContainText(
    `Cancelled receipt ${wrong.receiptNo} of Arjun Nair (adm. no. ${arjun.admissionNo}, Class 5 A), approved by Meera Iyer (meera): “wrong amount”`,
  );
  const approved = trail.getByRole('row').filter({ hasText: 'Approved concession' });
  await expect(approved).toContainText(`Approved concession “Sibling discount” for Riya Sen (adm. no. ${riya.admissionNo}, Class 5 A)`);
  await expect(approved.getByRole('cell').nth(1)).toHaveText('Meera Iyermeera');
  await expect(trail.getByRole('row').filter({ hasText: 'Created class Class 5' })).toHaveCount(1);
  await expect(
    trail
      .getByRole('row')
      .filter({ hasText: /^.*Signed in/ })
      .first(),
  ).toBeVisible();

  // The details, a click away: formatted, named, never JSON or ids.
  await paid.getByText('Details', { exact: true }).click();
  const details = paid.locator('dl');
  await expect(details).toBeVisible();
  await expect(details).toContainText('Amount₹12,000.00');
  await expect(details).toContainText('Receipt no.' + first.receiptNo);
  await expect(details).toContainText(`Cashier${ADMIN.fullName} (${ADMIN.username})`);
  const everything = (await trail.textContent()) ?? '';
  expect(everything).not.toMatch(UUID);
  expect(everything).not.toContain('{"');
  expect(everything).not.toContain('1200000');
  await expectAccessible(page, 'audit trail');
  await cancelled.getByText('Details', { exact: true }).click();
  await expect(cancelled.locator('dl')).toContainText('StatusValid → Cancelled');
  await expect(cancelled.locator('dl')).toContainText('Approved byMeera Iyer (meera)');
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, '70-audit.png') });

  // The dashboard: 1–20 Dec against 1–20 Nov (₹21,000 against ₹20,000), not against the whole of November (₹38,000).
  await page.getByRole('button', { name: 'Desk', exact: true }).click();
  const month = page.getByRole('region', { name: 'This month so far' });
  await expect(month).toContainText('This month so far · 1–20 Dec');
  await expect(month).toContainText('₹21,000.00');
  await expect(month).toContainText('Same days last month (1–20 Nov): ₹20,000.00 (5% more this month)');
  await expect(month).not.toContainText('38,000');

  // Axes: compact money in the school's locale, days in words.
  // (The busiest day in the 30, 25 Nov, took ₹18,000: the top of the scale, never 1800000 or 18000.)
  await expect.poll(() => ticks(page, 'Collection trend', 'y')).toContain('₹18K');
  for (const tick of await ticks(page, 'Collection trend', 'y')) expect(tick).toMatch(/^₹\d+(\.\d)?(K|L|Cr)?$/);
  const days = await ticks(page, 'Collection trend', 'x');
  expect(days.length).toBeGreaterThan(3);
  for (const tick of days) expect(tick).toMatch(/^\d{1,2} (Nov|Dec)$/);
  for (const tick of await ticks(page, 'Dues ageing', 'y')) expect(tick).toMatch(/^₹\d+(\.\d)?(K|L|Cr)?$/);
  // The tooltip: the day in words and the exact sum.
  await page.getByRole('region', { name: 'Collection trend' }).locator('.recharts-bar-rectangle').first().hover();
  await expect(page.getByRole('region', { name: 'Collection trend' }).locator('.recharts-tooltip-wrapper')).toContainText(
    '25 Nov 2026Net collected : ₹18,000.00',
  );
  await page.getByText('12 months', { exact: true }).click();
  await expect.poll(() => ticks(page, 'Collection trend', 'x')).toContain('Dec 2026');
  for (const tick of await ticks(page, 'Collection trend', 'x')) expect(tick).toMatch(/^[A-Z][a-z]{2,3} 20\d\d$/);
  await page.getByText('30 days', { exact: true }).click();
  await expectAccessible(page, 'dashboard');
  await page.screenshot({ path: join(SHOTS, '71-dashboard.png'), fullPage: true });
});

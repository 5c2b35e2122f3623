// Reports in Chromium: the accountant reads the dashboard, opens the defaulters report, filters it, exports XLSX,
// watches the progress bar and gets the file, which reads back with the same rows.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

test('defaulters: filter, export XLSX with a progress bar, and the file holds the same rows', async ({ page, desk, rendererUrl }) => {
  test.setTimeout(120_000);
  desk.clock.current = new Date('2026-09-30T06:00:00Z');
  await desk.app.generateDemoSchool({ students: 80, until: '2026-09-30', seed: 5 });

  // The demo's accountant sets two-step sign-in up at this first login.
  await logIn(page, rendererUrl, { username: 'accounts', password: 'demo-accounts-2026' });

  await page.getByRole('button', { name: 'Desk', exact: true }).click();
  // The first report starts the background worker: allow for a slow machine.
  await expect(page.getByRole('heading', { name: 'Dues ageing' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Collection trend' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '40-dashboard.png'), fullPage: true });

  await page.getByRole('button', { name: 'Reports', exact: true }).click();
  await page.getByRole('combobox', { name: 'Report' }).click();
  await page.getByRole('option', { name: 'Outstanding dues and defaulters' }).click();
  await page.getByLabel('As of', { exact: true }).fill('30/09/2026');
  await page.getByRole('button', { name: 'Show report' }).click();
  const table = page.getByRole('table', { name: 'Outstanding dues and defaulters · as of 30 Sept 2026' });
  await expect(table).toBeVisible({ timeout: 20_000 });
  const all = await table.locator('tbody tr').count();

  await page.getByLabel(/Balance at least/).fill('10000');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(page.getByText('balance ≥ 10,000.00')).toBeVisible({ timeout: 20_000 });
  const filtered = await table.locator('tbody tr').count();
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(all);
  await expectAccessible(page, 'reports');

  const path = join(desk.dir, 'defaulters.xlsx');
  await page.getByLabel('Save to').fill(path);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Export progress' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${filtered} rows to ${path}` })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: join(SHOTS, '41-defaulters-export.png'), fullPage: true });

  expect(existsSync(path)).toBe(true);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0]!;
  expect(sheet.getCell('A1').value).toBe('Outstanding dues and defaulters · as of 30 Sept 2026');
  const firstAdmission = await table.locator('tbody tr').first().locator('td').first().innerText();
  expect(sheet.getCell('A5').value).toBe(firstAdmission);
  expect(sheet.getRow(5 + filtered).getCell(1).value).toBe('Total');

  // Exported again to the same name: FeeDesk asks first (issue 17, item 16: it wrote over the file silently).
  const first = statSync(path).mtimeMs;
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: /already exists$/ });
  await expect(ask).toContainText(`A file named defaulters.xlsx is already in ${desk.dir}. Replacing it loses what it holds now.`);
  await expectAccessible(page, 'replace the file?');
  await page.screenshot({ path: join(SHOTS, '42-export-replace.png'), fullPage: true });
  // Keeping it is what Enter does; the name is selected for typing another.
  await expect(ask.getByRole('button', { name: 'Keep it and choose another name' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ask).toHaveCount(0);
  await expect(page.getByLabel('Save to')).toBeFocused();
  await page.keyboard.type('defaulters-september');
  await expect(page.getByLabel('Save to')).toHaveValue(join(desk.dir, 'defaulters-september.xlsx'));
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Saved ${filtered} rows to ${join(desk.dir, 'defaulters-september.xlsx')}` }),
  ).toBeVisible({ timeout: 30_000 });
  expect(statSync(path).mtimeMs).toBe(first);
  // Replaced when the user says so.
  await page.getByLabel('Save to').fill(path);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await ask.getByRole('button', { name: 'Replace it' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${filtered} rows to ${path}` })).toBeVisible({ timeout: 30_000 });
  expect(statSync(path).mtimeMs).toBeGreaterThan(first);

  await page.getByLabel('Save to').fill('/no/such/folder/defaulters.xlsx');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByText(/Path is in a folder that does not exist|folder that does not exist/)).toBeVisible();
});

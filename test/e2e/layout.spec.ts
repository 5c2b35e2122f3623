// Readable at a glance (issue 16, item 14): classes in the order a school lists them, the defaulters' Balance on
// screen at 1280×720 without scrolling sideways, and names in Devanagari drawn with the fonts FeeDesk ships.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { setUpSchool, type TestDesk } from '../support/harness';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

/** What the page's globals offer inside page.evaluate (the tests compile without the DOM library). */
interface Browser {
  document: {
    fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown>; check(font: string, text: string): boolean };
    elementFromPoint(x: number, y: number): unknown;
  };
  getComputedStyle(element: unknown): { fontFamily: string; textAlign: string; fontVariantNumeric: string; whiteSpace: string };
}

/** Classes as an admin adds them on the Fee set-up screen, Order left empty (0), with a year's fee each. */
async function schoolWithClassesAddedOutOfOrder(desk: TestDesk) {
  await setUpSchool(desk);
  const year = await desk.ok('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  const head = await desk.ok('masters.createHead', { name: 'Tuition' });
  const classes: Record<string, { id: string; sectionId: string }> = {};
  for (const name of ['Class 10', 'Class 3', 'UKG', 'Class 1']) {
    const cls = await desk.ok('masters.createClass', { name, sortOrder: 0, sections: ['A'] });
    const structure = await desk.ok('structures.create', {
      yearId: year.id,
      classId: cls.id,
      name: `${name} fees`,
      plan: 'annual',
      installments: [{ label: 'Annual', dueOn: '2026-04-10' }],
      heads: [{ headId: head.id, amount: 24_000_00 }],
    });
    await desk.ok('structures.assign', { structureId: structure.id });
    classes[name] = { id: cls.id, sectionId: cls.sections[0]!.id };
  }
  const admit = (n: number, fullName: string, className: string) =>
    desk.ok('students.create', {
      admissionNo: `L-${n}`,
      fullName,
      classId: classes[className]!.id,
      sectionId: classes[className]!.sectionId,
      guardianName: 'Guardian',
      phone: `98450000${String(n).padStart(2, '0')}`,
      joinedOn: '2026-04-01',
    });
  await admit(1, 'Rohan Mehta', 'Class 10');
  await admit(2, 'अनन्या शर्मा', 'Class 3');
  await admit(3, 'Kavya Iyer', 'UKG');
  await admit(4, 'தமிழ் செல்வன்', 'Class 1');
}

async function showDefaulters(page: Page) {
  await page.getByRole('button', { name: 'Reports', exact: true }).click();
  await page.getByRole('combobox', { name: 'Report' }).click();
  await page.getByRole('option', { name: 'Outstanding dues and defaulters' }).click();
}

test('classes in natural order in the picker and the report; a Devanagari name in the bundled font', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-06-15T06:00:00Z');
  await schoolWithClassesAddedOutOfOrder(desk);
  await desk.ok('auth.logout');
  const fontsFetched: string[] = [];
  page.on('response', (r) => {
    if (/\.ttf$/.test(new URL(r.url()).pathname) && r.ok()) fontsFetched.push(new URL(r.url()).pathname);
  });
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await showDefaulters(page);

  // The class picker lists them as the school does, not as text sorts them ("Class 10" before "Class 3").
  await page.getByRole('combobox', { name: 'Class' }).click();
  await expect(page.getByRole('option')).toHaveText(['UKG', 'Class 1', 'Class 3', 'Class 10']);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Show report' }).click();
  const table = page.getByRole('table', { name: /^Outstanding dues and defaulters/ });
  await expect(table.locator('tbody tr')).toHaveCount(4, { timeout: 20_000 });
  await expect(table.locator('tbody tr td:nth-child(3)')).toHaveText(['UKG-A', 'Class 1-A', 'Class 3-A', 'Class 10-A']);

  // The name in Devanagari is drawn with FeeDesk's own Noto Sans Devanagari, fetched from the app itself.
  const name = table.getByRole('cell', { name: 'अनन्या शर्मा' });
  await expect(name).toBeVisible();
  // The page loads the face itself, for the characters it draws (nothing here asks for it). fonts.check alone is
  // true for a family no @font-face names (the system's), so the face must be in the page's set, loaded.
  const loaded = (family: string, text: string) =>
    page.evaluate(
      async ({ family, text }) => {
        const { fonts } = (globalThis as unknown as Browser).document;
        await fonts.ready;
        const face = [...fonts].find((f) => f.family.replaceAll('"', '') === family);
        return face?.status === 'loaded' && fonts.check(`16px "${family}"`, text);
      },
      { family, text },
    );
  await expect.poll(() => loaded('Noto Sans Devanagari', 'अनन्या'), { timeout: 10_000 }).toBe(true);
  await expect.poll(() => loaded('Noto Sans Tamil', 'தமிழ்'), { timeout: 10_000 }).toBe(true);
  await expect
    .poll(() => fontsFetched)
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/NotoSansDevanagari-Regular-[\w-]+\.ttf$/),
        expect.stringMatching(/NotoSansTamil-Regular-[\w-]+\.ttf$/),
      ]),
    );
  // The cell's font stack puts the bundled face first for its script.
  expect(await name.evaluate((el) => (globalThis as unknown as Browser).getComputedStyle(el).fontFamily)).toMatch(
    /^"Noto Sans Devanagari"/,
  );
  await name.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '81-devanagari.png') });
});

test('defaulters at 1280×720 on the demo school: who and Balance stay on screen, amounts aligned, axe clean', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(90_000);
  // Mid-November, with payments made up to September: most of the school owes its October installment.
  desk.clock.current = new Date('2026-11-16T06:00:00Z');
  await desk.app.generateDemoSchool({ students: 15, until: '2026-09-30', seed: 5 });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl, { username: 'accounts', password: 'demo-accounts-2026' });
  await showDefaulters(page);
  await page.getByRole('button', { name: 'Show report' }).click();
  const table = page.getByRole('table', { name: /^Outstanding dues and defaulters/ });
  await expect(table.locator('tbody tr').nth(5)).toBeVisible({ timeout: 20_000 });
  await page.evaluate(() => (globalThis as unknown as Browser).document.fonts.ready);

  const header = (name: string) => table.getByRole('columnheader', { name, exact: true });
  const firstRow = table.locator('tbody tr').first();
  const balanceCell = firstRow
    .locator('td')
    .nth(await header('Balance').evaluate((th) => (th as unknown as { cellIndex: number }).cellIndex));
  /** On screen and not under another cell: the element drawn at its centre is it (or inside it). */
  const shown = (cell: typeof balanceCell) =>
    cell.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = (globalThis as unknown as Browser).document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { left: r.left, right: r.right, onTop: top !== null && el.contains(top as typeof el) };
    });
  // The header and first row are within 720 px as the report opens: nothing is scrolled to bring a cell into view.
  const expectOnScreen = async (cell: typeof balanceCell, what: string) => {
    const at = await shown(cell);
    expect(at.left, what).toBeGreaterThanOrEqual(220);
    expect(at.right, what).toBeLessThanOrEqual(1280);
    expect(at.onTop, `${what} is drawn on top`).toBe(true);
  };

  for (const scrolled of [false, true]) {
    // As it opens, and scrolled sideways to its last column: who the row is and what they owe stay in view.
    if (scrolled) await table.evaluate((t) => t.closest('[tabindex="0"]')!.scrollBy({ left: 10_000 }));
    const when = scrolled ? 'scrolled to the right' : 'as opened';
    await expectOnScreen(header('Balance'), `Balance header, ${when}`);
    await expectOnScreen(balanceCell, `first Balance, ${when}`);
    await expectOnScreen(header('Adm. no.'), `Adm. no. header, ${when}`);
    await expectOnScreen(firstRow.locator('td').nth(0), `first admission no., ${when}`);
    await expectOnScreen(firstRow.locator('td').nth(1), `first student, ${when}`);
    await page.screenshot({ path: scrolled ? test.info().outputPath('defaulters-scrolled.png') : join(SHOTS, '80-defaulters-1280.png') });
  }
  await expect(balanceCell).toHaveText(/^₹[\d,]+\.\d\d$/);
  expect(
    await balanceCell.evaluate((td) => {
      const style = (globalThis as unknown as Browser).getComputedStyle(td);
      return [style.textAlign, style.fontVariantNumeric, style.whiteSpace];
    }),
  ).toEqual(['right', 'tabular-nums', 'nowrap']);
  // The table's box scrolls and takes focus with a name (axe scrollable-region-focusable).
  await expectAccessible(page, 'defaulters at 1280×720');
});

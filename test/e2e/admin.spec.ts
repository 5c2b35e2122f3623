// The admin screens the counter depends on (issue 16, item 13), driven as a school admin would: edit a student with
// admission's messages, mark one as left after seeing the dues it waives, group siblings as a family, add a section,
// switch the current year, and a structure assigned to a class without students that says why no dues were made.
// A cashier sees the student but none of the controls main would refuse them.
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };

test('admin: edit a student, mark one as left after seeing the dues waived, group a family, add a section, switch the year; a cashier only looks', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(90_000);
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const meher = await admit(desk, school, { fullName: 'Meher Kapoor' });
  await admit(desk, school, { fullName: 'Anika Rao' });
  await admit(desk, school, { fullName: 'Ira Rao' });
  await admit(desk, school, { fullName: 'Dev Rao', joinedOn: '2026-04-05' });
  const class9 = await desk.ok('masters.createClass', { name: 'Class 9', sortOrder: 9, sections: ['A'] });
  await desk.ok('structures.create', {
    yearId: school.yearId,
    classId: class9.id,
    name: 'Class 9 — 2026-27',
    plan: 'annual',
    installments: [{ label: 'Annual', dueOn: '2026-04-10' }],
    heads: [{ headId: school.heads.tuition, amount: 30_000_00 }],
  });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  // Edit: admission's boxes and messages (two siblings ticked meanwhile, to be grouped below).
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Tick Anika Rao' }).check();
  await page.getByRole('checkbox', { name: 'Tick Ira Rao' }).check();
  await page.getByRole('button', { name: 'Open Meher Kapoor' }).click();
  const panel = page.getByRole('region', { name: 'Student Meher Kapoor' });
  await panel.getByRole('button', { name: 'Edit details' }).click();
  const edit = panel.getByRole('form', { name: 'Edit Meher Kapoor' });
  await edit.getByLabel('Phone', { exact: true }).fill('call me');
  await edit.getByLabel('Guardian').fill('Rohit Kapoor');
  await edit.getByLabel('Section').selectOption({ label: 'B' });
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText('Must be a phone number (digits, spaces, +, -, parentheses)')).toBeVisible();
  await expectAccessible(page, 'student edit, with siblings ticked');
  await page.screenshot({ path: join(SHOTS, '60-student-edit.png') });
  await edit.getByLabel('Phone', { exact: true }).fill('98450 11111');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(panel.getByRole('status')).toHaveText('Meher Kapoor: changes saved.');
  await expect(panel).toContainText('Class 5-B');
  await expect(panel).toContainText('Guardian: Rohit Kapoor · Phone: 98450 11111');
  await expect(page.getByRole('row', { name: /Meher Kapoor/ })).toContainText('Rohit Kapoor');

  // Mark as left: the dues it waives first, in rupees and in words-of-the-month dates, then a confirmation.
  await panel.getByRole('button', { name: 'Mark as left…' }).click();
  const leave = panel.getByRole('form', { name: 'Mark Meher Kapoor as left' });
  await leave.getByRole('textbox', { name: 'Leaving date' }).fill('1/3/26');
  await expect(leave.getByText('Is before the joining date, 1 Apr 2026')).toBeVisible();
  await leave.getByRole('textbox', { name: 'Leaving date' }).fill('30/6/26');
  const waived = leave.getByRole('table', { name: 'Dues that leaving waives' });
  await expect(waived.getByRole('row')).toHaveCount(1 + 8);
  await expect(waived.getByRole('row').nth(1)).toHaveText(/Quarter 2\s*Tuition\s*10 Jul 2026\s*₹3,000\.00/);
  await expect(leave.getByText('Total waived: ₹15,500.00')).toBeVisible();
  await leave.getByRole('button', { name: 'Mark as left…' }).click();
  await expect(leave.getByText('Reason')).toBeVisible();
  await expect(leave.getByText('Is required')).toBeVisible();
  await leave.getByLabel('Reason').fill('Moved to Pune');
  await leave.getByRole('button', { name: 'Mark as left…' }).click();
  const confirm = leave.getByRole('alertdialog', { name: 'Confirm leaving' });
  await expect(confirm).toContainText('Mark Meher Kapoor as left on 30 Jun 2026? This waives 8 dues, ₹15,500.00 in all.');
  await expectAccessible(page, 'mark as left, confirming');
  await page.screenshot({ path: join(SHOTS, '61-student-leave.png') });
  expect((await desk.ok('students.get', { studentId: meher.id }, 'check')).status).toBe('active');
  await confirm.getByRole('button', { name: 'Yes, mark as left' }).click();
  await expect(panel.getByRole('status')).toHaveText('Meher Kapoor marked left on 30 Jun 2026; 8 dues waived (₹15,500.00).');
  await expect(panel.getByRole('button', { name: 'Mark as left…' })).toHaveCount(0);
  const after = await desk.ok('students.get', { studentId: meher.id }, 'check');
  expect([after.status, after.leftOn]).toEqual(['left', '2026-06-30']);

  // A family from ticked siblings, seen from either child.
  await panel.getByRole('button', { name: 'Close' }).click();
  const group = page.getByRole('form', { name: 'Group as a family' });
  await expect(group.getByLabel('Family name')).toHaveValue('Rao family');
  await group.getByRole('button', { name: 'Group as a family' }).click();
  await expect(page.getByRole('status')).toHaveText('Rao family: Anika Rao, Ira Rao grouped as one family.');
  // A brother admitted later joins the family one of the ticked is in.
  await page.getByRole('checkbox', { name: 'Tick Dev Rao' }).check();
  await page.getByRole('checkbox', { name: 'Tick Ira Rao' }).check();
  await group.getByRole('button', { name: 'Add Dev Rao to Rao family' }).click();
  await expect(page.getByRole('status')).toHaveText('Dev Rao added to Rao family.');
  await page.getByRole('button', { name: 'Open Ira Rao' }).click();
  const family = page.getByRole('region', { name: 'Student Ira Rao' }).getByRole('region', { name: 'Family' });
  await expect(family).toContainText('Family: Rao family');
  await expect(family.getByRole('listitem')).toHaveText([
    /Anika Rao · Class 5-A/,
    /Ira Rao · Class 5-A · .* \(this student\)/,
    /Dev Rao · Class 5-A/,
  ]);
  await page.screenshot({ path: join(SHOTS, '62-student-family.png') });

  // Fee set-up: a structure for a class with no students says so and what to do.
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  await page
    .getByRole('row', { name: /Class 9 — 2026-27/ })
    .getByRole('button', { name: 'Assign to class' })
    .click();
  await expect(page.getByRole('alert')).toContainText(
    'Class 9 — 2026-27: 0 dues created — Class 9 has no students yet. Admit or import students into Class 9',
  );

  // A section, then a duplicate refused.
  const sections = page.getByRole('form', { name: 'Add a section' });
  await sections.getByLabel('Add a section to').selectOption({ label: 'Class 5' });
  await sections.getByLabel('New section').fill('C');
  await sections.getByRole('button', { name: 'Add section' }).click();
  await expect(sections.getByRole('status')).toHaveText('Section C added to Class 5.');
  await expect(page.getByRole('region', { name: 'Classes' })).toContainText('Class 5 (A, B, C)');
  await sections.getByLabel('New section').fill('c');
  await sections.getByRole('button', { name: 'Add section' }).click();
  await expect(sections.getByText("Section 'c' already exists in Class 5")).toBeVisible();

  // A new year, made current after a confirmation.
  const newYear = page.getByRole('form', { name: 'New academic year' });
  await newYear.getByLabel('Name (2027-28)').fill('2027-28');
  await newYear.getByRole('textbox', { name: 'Starts' }).fill('1/4/27');
  await newYear.getByRole('textbox', { name: 'Ends' }).fill('31/3/28');
  await newYear.getByRole('button', { name: 'Add' }).click();
  const years = page.getByRole('region', { name: 'Academic years' });
  await years.getByRole('button', { name: 'Make current: 2027-28' }).click();
  const sure = page.getByRole('dialog', { name: 'Make 2027-28 the current year?' });
  await expect(sure).toContainText('payments and receipt numbers belong to 2027-28');
  await expectAccessible(page, 'fee set-up, switching the year');
  await page.screenshot({ path: join(SHOTS, '63-fees-current-year.png') });
  await sure.getByRole('button', { name: 'Yes, make 2027-28 current' }).click();
  await expect(years.getByRole('status')).toHaveText('2027-28 is now the current year.');
  await expect(years.getByRole('button', { name: 'Make current: 2026-27' })).toBeVisible();
  expect((await desk.ok('masters.get', undefined, 'check')).years.find((y) => y.isCurrent)?.name).toBe('2027-28');

  // A cashier sees the student and the family, but none of the controls the contract keeps from them.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').fill(CASHIER.username);
  await page.getByLabel('Password', { exact: true }).fill(CASHIER.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('button', { name: 'Open Anika Rao' }).click();
  const seen = page.getByRole('region', { name: 'Student Anika Rao' });
  await expect(seen.getByRole('region', { name: 'Family' })).toContainText('Family: Rao family');
  await expect(seen.getByRole('button', { name: 'Close' })).toBeVisible();
  await expect(seen.getByRole('button', { name: /Edit details|Mark as left/ })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Admit a student' })).toHaveCount(0);
});

// The school's staff as the tests sign them in: an accountant who approves (two-step sign-in set up by the harness at
// first use) and a cashier at the counter.
import type { TestDesk } from './harness';

export const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
export const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };

/** Meera Iyer (accountant) and Ravi Kumar (cashier), made by the admin. */
export async function hireStaff(desk: TestDesk): Promise<void> {
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
}

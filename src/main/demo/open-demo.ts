// `npm run demo`: the first start on a demo profile fills it with a demo school; later starts reuse it.
import type { App } from '../app';
import { DEMO_USERS } from './generate';

export const DEMO_STUDENTS = 1_500;

/** Returns what was made, or null when the demo school already exists. */
export async function openDemoSchool(app: App, log: (line: string) => void, students = DEMO_STUDENTS) {
  const status = await app.invoke('setup.status', undefined, 'demo');
  if (!status.ok) throw new Error(`demo: ${status.error.message}`);
  if ((status.value as { initialized: boolean }).initialized) return null;
  log(`FeeDesk demo: generating a school of ${students} students with a year of payments…`);
  const made = await app.generateDemoSchool({ students });
  log(`FeeDesk demo: ${made.students} students, ${made.payments} payments (${made.cancelled} cancelled, ${made.bounced} bounced).`);
  for (const u of DEMO_USERS) log(`  log in as ${u.username} / ${u.password} (${u.role})`);
  log(`  ${DEMO_USERS[0]!.username} signs in with two steps: type this key into an authenticator app: ${made.adminTwoStepKey}`);
  log(`  ${DEMO_USERS[1]!.username} sets two-step sign-in up at the first login; ${DEMO_USERS[2]!.username} needs none`);
  return made;
}

// The benchmark school: 50,000 students and a year of payments, generated once per generator version
// and kept in the OS temp folder (it takes minutes to make), then copied fresh for every run.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIds } from '../../src/main/app';
import { DEMO_USERS } from '../../src/main/demo/generate';
import { fakeKeychain, openTestDesk, type TestDesk } from '../support/harness';

/** Bump when the generator or schema changes what a school looks like. */
const SCHOOL_VERSION = 1;
export const KEYCHAIN = fakeKeychain(createHash('sha256').update('feedesk-bench').digest());

/** Everything that shapes the generated rows: schema, generator and the services it calls. */
function fingerprint(): string {
  const h = createHash('sha256').update(String(SCHOOL_VERSION));
  for (const dir of ['src/main/db/migrations', 'src/main/demo', 'src/main/services', 'src/shared/domain']) {
    for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  }
  return h.digest('hex').slice(0, 12);
}

/** A fresh copy of the school in `workDir`, its desk's clock at `now` if given (see openBenchDesk). */
export async function benchSchool(students: number, workDir: string, now?: string): Promise<TestDesk> {
  const cache = join(tmpdir(), 'feedesk-bench-cache', `${fingerprint()}-${students}`);
  if (!existsSync(join(cache, 'ready'))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    console.log(`bench: generating a demo school of ${students} students in ${cache} (once per generator version)…`);
    const started = performance.now();
    const desk = await openTestDesk({ dir: cache, keychain: KEYCHAIN, ids: randomIds });
    desk.clock.current = new Date('2027-03-31T12:00:00Z');
    await desk.restart({ validateOutput: false });
    const made = await desk.app.generateDemoSchool({ students, until: '2027-03-31' });
    await desk.close();
    writeFileSync(join(cache, ADMIN_KEY_FILE), made.adminTwoStepKey);
    console.log(
      `bench: school ready: ${made.payments} payments, ${made.cancelled} cancelled, ${made.bounced} bounced in ${Math.round((performance.now() - started) / 1000)} s`,
    );
    cpSync(join(cache, 'settings.json'), join(cache, 'ready'));
  }
  for (const f of SCHOOL_FILES) cpSync(join(cache, f), join(workDir, f));
  return openBenchDesk(workDir, now);
}

/** The demo admin's two-step key, kept beside the generated school (the admin set it up as the school was made). */
const ADMIN_KEY_FILE = 'admin-two-step.txt';
export const SCHOOL_FILES = ['feedesk.db', 'settings.json', ADMIN_KEY_FILE];

/**
 * A desk on a copied school: the built worker and the admin's key in the test authenticator. The admin's codes are good
 * only after those used while the school was made (2027-03-31): a case that logs the admin in passes a later `now`.
 */
export async function openBenchDesk(dir: string, now?: string): Promise<TestDesk> {
  const desk = await openTestDesk({ dir, keychain: KEYCHAIN, ids: randomIds });
  if (now) desk.clock.current = new Date(now);
  await desk.restart({ validateOutput: false, backgroundWorker: BUILT_WORKER });
  desk.authenticator.add(DEMO_USERS[0]!.username, readFileSync(join(dir, ADMIN_KEY_FILE), 'utf8'));
  return desk;
}

/**
 * The background worker as the app ships it (built by `npm run bench` first): timings then include a worker's real
 * start, not tsx compiling TypeScript inside it.
 */
export const BUILT_WORKER = { file: new URL('../../out/main/background-worker.js', import.meta.url) };

// server.push.bigchain: a 10-payment push of one school while the same PostgreSQL holds 100,000 payments of 100 other
// schools (their payments, allocations, caps, mutation log and change log written straight in with SQL): what one
// school's push costs must not grow with everyone else's history (issue 21).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { tempDir } from '../support/harness';
import { seedOtherSchools } from '../support/other-schools';
import { freePort, postgresUnavailable, startTestPostgres, type TestPostgres } from '../support/postgres';
import {
  type Agent,
  copySchool,
  enrollDesk,
  keepAliveAgent,
  overpaymentsSettled,
  postJson,
  pushBodies,
  recordTemplate,
  type EnrolledDesk,
} from '../support/push-load';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import type { BenchCase } from './harness';

const OTHER_SCHOOLS = 100;
const OTHER_PAYMENTS = Number(process.env['BENCH_BIGCHAIN_PAYMENTS'] ?? 100_000);
const RUNS = 200;
const WARMUP = 5;
const PER_PUSH = 10;
/**
 * The template's 200 payments spread over this many students (two ₹50 payments each): its copies pay the same dues
 * again, so each due must take all the runs' copies (₹100 a copy, 11 copies) without being overpaid, or the bench
 * would time the server settling overpayments instead of a desk's ordinary push.
 */
const TEMPLATE_STUDENTS = 100;

const scratch = tempDir();
let pgCluster: TestPostgres | null = null;
let server: ServerProcess | null = null;
let agent: Agent | null = null;
const chain = { url: '', adminToken: '', desk: null as EnrolledDesk | null, bodies: [] as string[], next: 0 };

export const serverPushCases: BenchCase[] = [
  {
    name: 'server.push.bigchain',
    runs: RUNS,
    warmup: WARMUP,
    async setup() {
      pgCluster = await startTestPostgres();
      if (!pgCluster) throw new Error(`server.push.bigchain needs PostgreSQL: ${postgresUnavailable}`);
      const databaseUrl = await pgCluster.newDatabase();
      const adminToken = randomBytes(24).toString('hex');
      server = await startServerProcess({ DATABASE_URL: databaseUrl, FEEDESK_ADMIN_TOKEN: adminToken }, await freePort());
      chain.url = `http://127.0.0.1:${server.port}`;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const added = await seedOtherSchools(client, OTHER_SCHOOLS, OTHER_PAYMENTS);
        console.log(`bench: server.push.bigchain: ${added} payments of ${OTHER_SCHOOLS} other schools in PostgreSQL`);
      } finally {
        await client.end();
      }
      agent = keepAliveAgent(chain.url);
      chain.adminToken = adminToken;
      const school = copySchool(await recordTemplate(scratch.dir, 200, TEMPLATE_STUDENTS));
      chain.desk = await enrollDesk(agent, chain.url, adminToken, 'Bigchain school', 'D01');
      const setup = school.setup();
      for (const body of pushBodies(chain.desk, setup)) {
        const answer = await postJson(agent, `${chain.url}/v1/push`, chain.desk.token, body);
        if (answer.status !== 200) throw new Error(`bigchain set-up push answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      }
      chain.bodies = pushBodies(chain.desk, school.payments('D01', (RUNS + WARMUP) * PER_PUSH, setup.length + 1), PER_PUSH);
    },
    async run() {
      const answer = await postJson(agent!, `${chain.url}/v1/push`, chain.desk!.token, chain.bodies[chain.next++]!);
      const results = (answer.json as { results?: { status: string }[] }).results ?? [];
      if (answer.status !== 200 || results.filter((r) => r.status === 'applied').length !== PER_PUSH)
        throw new Error(`bigchain push answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 500)}`);
      // The pushes timed were ordinary ones: the server settled no overpayment in any of them.
      const overpaid = chain.next === chain.bodies.length ? await overpaymentsSettled(chain.url, chain.adminToken) : 0;
      if (overpaid > 0) throw new Error(`bigchain: the server settled ${overpaid} overpayments: not a desk's ordinary push`);
    },
  },
];

export async function closeServerPushBench(): Promise<void> {
  agent?.destroy();
  await server?.stop();
  await pgCluster?.stop();
  scratch.cleanup();
}

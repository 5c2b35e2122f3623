// server.push.bigchain: a 10-payment push of one school while the same PostgreSQL holds 100,000 payments of 100 other
// schools (their payments, allocations, caps, mutation log and change log written straight in with SQL): what one
// school's push costs must not grow with everyone else's history (issue 21).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { tempDir } from '../support/harness';
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

/** Other schools' history, written the way the server would have: one desk each, 100 students, 10 payments a student. */
async function seedOtherSchools(databaseUrl: string): Promise<void> {
  const perStudent = Math.max(1, Math.round(OTHER_PAYMENTS / OTHER_SCHOOLS / 100));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into school (id, name) select gen_random_uuid(), 'Other school ' || g from generate_series(1, ${OTHER_SCHOOLS}) g`,
    );
    await client.query(`insert into branch (id, school_id, name) select gen_random_uuid(), id, 'Main' from school`);
    await client.query(`insert into desk (id, school_id, branch_id, code, token_hash, last_mutation_id)
      select gen_random_uuid(), s.id, b.id, 'D01', md5(random()::text) || md5(random()::text), 100 * ${perStudent}
      from school s join branch b on b.school_id = s.id`);
    await client.query(`insert into student (id, school_id, admission_no, version, data)
      select gen_random_uuid(), s.id, 'A-' || lpad(g::text, 4, '0'), 1, jsonb_build_object('fullName', 'Student ' || g)
      from school s, generate_series(1, 100) g`);
    await client.query(
      `insert into due_cap (due_id, school_id, student_id, net) select md5(id::text)::uuid, school_id, id, 300000 from student`,
    );
    await client.query(`create temp table seed on commit drop as
      select gen_random_uuid() as id, gen_random_uuid() as mutation, st.school_id, d.id as desk_id, st.id as student_id,
        row_number() over (partition by st.school_id order by st.id, g) as n
      from student st join desk d on d.school_id = st.school_id, generate_series(1, ${perStudent}) g`);
    await client.query(`insert into payment (id, school_id, desk_id, receipt_no, student_id, amount, business_date)
      select id, school_id, desk_id, '2026-27/D01/' || lpad(n::text, 6, '0'), student_id, 5000, '2026-04-02' from seed`);
    await client.query(`insert into allocation (school_id, payment_id, due_id, student_id, amount)
      select school_id, id, md5(student_id::text)::uuid, student_id, 5000 from seed`);
    await client.query(
      `insert into mutation (desk_id, mutation_id, id, name, status) select desk_id, n, mutation, 'payments.record', 'applied' from seed`,
    );
    // A payment's change carries its receipt snapshot: about a kilobyte and a half, as the desks' do.
    await client.query(`insert into change (school_id, desk_id, name, args)
      select school_id, desk_id, 'payments.record', jsonb_build_object(
        'payment', jsonb_build_object('id', id, 'receipt_no', '2026-27/D01/' || lpad(n::text, 6, '0'), 'student_id', student_id,
          'amount', 5000, 'mode', 'cash', 'snapshot_json', repeat('x', 1200)),
        'allocations', jsonb_build_array(jsonb_build_object('payment_id', id, 'due_id', md5(student_id::text)::uuid,
          'student_id', student_id, 'amount', 5000, 'event_id', null)),
        'credit', '[]'::jsonb, 'fineDues', '[]'::jsonb, 'dueNet', '{}'::jsonb)
      from seed order by school_id, n`);
    await client.query('commit');
    await client.query('analyze');
    const { rows } = await client.query<{ n: string }>('select count(*) as n from payment');
    console.log(`bench: server.push.bigchain: ${rows[0]!.n} payments of ${OTHER_SCHOOLS} other schools in PostgreSQL`);
  } finally {
    await client.end();
  }
}

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
      await seedOtherSchools(databaseUrl);
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

// Push load for the sync server: one real desk's outbox (a small school set up, then payments recorded) copied to as
// many schools and desks as wanted, with fresh ids, desk codes and receipt numbers, so the server applies every copy;
// and the HTTP calls a desk makes (enroll, push, pull) without a desk behind them.
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { openSideStore, openTestDesk, schoolInput } from './harness';
import { admit, seedSmallSchool } from './school';
import { SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';

export interface DeskOutbox {
  /** The school's set-up (masters, structure, students) as the first desk sent it; its key publication left out. */
  setup: Mutation[];
  payments: Mutation[];
}

/** A desk (D01) in `dir` sets up a small school with `students` students and records `payments` cash payments. */
export async function recordTemplate(dir: string, payments: number, students = 20): Promise<DeskOutbox> {
  const desk = await openTestDesk({ dir: join(dir, `template-${randomUUID()}`), ids: { uuid: () => randomUUID() } });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.restart({ validateOutput: false, sync: { intervalMs: 3_600_000 } });
  await desk.ok('setup.initialize', schoolInput({ deskCode: 'D01' }));
  await desk.ok('settings.update', { idleLockMinutes: 120 });
  const school = await seedSmallSchool(desk);
  const ids: string[] = [];
  for (let i = 0; i < students; i++) ids.push((await admit(desk, school)).id);
  for (let n = 0; n < payments; n++)
    await desk.ok('payments.record', { studentIds: [ids[n % ids.length]!], amount: 50_00, method: { mode: 'cash' } });
  await desk.close();
  const side = await openSideStore(desk);
  try {
    const rows = await side.db.selectFrom('outbox').select(['mutation_id', 'id', 'name', 'args_json']).orderBy('mutation_id').execute();
    const all = rows.map((r) => ({ mutationId: r.mutation_id, id: r.id, name: r.name, args: JSON.parse(r.args_json) as unknown }));
    return {
      // A desk key's id is its fingerprint: the same key published by every copy would be refused after the first.
      setup: all.filter((m) => m.name !== 'payments.record' && m.name !== 'deskKeys.publish'),
      payments: all.filter((m) => m.name === 'payments.record'),
    };
  } finally {
    await side.close();
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The template's school once more, under new ids: `setup()` for its first desk, then `payments(deskCode, count)` for
 * any of its desks (the template's payments in turn, each with a new payment id, mutation id and receipt number).
 */
export function copySchool(template: DeskOutbox) {
  const ids = new Map<string, string>();
  const schoolId = (id: string) => ids.get(id) ?? ids.set(id, randomUUID()).get(id)!;
  const setupText = template.setup.map((m) => JSON.stringify(m).replace(UUID, schoolId));
  const receipts = new Map<string, number>();
  return {
    setup: (): Mutation[] => setupText.map((text, i) => ({ ...(JSON.parse(text) as Mutation), mutationId: i + 1 })),
    payments(deskCode: string, count: number, firstMutationId = 1): Mutation[] {
      const out: Mutation[] = [];
      for (let i = 0; i < count; i++) {
        const m = template.payments[i % template.payments.length]!;
        const payment = (m.args as { payment: { id: string } }).payment.id;
        const fresh = new Map([
          [m.id, randomUUID()],
          [payment, randomUUID()],
        ]);
        const seq = (receipts.get(deskCode) ?? 0) + 1;
        receipts.set(deskCode, seq);
        const text = JSON.stringify(m.args)
          .replace(UUID, (id) => fresh.get(id) ?? schoolId(id))
          .replace(/"receipt_no":"[^"]*"/, `"receipt_no":"2026-27/${deskCode}/${String(seq).padStart(6, '0')}"`)
          .replace(/"desk_code":"[^"]*"/, `"desk_code":"${deskCode}"`)
          .replace(/"seq":\d+/, `"seq":${seq}`);
        out.push({ mutationId: firstMutationId + i, id: fresh.get(m.id)!, name: m.name, args: JSON.parse(text) as unknown });
      }
      return out;
    },
  };
}

/**
 * Many desks of many schools, all from 127.0.0.1: what would be many machines is one address here, so the per-address
 * limits meant for strangers (enrollments, connections) are opened up; the per-desk limits stay as shipped.
 */
export const ONE_ADDRESS_FOR_MANY = {
  FEEDESK_RATE_ENROLL: '100000',
  FEEDESK_RATE_PER_ADDRESS: '1000000',
  FEEDESK_CONNECTIONS_PER_ADDRESS: '10000',
  FEEDESK_MAX_CONNECTIONS: '10000',
};

export interface EnrolledDesk {
  deskId: string;
  token: string;
}

/** Push bodies of at most `size` mutations (a desk sends 50 at a time). */
export function pushBodies(desk: EnrolledDesk, mutations: Mutation[], size = 50): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < mutations.length; i += size)
    bodies.push(JSON.stringify({ deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: mutations.slice(i, i + size) }));
  return bodies;
}

export type Agent = HttpAgent | HttpsAgent;

export const keepAliveAgent = (url: string): Agent =>
  url.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });

export interface JsonAnswer {
  status: number;
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** POST a JSON body with a bearer token through `agent`: the status, the parsed answer and the headers. */
export function postJson(agent: Agent, url: string, token: string, body: string): Promise<JsonAnswer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown, headers: res.headers });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST, tried again after Retry-After while the server answers 429 or 503 (as a desk would), up to `tries` times. */
async function postPatiently(agent: Agent, url: string, token: string, body: string, tries = 20): Promise<JsonAnswer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await postJson(agent, url, token, body);
    if ((answer.status !== 429 && answer.status !== 503) || attempt >= tries) return answer;
    const wait = Number(answer.headers['retry-after'] ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(60, Number.isFinite(wait) ? wait : 1) * 1000));
  }
}

/** An enrollment code from the admin route, redeemed at once: the desk's id and token. */
export async function enrollDesk(
  agent: Agent,
  url: string,
  adminToken: string,
  schoolName: string,
  deskCode: string,
): Promise<EnrolledDesk> {
  const order = await postPatiently(agent, `${url}/v1/admin/enrollments`, adminToken, JSON.stringify({ schoolName, deskCode }));
  if (order.status !== 201)
    throw new Error(`enrollment of ${schoolName} ${deskCode} answered ${order.status}: ${JSON.stringify(order.json)}`);
  const { code } = order.json as { code: string };
  const redeemed = await postPatiently(agent, `${url}/v1/enroll`, '', JSON.stringify({ code, deskCode }));
  if (redeemed.status !== 200)
    throw new Error(`redeeming ${deskCode}'s code answered ${redeemed.status}: ${JSON.stringify(redeemed.json)}`);
  return redeemed.json as EnrolledDesk;
}

/** How many payments of the school `desk` would pull (its own are not sent back to it): the whole change log read. */
export async function paymentsPulled(agent: Agent, url: string, desk: EnrolledDesk): Promise<number> {
  let cookie: string | null = null;
  let payments = 0;
  for (;;) {
    const body = JSON.stringify({ deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie });
    const answer = await postJson(agent, `${url}/v1/pull`, desk.token, body);
    if (answer.status !== 200) throw new Error(`pull answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    const page = answer.json as { cookie: string; more: boolean; changes: { name: string }[] };
    payments += page.changes.filter((c) => c.name === 'payments.record').length;
    if (!page.more) return payments;
    cookie = page.cookie;
  }
}

// Push load for the sync server: one real desk's outbox (a small school set up, then payments recorded) copied to as
// many schools and desks as wanted, with fresh ids, desk codes and receipt numbers, so the server applies every copy;
// and the HTTP calls a desk makes (enroll, push, pull) without a desk behind them.
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { openSideStore, openTestDesk, schoolInput } from './harness';
import { admit, seedSmallSchool } from './school';
import { chainHash, GENESIS, type ChainRow } from '../../src/node-shared/audit-chain';
import type { AuditRow } from '../../src/shared/sync/audit';
import { SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';

/** An audit row as the template desk wrote it for a payment, without its place in a chain. */
type PaymentAudit = Omit<ChainRow, 'seq' | 'desk_code'>;

export interface DeskOutbox {
  /** The school's set-up (masters, structure, students) as the first desk sent it; its key publication left out. */
  setup: Mutation[];
  payments: Mutation[];
  /** The audit rows each payment wrote, by payment id. */
  audit: Map<string, PaymentAudit[]>;
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
    const payments = all.filter((m) => m.name === 'payments.record');
    const paymentIds = payments.map((m) => (m.args as { payment: { id: string } }).payment.id);
    const audit = new Map<string, PaymentAudit[]>(paymentIds.map((id) => [id, []]));
    for (const r of await side.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'user_id', 'action', 'entity', 'entity_id', 'before_json', 'after_json'])
      .where('entity_id', 'in', paymentIds)
      .orderBy('seq')
      .execute())
      audit.get(r.entity_id!)!.push(r);
    return {
      // A desk key's id is its fingerprint: the same key published by every copy would be refused after the first.
      setup: all.filter((m) => m.name !== 'payments.record' && m.name !== 'deskKeys.publish'),
      payments,
      audit,
    };
  } finally {
    await side.close();
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A desk's payments and, for each, the audit rows it wrote, chained from the desk's first row. */
export interface DeskWork {
  payments: Mutation[];
  audit: AuditRow[][];
}

/**
 * The template's school once more, under new ids: `setup()` for its first desk, then `payments(deskCode, count)` for
 * any of its desks (the template's payments in turn, each with a new payment id, mutation id and receipt number), or
 * `work(deskCode, count)`: the same with the audit chain the desk wrote for them.
 */
export function copySchool(template: DeskOutbox) {
  const ids = new Map<string, string>();
  const schoolId = (id: string) => ids.get(id) ?? ids.set(id, randomUUID()).get(id)!;
  const setupText = template.setup.map((m) => JSON.stringify(m).replace(UUID, schoolId));
  const receipts = new Map<string, number>();
  const chains = new Map<string, { seq: number; hash: string }>();
  const work = (deskCode: string, count: number, firstMutationId = 1): DeskWork => {
    const payments: Mutation[] = [];
    const audit: AuditRow[][] = [];
    const chain = chains.get(deskCode) ?? { seq: 0, hash: GENESIS };
    chains.set(deskCode, chain);
    for (let i = 0; i < count; i++) {
      const m = template.payments[i % template.payments.length]!;
      const payment = (m.args as { payment: { id: string } }).payment.id;
      const fresh = new Map([
        [m.id, randomUUID()],
        [payment, randomUUID()],
      ]);
      const freshId = (id: string) => fresh.get(id) ?? schoolId(id);
      const seq = (receipts.get(deskCode) ?? 0) + 1;
      receipts.set(deskCode, seq);
      const receiptNo = `2026-27/${deskCode}/${String(seq).padStart(6, '0')}`;
      const text = JSON.stringify(m.args)
        .replace(UUID, freshId)
        .replace(/"receipt_no":"[^"]*"/, `"receipt_no":"${receiptNo}"`)
        .replace(/"desk_code":"[^"]*"/, `"desk_code":"${deskCode}"`)
        .replace(/"seq":\d+/, `"seq":${seq}`);
      payments.push({ mutationId: firstMutationId + i, id: fresh.get(m.id)!, name: m.name, args: JSON.parse(text) as unknown });
      const rows: AuditRow[] = [];
      const copy = (json: string | null) => json?.replace(UUID, freshId).replace(/\d{4}-\d{2}\/D\w+\/\d{6}/g, receiptNo) ?? null;
      for (const row of template.audit.get(payment) ?? []) {
        const chained: ChainRow = {
          ...row,
          seq: ++chain.seq,
          id: randomUUID(),
          desk_code: deskCode,
          entity_id: row.entity_id && freshId(row.entity_id),
          before_json: copy(row.before_json),
          after_json: copy(row.after_json),
        };
        const hash = chainHash(chain.hash, chained);
        rows.push({ ...chained, prev_hash: chain.hash, hash });
        chain.hash = hash;
      }
      audit.push(rows);
    }
    return { payments, audit };
  };
  return {
    setup: (): Mutation[] => setupText.map((text, i) => ({ ...(JSON.parse(text) as Mutation), mutationId: i + 1 })),
    payments: (deskCode: string, count: number, firstMutationId = 1): Mutation[] => work(deskCode, count, firstMutationId).payments,
    work,
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

/**
 * What the school's change log holds that `desk` would pull (its own are not sent back to it), the whole log read: the
 * payments, and the overpayments the server settled on them.
 */
export async function paymentsPulled(agent: Agent, url: string, desk: EnrolledDesk): Promise<{ payments: number; overpaid: number }> {
  let cookie: string | null = null;
  const held = { payments: 0, overpaid: 0 };
  for (;;) {
    const body = JSON.stringify({ deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie });
    const answer = await postJson(agent, `${url}/v1/pull`, desk.token, body);
    if (answer.status !== 200) throw new Error(`pull answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    const page = answer.json as { cookie: string; more: boolean; changes: { name: string }[] };
    held.payments += page.changes.filter((c) => c.name === 'payments.record').length;
    held.overpaid += page.changes.filter((c) => c.name === 'payments.overpaid').length;
    if (!page.more) return held;
    cookie = page.cookie;
  }
}

/** Overpayments the server at `url` settled since it started (its /metrics, read with the admin token). */
export async function overpaymentsSettled(url: string, adminToken: string): Promise<number> {
  const answer = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  const text = await answer.text();
  const found = /^feedesk_sync_overpayments_total (\d+)$/m.exec(text)?.[1];
  if (answer.status !== 200 || found === undefined) throw new Error(`${url}/metrics answered ${answer.status}: ${text.slice(0, 200)}`);
  return Number(found);
}

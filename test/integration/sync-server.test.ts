// The sync server's edges, over PGlite and real PostgreSQL: tenancy on every route, bad input of every kind refused
// with a specific 4xx and nothing written, business rules re-checked, a fuzzed push endpoint, health and metrics.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';
import { createEnrollment } from '../../src/server/enrollment';
import { startSyncServer, type TestSyncServer, syncBackends } from '../support/sync-server';
import { paymentRecordArgs } from '../support/mutations';

const backends = await syncBackends();

const YEAR = randomUUID();
const CASHIER = randomUUID();
/** Each school's Class 5, pushed before its students. */
const CLASS = { A: randomUUID(), B: randomUUID() };
const classArgs = (id: string) => ({ id, name: 'Class 5', sortOrder: 5, sections: [] });

interface Desk {
  deskId: string;
  token: string;
  code: string;
  next: number;
}

const student = (admissionNo: string, classId = CLASS.A) => ({
  id: randomUUID(),
  admission_no: admissionNo,
  full_name: `Student ${admissionNo}`,
  class_id: classId,
  section_id: null,
  guardian_name: 'Guardian',
  phone: '9845000000',
  phone2: null,
  email: null,
  category_id: null,
  family_id: null,
  status: 'active' as const,
  joined_on: '2026-04-01',
  left_on: null,
  version: 1,
  created_at: '2026-04-01T00:00:00.000Z',
  updated_at: '2026-04-01T00:00:00.000Z',
});

/** The student as students.update sends it (the desk's view of the record). */
const view = (s: ReturnType<typeof student>) => ({
  id: s.id,
  admissionNo: s.admission_no,
  fullName: s.full_name,
  className: 'Class 5',
  section: null,
  guardianName: s.guardian_name,
  phone: s.phone,
  status: s.status,
  familyId: null,
  classId: s.class_id,
  sectionId: null,
  phone2: null,
  email: null,
  categoryId: null,
  joinedOn: s.joined_on,
  leftOn: null,
});

const payment = (desk: Desk, studentId: string, receiptNo: string, amount = 1000_00) =>
  paymentRecordArgs({ deskCode: desk.code, studentId, receiptNo, amount, yearId: YEAR, cashierId: CASHIER, dueNet: 5000_00 });

describe.each(backends)('the sync server on %s', (_name, backend) => {
  let server: TestSyncServer;
  let a: Desk;
  let b: Desk;
  let studentA: ReturnType<typeof student>;
  let studentB: ReturnType<typeof student>;

  const post = (url: string, body: unknown, token?: string, raw = false) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      payload: raw ? (body as string) : JSON.stringify(body),
    });
  const mutation = (desk: Desk, name: string, args: unknown): Mutation => ({ mutationId: desk.next++, id: randomUUID(), name, args });
  const pushOk = async (desk: Desk, mutations: Mutation[]) => {
    const res = await post('/v1/push', { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations }, desk.token);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { results: { mutationId: number; status: string; reason?: string }[]; lastMutationId: number };
  };
  const counts = async () => {
    const db = server.database.db;
    const n = async (t: 'change' | 'mutation' | 'payment' | 'student' | 'allocation') =>
      Number(
        (
          await db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      change: await n('change'),
      mutation: await n('mutation'),
      payment: await n('payment'),
      student: await n('student'),
      allocation: await n('allocation'),
    };
  };

  const enroll = async (schoolName: string, deskCode: string): Promise<Desk> => {
    const { code } = await createEnrollment(server.database.db, { schoolName, branchName: 'Main', deskCode, validHours: 1 });
    const res = await post('/v1/enroll', { code, deskCode });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { deskId: string; token: string };
    return { deskId: body.deskId, token: body.token, code: deskCode, next: 1 };
  };

  beforeAll(async () => {
    server = await startSyncServer(backend);
    a = await enroll('School A', 'D01');
    b = await enroll('School B', 'D01');
    studentA = student('A-1');
    studentB = student('B-1', CLASS.B);
    await pushOk(a, [mutation(a, 'masters.createClass', classArgs(CLASS.A)), mutation(a, 'students.create', studentA)]);
    await pushOk(b, [mutation(b, 'masters.createClass', classArgs(CLASS.B)), mutation(b, 'students.create', studentB)]);
    // Starting a database and migrating it can take longer than the default hook timeout on a busy machine.
  });
  afterAll(async () => server?.close());

  it('finishes the batch in flight when asked to stop, then refuses new work', async () => {
    const own = await startSyncServer(backend);
    try {
      const { code } = await createEnrollment(own.database.db, {
        schoolName: 'School S',
        branchName: 'Main',
        deskCode: 'D01',
        validHours: 1,
      });
      const enrolled = (await (
        await fetch(`${own.url}/v1/enroll`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, deskCode: 'D01' }),
        })
      ).json()) as { deskId: string; token: string };
      const desk: Desk = { deskId: enrolled.deskId, token: enrolled.token, code: 'D01', next: 1 };
      const classS = randomUUID();
      const batch = [
        mutation(desk, 'masters.createClass', classArgs(classS)),
        ...Array.from({ length: 400 }, (_, i) => mutation(desk, 'students.create', student(`S-${i}`, classS))),
      ];
      const inFlight = fetch(`${own.url}/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${desk.token}` },
        body: JSON.stringify({ deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: batch }),
      });
      await new Promise((r) => setTimeout(r, 20));
      const closing = own.app.close();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { lastMutationId: number }).lastMutationId).toBe(401);
      await closing;
      expect(
        Number(
          (
            await own.database.db
              .selectFrom('student')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ).toBe(400);
    } finally {
      await own.database.close();
    }
  });

  describe('enrollment', () => {
    it('redeems a code once only, and only for the desk it names', async () => {
      const { code } = await createEnrollment(server.database.db, {
        schoolName: 'School A',
        branchName: 'North',
        deskCode: 'D07',
        validHours: 1,
      });
      expect((await post('/v1/enroll', { code, deskCode: 'D08' })).json()).toEqual({
        error: { code: 'enrollment_invalid', message: 'this code is for desk D07, but this desk is D08' },
      });
      expect((await post('/v1/enroll', { code, deskCode: 'D07' })).statusCode).toBe(200);
      const again = await post('/v1/enroll', { code, deskCode: 'D07' });
      expect(again.statusCode).toBe(403);
      expect(again.json().error.message).toMatch(/already used/);
      expect((await post('/v1/enroll', { code: 'AAAA-BBBB-CCCC', deskCode: 'D07' })).json().error.code).toBe('enrollment_invalid');
    });

    it('issues codes on the admin route only with the admin token', async () => {
      const order = { schoolName: 'School C', deskCode: 'D01' };
      expect((await post('/v1/admin/enrollments', order)).statusCode).toBe(401);
      expect((await post('/v1/admin/enrollments', order, 'not-the-admin-token-at-all')).statusCode).toBe(401);
      const issued = await post('/v1/admin/enrollments', order, server.adminToken);
      expect(issued.statusCode).toBe(201);
      expect(issued.json().code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
      expect((await post('/v1/admin/enrollments', { ...order, deskCode: 'lower' }, server.adminToken)).json().error.code).toBe(
        'invalid_request',
      );
    });
  });

  describe('tenancy: a desk of school A cannot read or write school B', () => {
    it("pull returns only its own school's changes", async () => {
      const page = (await post('/v1/pull', { deskId: a.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, a.token)).json() as {
        changes: { args: { id: string } }[];
      };
      const ids = JSON.stringify(page);
      expect(ids).not.toContain(studentB.id);
      // A's own changes are not echoed back; B's desk sees its own school's (none from other desks yet).
      const bPage = (await post('/v1/pull', { deskId: b.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, b.token)).json() as {
        changes: unknown[];
      };
      expect(JSON.stringify(bPage)).not.toContain(studentA.id);
    });

    it('push and pull refuse a token used for another desk id', async () => {
      const before = await counts();
      const push = await post(
        '/v1/push',
        {
          deskId: b.deskId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ mutationId: 2, id: randomUUID(), name: 'students.create', args: student('X-1') }],
        },
        a.token,
      );
      expect(push.statusCode).toBe(403);
      expect((await post('/v1/pull', { deskId: b.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: null }, a.token)).statusCode).toBe(
        403,
      );
      expect(await counts()).toEqual(before);
    });

    it('a record id school B already holds is refused, not a server fault', async () => {
      const before = await counts();
      const clash = { ...student('A-77'), id: studentB.id };
      const res = await pushOk(a, [mutation(a, 'students.create', clash)]);
      expect(res.results[0]).toMatchObject({ status: 'rejected', reason: `student ${studentB.id} already exists` });
      expect((await counts()).student).toBe(before.student);
    });

    it("a payment or an edit naming school B's student is rejected as unknown", async () => {
      const result = await pushOk(a, [
        mutation(a, 'payments.record', payment(a, studentB.id, '2026-27/D01/000001')),
        mutation(a, 'students.update', { ...view(studentB), fullName: 'Taken over', version: 2, baseVersion: 1 }),
        mutation(a, 'payments.cancel', {
          paymentId: randomUUID(),
          eventId: randomUUID(),
          at: '2026-06-01T05:00:00.000Z',
          reason: 'x',
          byUser: CASHIER,
          approvedBy: null,
        }),
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(result.results[0]!.reason).toMatch(/student the server does not know/);
      expect(result.results[1]!.reason).toMatch(/no student .* in this school/);
      expect(
        await server.database.db.selectFrom('student').select('version').where('id', '=', studentB.id).executeTakeFirstOrThrow(),
      ).toEqual({ version: 1 });
    });
  });

  describe('business rules are re-checked', () => {
    it('applies a payment once, refuses a reused receipt number and a second use of a record id', async () => {
      const first = payment(a, studentA.id, '2026-27/D01/000002');
      const res = await pushOk(a, [mutation(a, 'payments.record', first)]);
      expect(res.results[0]!.status).toBe('applied');
      const reused = await pushOk(a, [mutation(a, 'payments.record', payment(a, studentA.id, '2026-27/D01/000002'))]);
      expect(reused.results[0]).toMatchObject({
        status: 'rejected',
        reason: 'receipt number 2026-27/D01/000002 is already used in this school',
      });
      const twice = await pushOk(a, [
        mutation(a, 'payments.record', { ...first, payment: { ...first.payment, receipt_no: '2026-27/D01/000003' } }),
      ]);
      expect(twice.results[0]!.reason).toMatch(/was already recorded/);
    });

    it('keeps a UPI reference to the first desk that reaches the server with it, per school', async () => {
      const ref = (desk: Desk, studentId: string) => ({
        ref: 'FDD01000001',
        kind: 'slip',
        studentId,
        amount: 4_700_00,
        covers: [],
        issuedOn: '2026-05-10',
        deskCode: desk.code,
        seq: 1,
        createdAt: '2026-05-10T05:00:00.000Z',
      });
      expect((await pushOk(a, [mutation(a, 'upi.reference', ref(a, studentA.id))])).results[0]!.status).toBe('applied');
      const again = await pushOk(a, [mutation(a, 'upi.reference', ref(a, studentA.id))]);
      expect(again.results[0]).toMatchObject({
        status: 'rejected',
        reason: expect.stringMatching(/^UPI reference FDD01000001 was issued already in this school/),
      });
      // Another school's desk D01 has its own FDD01000001.
      expect((await pushOk(b, [mutation(b, 'upi.reference', ref(b, studentB.id))])).results[0]!.status).toBe('applied');
      const twiceInOneBatch = await pushOk(b, [
        mutation(b, 'upi.reference', { ...ref(b, studentB.id), ref: 'FDD01000002', seq: 2 }),
        mutation(b, 'upi.reference', { ...ref(b, studentB.id), ref: 'FDD01000002', seq: 2 }),
      ]);
      expect(twiceInOneBatch.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    });

    it("refuses allocations that do not add up to the amount, and a receipt from another desk's series", async () => {
      const p = payment(a, studentA.id, '2026-27/D01/000004');
      const off = await pushOk(a, [mutation(a, 'payments.record', { ...p, payment: { ...p.payment, amount: 999 } })]);
      expect(off.results[0]!.reason).toMatch(/do not add up/);
      const q = payment(a, studentA.id, '2026-27/D09/000001');
      const other = await pushOk(a, [mutation(a, 'payments.record', { ...q, payment: { ...q.payment, desk_code: 'D09' } })]);
      expect(other.results[0]!.reason).toMatch(/written by desk D09/);
    });

    it('gives a class name to the first desk that reaches the server, and refuses students of an unknown class', async () => {
      const result = await pushOk(a, [
        mutation(a, 'masters.createClass', { ...classArgs(randomUUID()), name: 'class 5' }),
        mutation(a, 'masters.createClass', classArgs(CLASS.A)),
        mutation(a, 'students.create', student('A-2', randomUUID())),
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['rejected', 'applied', 'rejected']);
      expect(result.results[0]!.reason).toBe("'class 5' already exists in this school (made on another desk): use that one");
      expect(result.results[2]!.reason).toMatch(/^student A-2 is in a class the server does not know/);
    });

    it('skips mutations it already applied and refuses a gap', async () => {
      const before = await counts();
      const replay = await post(
        '/v1/push',
        {
          deskId: a.deskId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ mutationId: 1, id: randomUUID(), name: 'students.create', args: student('A-9') }],
        },
        a.token,
      );
      expect(replay.json()).toMatchObject({ results: [{ mutationId: 1, status: 'duplicate' }] });
      const gap = await post(
        '/v1/push',
        {
          deskId: a.deskId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ mutationId: a.next + 5, id: randomUUID(), name: 'students.create', args: student('A-9') }],
        },
        a.token,
      );
      expect(gap.statusCode).toBe(409);
      expect(gap.json()).toMatchObject({ error: { code: 'gap' }, lastMutationId: a.next - 1 });
      expect(await counts()).toEqual(before);
    });
  });

  describe('bad input gets a specific 4xx and changes nothing', () => {
    const cases: [string, () => Promise<{ statusCode: number; json(): unknown }>, number, string][] = [
      ['malformed JSON', () => post('/v1/push', '{"deskId": ', a.token, true), 400, 'bad_json'],
      [
        'an oversized body',
        () => post('/v1/push', JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT_BYTES + 1) }), a.token, true),
        413,
        'too_large',
      ],
      ['no token', () => post('/v1/push', { deskId: a.deskId, schemaVersion: 1, mutations: [] }), 401, 'unauthorized'],
      ['a wrong token', () => post('/v1/pull', { deskId: a.deskId, schemaVersion: 1, cookie: null }, 'x'.repeat(43)), 401, 'unauthorized'],
      [
        'an unknown mutation name',
        () =>
          post(
            '/v1/push',
            {
              deskId: a.deskId,
              schemaVersion: SYNC_SCHEMA_VERSION,
              mutations: [{ mutationId: a.next, id: randomUUID(), name: 'payments.erase', args: {} }],
            },
            a.token,
          ),
        400,
        'unknown_mutation',
      ],
      [
        'bad mutation arguments',
        () =>
          post(
            '/v1/push',
            {
              deskId: a.deskId,
              schemaVersion: SYNC_SCHEMA_VERSION,
              mutations: [{ mutationId: a.next, id: randomUUID(), name: 'payments.record', args: { payment: { id: 'nope' } } }],
            },
            a.token,
          ),
        400,
        'invalid_mutation',
      ],
      [
        'a schema version too old',
        () =>
          post(
            '/v1/push',
            {
              deskId: a.deskId,
              schemaVersion: 0,
              mutations: [{ mutationId: a.next, id: randomUUID(), name: 'students.create', args: student('A-8') }],
            },
            a.token,
          ),
        426,
        'schema_too_old',
      ],
      [
        'a schema version too new',
        () => post('/v1/pull', { deskId: a.deskId, schemaVersion: SYNC_SCHEMA_VERSION + 1, cookie: null }, a.token),
        400,
        'schema_too_new',
      ],
      [
        'an unknown cookie',
        () => post('/v1/pull', { deskId: a.deskId, schemaVersion: SYNC_SCHEMA_VERSION, cookie: '0123456789abcdef.5' }, a.token),
        409,
        'unknown_cookie',
      ],
      ['a missing field', () => post('/v1/pull', { deskId: a.deskId, cookie: null }, a.token), 400, 'invalid_request'],
      [
        'ids out of order in a batch',
        () =>
          post(
            '/v1/push',
            {
              deskId: a.deskId,
              schemaVersion: SYNC_SCHEMA_VERSION,
              mutations: [
                { mutationId: a.next, id: randomUUID(), name: 'students.create', args: student('A-7') },
                { mutationId: a.next + 2, id: randomUUID(), name: 'students.create', args: student('A-6') },
              ],
            },
            a.token,
          ),
        400,
        'invalid_request',
      ],
    ];
    it.each(cases)('%s', async (_label, send, status, code) => {
      const before = await counts();
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect((res.json() as { error: { code: string; message: string } }).error.code).toBe(code);
      expect((res.json() as { error: { message: string } }).error.message.length).toBeGreaterThan(10);
      expect(await counts()).toEqual(before);
    });

    it('survives fuzzed push bodies: never a 5xx, never a write', async () => {
      const before = await counts();
      const valid = () => ({
        deskId: a.deskId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [
          { mutationId: a.next, id: randomUUID(), name: 'payments.record', args: payment(a, studentA.id, `2026-27/D01/9${a.next}`) },
        ],
      });
      // A mutated valid body: one value somewhere replaced by something of another type, or removed.
      const mutated = fc
        .tuple(
          fc.nat(),
          fc.oneof(fc.constant(undefined), fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer()), fc.boolean()),
        )
        .map(([pick, replacement]) => {
          const body = valid();
          const spots: [Record<string, unknown>, string][] = [];
          const walk = (o: unknown) => {
            if (o && typeof o === 'object')
              for (const [k, v] of Object.entries(o)) {
                spots.push([o as Record<string, unknown>, k]);
                // dueNet is a map: without one of its entries it is still valid, so only the map as a whole is a spot.
                if (k !== 'dueNet') walk(v);
              }
          };
          walk(body);
          const [holder, key] = spots[pick % spots.length]!;
          const before = holder[key];
          // Swapped for a value of the same kind, or a null of a nullable field filled, it may still be valid: spoil the version instead.
          if (before === null || (typeof before === typeof replacement && replacement !== null)) return { ...body, schemaVersion: -1 };
          if (replacement === undefined) delete holder[key];
          else holder[key] = replacement;
          return body;
        });
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue(), mutated), async (body) => {
          const res = await post('/v1/push', body, a.token);
          // 200 is possible (a mutation id turned into one already applied is a duplicate); 5xx never.
          expect(res.statusCode).toBeLessThan(500);
        }),
        { numRuns: 300 },
      );
      expect(await counts()).toEqual(before);
    });
  });

  it('answers /health, and shows Prometheus metrics with per-desk lag to the operator only', async () => {
    expect((await server.app.inject({ url: '/health' })).json()).toMatchObject({ ok: true });
    expect((await server.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await server.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${a.token}` } })).statusCode).toBe(401);
    const text = (await server.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${server.adminToken}` } })).body;
    expect(text).toMatch(/^feedesk_sync_mutations_total\{result="applied"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedesk_sync_mutations_total\{result="rejected"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedesk_sync_errors_total\{code="bad_json"\} [1-9]/m);
    expect(text).toMatch(/^feedesk_sync_desk_lag_changes\{school="School A",desk="D01"\} \d+$/m);
    expect(text).toMatch(/^feedesk_sync_desk_push_age_seconds\{school="School B",desk="D01"\} [\d.]+$/m);
  });
});

// Receipt keys and the public receipt check under attack: a desk of another school squatting a key id, and a
// genuine desk key re-signing another desk's receipt with a new amount or date (issue 17, items 5 and 6).
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimBytes, packPayload } from '../../src/node-shared/receipt-qr';
import { buildSyncServer } from '../../src/server/app';
import { openServerDatabase, type ServerDatabase } from '../../src/server/db/connect';
import { createEnrollment } from '../../src/server/enrollment';
import { SYNC_SCHEMA_VERSION, type Mutation } from '../../src/shared/sync/protocol';
import { openSideStore, openTestDesk, schoolInput } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { enrollDesk, startSyncServer } from '../support/sync-server';
import type { FastifyInstance } from 'fastify';
import { paymentRecordArgs } from '../support/mutations';

interface Desk {
  deskId: string;
  token: string;
  code: string;
  next: number;
}

interface DeskKey {
  keyId: string;
  publicKey: string;
  privateKey: KeyObject;
}

const CLASS = randomUUID();
const SCHOOL_BYTES = '1a2b3c4d';

function newKey(): DeskKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { keyId: createHash('sha256').update(raw).digest().subarray(0, 8).toString('hex'), publicKey: raw.toString('base64'), privateKey };
}

/** The publish a desk sends: its key, and its signature over the key id and desk code as proof it holds the key. */
function publishArgs(key: DeskKey, deskCode: string, overrides: Record<string, unknown> = {}) {
  const proof = sign(null, Buffer.from(`FeeDesk desk key\n${key.keyId}\n${deskCode}`, 'utf8'), key.privateKey).toString('base64');
  return { key_id: key.keyId, desk_code: deskCode, public_key: key.publicKey, created_at: '2026-06-01T04:00:00.000Z', proof, ...overrides };
}

/** A receipt code as a desk prints it, signed by `key` under `keyId` (an attacker may name another key's id). */
function receiptCode(key: DeskKey, claims: { receiptNo: string; amount: number; date: string }, keyId = key.keyId) {
  const bytes = claimBytes({
    schoolId: SCHOOL_BYTES,
    keyId,
    date: claims.date,
    amount: claims.amount,
    receiptNo: claims.receiptNo,
    admissionNo: 'A-1',
  });
  return packPayload(bytes, sign(null, bytes, key.privateKey));
}

function studentArgs(id: string) {
  return {
    id,
    admission_no: `A-${id.slice(0, 6)}`,
    full_name: 'Asha Rao',
    class_id: CLASS,
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
  };
}

let database: ServerDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await openServerDatabase({});
  ({ app } = await buildSyncServer({ db: database.db }));
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const enroll = async (schoolName: string, deskCode: string): Promise<Desk> => {
  const { code } = await createEnrollment(database.db, { schoolName, branchName: 'Main', deskCode, validHours: 1 });
  const res = await app.inject({ method: 'POST', url: '/v1/enroll', payload: { code, deskCode } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { deskId: string; token: string };
  return { deskId: body.deskId, token: body.token, code: deskCode, next: 1 };
};

/** Pushes one mutation and answers its result. */
const push = async (desk: Desk, name: string, args: unknown) => {
  const mutation: Mutation = { mutationId: desk.next++, id: randomUUID(), name, args };
  const res = await app.inject({
    method: 'POST',
    url: '/v1/push',
    headers: { authorization: `Bearer ${desk.token}` },
    payload: { deskId: desk.deskId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [mutation] },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { results: { status: string; reason?: string }[] }).results[0]!;
};

/** What a phone sees on opening the code: the verdict's state and headline. */
const check = async (code: string) => {
  const res = await app.inject({ method: 'GET', url: `/verify/${code}` });
  expect(res.statusCode).toBe(200);
  return {
    state: /data-state="(\w+)"/.exec(res.body)?.[1],
    headline: /<h1[^>]*>([^<]*)<\/h1>/.exec(res.body)?.[1]?.replaceAll('&#39;', "'"),
    school: /School<\/th><td>([^<]*)</.exec(res.body)?.[1],
  };
};

describe('receipt keys cannot be squatted by another school (issue 17, item 5)', () => {
  let a: Desk;
  let attacker: Desk;
  let studentId: string;

  beforeAll(async () => {
    a = await enroll('Squat School A', 'D01');
    attacker = await enroll('Squat School B', 'D01');
    studentId = randomUUID();
    expect((await push(a, 'masters.createClass', { id: CLASS, name: 'Class 5', sortOrder: 5, sections: [] })).status).toBe('applied');
    expect((await push(a, 'students.create', studentArgs(studentId))).status).toBe('applied');
  });

  it("refuses a key id that is not the fingerprint of the key sent with it, so the victim's receipts stay valid", async () => {
    const victim = newKey();
    const squatter = newKey();
    const squat = await push(attacker, 'deskKeys.publish', publishArgs(squatter, 'D01', { key_id: victim.keyId }));
    expect(squat.status).toBe('rejected');
    expect(squat.reason).toMatch(/not the id of the key sent with it/);

    expect((await push(a, 'deskKeys.publish', publishArgs(victim, 'D01'))).status).toBe('applied');
    expect(
      (
        await push(
          a,
          'payments.record',
          paymentRecordArgs({ deskCode: a.code, studentId, receiptNo: 'SQ-A/0001', amount: 500_00, businessDate: '2026-06-01' }),
        )
      ).status,
    ).toBe('applied');
    const genuine = await check(receiptCode(victim, { receiptNo: 'SQ-A/0001', amount: 500_00, date: '2026-06-01' }));
    expect(genuine).toMatchObject({ state: 'valid', headline: 'Valid receipt', school: 'Squat School A' });

    const forged = await check(receiptCode(squatter, { receiptNo: 'SQ-A/0001', amount: 500_00, date: '2026-06-01' }, victim.keyId));
    expect(forged.state).toBe('invalid');
    expect(forged.headline).not.toMatch(/Genuine|Valid/);
  });

  it('lets a desk that proves it holds its key take the key id back from a school that only copied the public key', async () => {
    const victim = newKey();
    // The attacker has the victim's public key (not its private half) and publishes it first, with and without a made-up proof.
    const madeUp = await push(attacker, 'deskKeys.publish', publishArgs(victim, 'D01', { proof: Buffer.alloc(64, 7).toString('base64') }));
    expect(madeUp.status).toBe('rejected');
    const { proof: _none, ...unproven } = publishArgs(victim, 'D01');
    await push(attacker, 'deskKeys.publish', unproven);

    expect((await push(a, 'deskKeys.publish', publishArgs(victim, 'D01'))).status).toBe('applied');
    const held = await database.db.selectFrom('desk_key').select(['desk_id']).where('key_id', '=', victim.keyId).executeTakeFirstOrThrow();
    expect(held.desk_id).toBe(a.deskId);
    expect(
      (
        await push(
          a,
          'payments.record',
          paymentRecordArgs({ deskCode: a.code, studentId, receiptNo: 'SQ-A/0002', amount: 500_00, businessDate: '2026-06-02' }),
        )
      ).status,
    ).toBe('applied');
    expect(await check(receiptCode(victim, { receiptNo: 'SQ-A/0002', amount: 500_00, date: '2026-06-02' }))).toMatchObject({
      state: 'valid',
      school: 'Squat School A',
    });

    // Once proven, the key id is the victim's for good: the attacker cannot publish it again.
    expect((await push(attacker, 'deskKeys.publish', unproven)).status).toBe('rejected');
  });
});

describe('/verify answers from the books, not from the signature alone (issue 17, item 6)', () => {
  let d01: Desk;
  let d02: Desk;
  let key01: DeskKey;
  let key02: DeskKey;
  const receipt = { receiptNo: 'BK-D01/0001', amount: 500_00, date: '2026-06-01' };

  beforeAll(async () => {
    d01 = await enroll('Books School', 'D01');
    d02 = await enroll('Books School', 'D02');
    key01 = newKey();
    key02 = newKey();
    const studentId = randomUUID();
    const classId = randomUUID();
    expect((await push(d01, 'masters.createClass', { id: classId, name: 'Class 5', sortOrder: 5, sections: [] })).status).toBe('applied');
    expect((await push(d01, 'students.create', { ...studentArgs(studentId), class_id: classId })).status).toBe('applied');
    expect((await push(d01, 'deskKeys.publish', publishArgs(key01, 'D01'))).status).toBe('applied');
    expect((await push(d02, 'deskKeys.publish', publishArgs(key02, 'D02'))).status).toBe('applied');
    expect(
      (
        await push(
          d01,
          'payments.record',
          paymentRecordArgs({
            deskCode: d01.code,
            studentId,
            receiptNo: receipt.receiptNo,
            amount: receipt.amount,
            businessDate: receipt.date,
          }),
        )
      ).status,
    ).toBe('applied');
  });

  it('reads the genuine receipt as valid', async () => {
    expect(await check(receiptCode(key01, receipt))).toMatchObject({ state: 'valid', headline: 'Valid receipt' });
  });

  it("does not read D01's ₹500 receipt re-signed by D02 at ₹50,000 as valid", async () => {
    const verdict = await check(receiptCode(key02, { ...receipt, amount: 50_000_00 }));
    expect(verdict.state).toBe('mismatch');
    expect(verdict.headline).toBe("Receipt does not match the school's books");
  });

  it("does not read D01's receipt re-signed by D02 with the same amount and date as valid", async () => {
    expect((await check(receiptCode(key02, receipt))).state).toBe('mismatch');
  });

  it('does not read a receipt whose amount alone was changed (signed by its own desk) as valid', async () => {
    expect((await check(receiptCode(key01, { ...receipt, amount: 50_000_00 }))).state).toBe('mismatch');
  });

  it('does not read a receipt whose date alone was changed (signed by its own desk) as valid', async () => {
    expect((await check(receiptCode(key01, { ...receipt, date: '2026-05-01' }))).state).toBe('mismatch');
  });

  it('calls a receipt not yet synced only when the school has no payment with its number', async () => {
    expect(await check(receiptCode(key02, { receiptNo: 'BK-D02/0001', amount: 700_00, date: '2026-06-01' }))).toMatchObject({
      state: 'not_synced',
      headline: 'Genuine receipt',
    });
  });
});

describe('a real desk, end to end', () => {
  it('publishes its key with a proof the server accepts, and its printed receipt reads valid from the books', async () => {
    const server = await startSyncServer({ kind: 'pglite' });
    const desk = await openTestDesk({ ids: { uuid: () => randomUUID() } });
    try {
      desk.clock.current = new Date('2026-04-02T05:00:00Z');
      await desk.ok('setup.initialize', schoolInput({ deskCode: 'D01' }));
      const school = await seedSmallSchool(desk);
      const student = await admit(desk, school);
      await desk.ok('payments.record', { studentIds: [student.id], amount: 4_500_00, method: { mode: 'cash' } });
      await enrollDesk(server, desk, 'End To End School');
      await desk.app.sync.runNow().catch(() => {});
      await desk.app.sync.runNow();

      const keys = await server.database.db.selectFrom('desk_key').select(['desk_code', 'proven']).execute();
      expect(keys).toEqual([{ desk_code: 'D01', proven: true }]);
      const side = await openSideStore(desk);
      const { qr } = side.raw.prepare('select qr from payment').get() as { qr: string };
      await side.close();
      const res = await server.app.inject({ method: 'GET', url: `/verify/${qr}` });
      expect(/data-state="(\w+)"/.exec(res.body)?.[1]).toBe('valid');
    } finally {
      await desk.close();
      await server.close();
    }
  }, 120_000);
});

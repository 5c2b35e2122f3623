// IPC fuzz: every channel gets arbitrary values and inputs shaped like its own (its field names, wrong values), as a
// compromised or buggy renderer could send. Whatever comes in: no unhandled exception, an error code from the declared
// set (never "internal"), and not one write to the store. FEEDESK_FUZZ_RUNS sets the total (10,000 by default).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChannelName, contract, parseInput } from '../../src/shared/contract';
import { ERROR_CODES } from '../../src/shared/contract/errors';
import { type OpenedStore } from '../../src/main/db/open';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

const TOTAL_RUNS = Number(process.env['FEEDESK_FUZZ_RUNS'] ?? 10_000);
const channels = Object.keys(contract) as ChannelName[];
const runsEach = Math.max(20, Math.ceil(TOTAL_RUNS / channels.length));

let desk: TestDesk;
let side: OpenedStore;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school);
  await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
  side = await openSideStore(desk);
});
afterAll(async () => {
  await side.close();
  await desk.close();
});

/** Values of every JSON-ish kind, including the awkward ones (huge numbers, NaN, deep nesting, long strings). */
const junk = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -1,
    0,
    2 ** 53,
    '',
    ' ',
    '0',
    'null',
    '__proto__',
    'x'.repeat(70_000),
    '/etc/passwd',
    '../../feedesk.db',
    "'; drop table payment; --",
  ),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.double(),
);

/** An input with the channel's own field names, each given a junk value (or left out, or one extra field). */
function shaped(schema: z.ZodType): fc.Arbitrary<unknown> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : null;
  if (!shape) return junk;
  const keys = Object.keys(shape);
  return fc.record(Object.fromEntries([...keys, 'extra'].map((k) => [k, junk])), { requiredKeys: [] });
}

const dataVersion = () =>
  (side.raw.pragma('data_version', { simple: true }) as number) +
  Number((side.raw.prepare('select count(*) as n from audit_log').get() as { n: number }).n) * 1e9;

describe('IPC fuzz', () => {
  it('refuses values zod itself throws on (found by the fuzz: a prototype-less object where a length is read)', async () => {
    const input = { jobId: { length: Object.create(null) as object } };
    expect(() => contract['imports.job'].input.safeParse(input)).toThrow(TypeError);
    expect(await desk.call('imports.job', input as never)).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'input is not plain data' },
    });
    expect(desk.errors).toEqual([]);
  });

  it(`${channels.length} channels × ${runsEach} inputs: refused with a declared error code, nothing written`, async () => {
    const codes = new Set<string>(ERROR_CODES.filter((c) => c !== 'internal'));
    let sent = 0;
    for (const channel of channels) {
      const schema = contract[channel].input as z.ZodType;
      await fc.assert(
        fc.asyncProperty(fc.oneof(junk, shaped(schema)), async (input) => {
          if (parseInput(schema, input).success) return; // a valid input may write: not this test's business
          sent += 1;
          const before = dataVersion();
          const result = await desk.call(channel, input as never);
          expect(result.ok, `${channel} accepted ${String(JSON.stringify(input)).slice(0, 200)}`).toBe(false);
          if (!result.ok) expect(codes.has(result.error.code), `${channel}: ${result.error.code} ${result.error.message}`).toBe(true);
          expect(dataVersion(), `${channel} wrote on invalid input`).toBe(before);
        }),
        { numRuns: runsEach },
      );
    }
    expect(sent).toBeGreaterThan(channels.length * runsEach * 0.9);
    expect(desk.errors).toEqual([]);
    // The write detector itself: a valid change does move it.
    const before = dataVersion();
    await desk.ok('masters.createCategory', { name: 'Fuzz check' });
    expect(dataVersion()).not.toBe(before);
  }, 300_000);
});

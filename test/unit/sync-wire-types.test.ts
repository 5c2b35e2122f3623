// The sync wire has one description, MUTATION_ARGS: the desk's outbox writes it and its appliers read it, so a field
// renamed on one side fails to compile on the other. The type checks here run in `npm run typecheck`
// (tsconfig.node.json includes test/), where an @ts-expect-error that no longer meets an error fails too.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Tx } from '../../src/main/db/schema';
import type { Clock, IdSource } from '../../src/main/services/context';
import { enqueue, enqueueMany } from '../../src/main/services/outbox';
import { APPLIERS } from '../../src/main/sync/appliers';
import { BULK_RUNS } from '../../src/main/sync/apply-remote';
import {
  type ChangeArgs,
  MUTATION_NAMES,
  type MutationArgs,
  type MutationArgsInput,
  SERVER_CHANGE_NAMES,
} from '../../src/shared/sync/protocol';

/** Only compiled, never run: the calls a desk may and may not write to its outbox. */
export async function outboxWrites(tx: Tx, env: { clock: Clock; ids: IdSource }): Promise<void> {
  const cancel = { paymentId: 'p', eventId: 'e', at: '2026-06-01T10:00:00Z', reason: 'wrong student', byUser: 'u', approvedBy: null };
  await enqueue(tx, env, 'payments.cancel', cancel);
  await enqueue(tx, env, 'payments.cancel', {
    // @ts-expect-error the field is paymentId
    paymentID: 'p',
    eventId: 'e',
    at: '2026-06-01T10:00:00Z',
    reason: 'wrong student',
    byUser: 'u',
    approvedBy: null,
  });
  // @ts-expect-error a cancellation names its reason
  await enqueue(tx, env, 'payments.cancel', { paymentId: 'p', eventId: 'e', at: '2026-06-01T10:00:00Z', byUser: 'u', approvedBy: null });
  // @ts-expect-error the server knows no such mutation
  await enqueue(tx, env, 'payments.delete', cancel);
  await enqueueMany(tx, env, 'structures.assign', [{ structureId: 's', assignedAt: '2026-06-01T10:00:00Z' }]);
  // @ts-expect-error the field is structureId
  await enqueueMany(tx, env, 'structures.assign', [{ structure_id: 's', assignedAt: '2026-06-01T10:00:00Z' }]);
}

describe('the sync wire', () => {
  it('has the outbox take what the server parses, and the appliers read what it passes on', () => {
    expectTypeOf(enqueue<'payments.refundCredit'>)
      .parameter(3)
      .toEqualTypeOf<MutationArgsInput<'payments.refundCredit'>>();
    expectTypeOf(APPLIERS['payments.refundCredit']).parameter(2).toEqualTypeOf<MutationArgs<'payments.refundCredit'>>();
    expectTypeOf(APPLIERS['payments.overpaid']).parameter(2).toEqualTypeOf<ChangeArgs<'payments.overpaid'>>();
    expectTypeOf<MutationArgs<'payments.cancel'>>().toEqualTypeOf<{
      paymentId: string;
      eventId: string;
      at: string;
      reason: string;
      byUser: string;
      approvedBy: string | null;
    }>();
  });

  it('has an applier for every change the server can send: one by one, or in bulk runs', () => {
    const oneByOne = Object.keys(APPLIERS);
    const inBulk = Object.keys(BULK_RUNS);
    expect(oneByOne.filter((name) => inBulk.includes(name))).toEqual([]);
    expect([...oneByOne, ...inBulk].sort()).toEqual([...MUTATION_NAMES, ...SERVER_CHANGE_NAMES].sort());
  });
});

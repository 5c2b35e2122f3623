// The copying of a catch-up pull's WAL beside it (src/main/sync/pull-checkpoints.ts): it runs until stopped, stop()
// waits for the copy under way, and a copy that fails ends the copying with a line in the log, not the pull.
import { describe, expect, it } from 'vitest';
import { startPullCheckpoints, type CheckpointWorker } from '../../src/main/sync/pull-checkpoints';

/** A worker whose copies are settled by the test, one at a time. */
function heldWorker() {
  const asked: { settle: (ran: boolean) => void; fail: (err: Error) => void }[] = [];
  let waiting: (() => void) | null = null;
  const worker: CheckpointWorker = {
    request: <T>() =>
      new Promise<T>((resolve, reject) => {
        asked.push({ settle: (ran) => resolve({ ran } as T), fail: reject });
        waiting?.();
      }),
  };
  const nextAsk = async (n: number) => {
    while (asked.length < n) await new Promise<void>((resolve) => (waiting = resolve));
    return asked[n - 1]!;
  };
  return { worker, asked, nextAsk };
}

describe('copying the pull’s WAL beside it', () => {
  it('asks again after each copy, counts the copies that ran, and stops after the one under way', async () => {
    const { worker, asked, nextAsk } = heldWorker();
    const log: string[] = [];
    const copying = startPullCheckpoints(worker, (m) => log.push(m), 1);
    (await nextAsk(1)).settle(true);
    // Busy: the pull worker's own checkpoint was running; not counted.
    (await nextAsk(2)).settle(false);
    const third = await nextAsk(3);
    let stopped = false;
    const stopping = copying.stop().then((copies) => {
      stopped = true;
      return copies;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(false);
    third.settle(true);
    expect(await stopping).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked).toHaveLength(3);
    expect(log).toEqual([]);
  });

  it('ends with a line in the log when a copy fails, and stop() still resolves', async () => {
    const { worker, asked, nextAsk } = heldWorker();
    const log: string[] = [];
    const copying = startPullCheckpoints(worker, (m) => log.push(m), 1);
    (await nextAsk(1)).settle(true);
    (await nextAsk(2)).fail(new Error('the background worker stopped'));
    expect(await copying.stop()).toBe(1);
    expect(asked).toHaveLength(2);
    expect(log).toEqual(["copying the pull's WAL beside it stopped (the pull goes on): the background worker stopped"]);
  });

  it('waits its pause between copies, and a stop during the pause ends it at once', async () => {
    const { worker, asked, nextAsk } = heldWorker();
    const copying = startPullCheckpoints(worker, () => {}, 60_000);
    (await nextAsk(1)).settle(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(asked).toHaveLength(1);
    expect(await copying.stop()).toBe(1);
  });
});

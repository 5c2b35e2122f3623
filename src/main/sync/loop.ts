// The background sync loop: a round every interval while things go well; after a failure, exponential backoff with
// jitter (so a school's desks do not all return at once when the network does). Rounds never overlap.
import { type SyncRound, syncOnce } from './engine';
import type { PullProgress, SyncEnv } from './env';
import { SyncFailure } from './client';

export interface SyncLoopOptions {
  intervalMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /** How soon a round follows a payment (soon()): its audit rows reach the server while the cashier is still at the desk. */
  soonMs?: number;
  /** False while the store is locked or not set up: the loop waits. */
  canRun: () => boolean;
}

export interface SyncLoop {
  start(): void;
  stop(): Promise<void>;
  /** Runs a round now (or joins the one running) and reports how it went. */
  runNow(): Promise<SyncRound | null>;
  /**
   * A payment was just recorded: a round shortly, so it and its audit rows leave the desk now rather than at the next
   * interval. Never sooner than a standing backoff after failures (an offline desk is not hammered); asked for during a
   * round, another follows it. Payments in quick succession share one round.
   */
  soon(): void;
  view(): { syncing: boolean; online: boolean | null; nextAttemptAt: string | null; pulling: PullProgress | null };
}

export function backoffDelay(failures: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function createSyncLoop(env: SyncEnv, options: SyncLoopOptions): SyncLoop {
  const interval = options.intervalMs ?? 30_000;
  const base = options.baseDelayMs ?? 2_000;
  const max = options.maxDelayMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  let running: Promise<SyncRound | null> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let failures = 0;
  let online: boolean | null = null;
  let nextAt: number | null = null;
  const soonMs = options.soonMs ?? 500;
  let again = false;
  let pulling: PullProgress | null = null;
  const roundEnv: SyncEnv = {
    ...env,
    onPull: (progress) => {
      pulling = progress;
      env.onPull?.(progress);
    },
  };

  const schedule = (delay: number) => {
    if (!started) return;
    if (timer) clearTimeout(timer);
    nextAt = env.clock.now().getTime() + delay;
    timer = setTimeout(() => void round().catch(() => {}), delay);
    timer.unref?.();
  };

  const round = (): Promise<SyncRound | null> => {
    if (running) return running;
    if (!options.canRun()) {
      schedule(interval);
      return Promise.resolve(null);
    }
    running = (async () => {
      try {
        const result = await syncOnce(roundEnv);
        failures = 0;
        online = result === null ? online : true;
        schedule(again ? soonMs : interval);
        again = false;
        return result;
      } catch (err) {
        failures += 1;
        const temporary = err instanceof SyncFailure && err.temporary;
        online = err instanceof SyncFailure && err.status !== null;
        const delay = temporary ? backoffDelay(failures, base, max, random) : max;
        env.log(
          temporary ? 'warn' : 'error',
          `sync round failed (${failures} in a row), next try in ${Math.round(delay / 1000)} s: ${err instanceof Error ? err.message : String(err)}`,
        );
        schedule(delay);
        throw err;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    start() {
      if (started) return;
      started = true;
      schedule(1_000);
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
      nextAt = null;
      await running?.catch(() => {});
    },
    runNow: round,
    soon() {
      if (!started) return;
      if (running) {
        again = true;
        return;
      }
      // After failures the backoff stands; otherwise the round comes forward (never later than already planned).
      if (failures > 0) return;
      const at = env.clock.now().getTime() + soonMs;
      if (nextAt !== null && nextAt <= at) return;
      schedule(soonMs);
    },
    view: () => ({
      syncing: running !== null,
      online,
      nextAttemptAt: nextAt === null ? null : new Date(nextAt).toISOString(),
      pulling,
    }),
  };
}

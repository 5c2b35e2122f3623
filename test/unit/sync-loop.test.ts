// The sync loop's retry schedule: exponential backoff with jitter, capped, so desks do not return in step.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/main/sync/loop';

describe('backoffDelay', () => {
  it('doubles from the base after each failure and stops at the cap', () => {
    const top = (failures: number) => backoffDelay(failures, 2_000, 300_000, () => 1);
    expect([1, 2, 3, 4, 5].map(top)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000]);
    expect(top(9)).toBe(300_000);
    expect(top(40)).toBe(300_000);
  });

  it('spreads each delay between half and all of its ceiling', () => {
    expect(backoffDelay(3, 2_000, 300_000, () => 0)).toBe(4_000);
    expect(backoffDelay(3, 2_000, 300_000, () => 0.5)).toBe(6_000);
    const seen = new Set(Array.from({ length: 50 }, (_, i) => backoffDelay(4, 2_000, 300_000, () => i / 50)));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(8_000);
    expect(Math.max(...seen)).toBeLessThanOrEqual(16_000);
    expect(seen.size).toBeGreaterThan(40);
  });
});

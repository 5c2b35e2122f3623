// `npm run loadtest` as an operator runs it, small: two schools of two desks do their sync rounds (push, pull, audit rows)
// against a sync server it starts; it reports what the server holds and, on its own PostgreSQL, what a payment took on disk.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

describe('the load test', () => {
  it('pushes every payment at the pace asked, finds them all on the server, and says what a payment took on disk', async () => {
    // Two rounds of 50 a desk at 400 payments/s offered by 4 desks: a desk's second round starts half a second after its first.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/loadtest.ts', '--schools', '2', '--desks', '2', '--payments', '60', '--rate', '400'],
      { cwd: root, timeout: 150_000, maxBuffer: 1 << 20 },
    );
    expect(stdout).toContain('loadtest: 2 schools × 2 desks × 60 payments against 1 server instance on ');
    expect(stdout).toContain('loadtest: 400 payments/s offered, each desk a round of 50 in turn');
    const pushed = /^pushed 240 of 240 payments in 8 pushes of up to 50, in ([\d.]+) s: /m.exec(stdout);
    expect(pushed).not.toBeNull();
    expect(Number(pushed![1])).toBeGreaterThanOrEqual(0.5);
    expect(stdout).toContain('errors: none');
    // Each desk's rounds as a desk's: it pulled the school's other desk's payments and its own payments' audit rows were taken.
    const rounds = /^pulled ([\d,]+) payments of other desks in [\d,]+ pages; ([\d,]+) audit rows held$/m.exec(stdout);
    expect(rounds).not.toBeNull();
    expect(Number(rounds![1]!.replaceAll(',', ''))).toBeGreaterThan(0);
    expect(Number(rounds![2]!.replaceAll(',', ''))).toBeGreaterThanOrEqual(240);
    expect(stdout).toMatch(/^push p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms; pull p50 .*; audit p50 /m);
    expect(stdout).toContain("server holds 240 of 240 payments (each school's change log pulled back); 0 overpayments settled");
    const storage = /^storage: ([\d.]+) KB a payment in the database \(tables and indexes\), ([\d.]+) KB of WAL written a payment$/m.exec(
      stdout,
    );
    if (stdout.includes('on a throwaway PostgreSQL')) {
      expect(storage).not.toBeNull();
      // A payment's rows and the change the other desks pull: more than nothing, less than the pushed text ten times over.
      expect(Number(storage![1])).toBeGreaterThan(0.3);
      expect(Number(storage![1])).toBeLessThan(50);
      expect(Number(storage![2])).toBeGreaterThan(0.3);
    } else {
      expect(storage).toBeNull();
    }
  }, 180_000);
});

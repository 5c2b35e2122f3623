// The background runner's promises about a job's file: renamed into place only when the job succeeds, and never once
// it has been cancelled — however far the worker had got.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackgroundRunner, createBackgroundRunner } from '../../src/main/background/runner';
import { createKeyStore } from '../../src/main/db/key-store';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import { FONTS_DIR, openTestDesk, TEST_KDF, type TestDesk } from '../support/harness';

let desk: TestDesk;
let runner: BackgroundRunner;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-09-30T06:00:00Z');
  await desk.app.generateDemoSchool({ students: 120, until: '2026-09-30', seed: 11 });
  const [key] = createKeyStore(desk.keychain, createFileSettingsStore(join(desk.dir, 'settings.json')), TEST_KDF).automaticKeys();
  let n = 0;
  runner = createBackgroundRunner({
    worker: { file: new URL('../../src/main/background/worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] },
    fontsDir: FONTS_DIR,
    store: () => ({ dbPath: desk.dbPath, key: key! }),
    newId: () => `job-${++n}`,
    now: () => new Date(),
    log: (message, err) => void desk.errors.push(err ?? message),
  });
}, 120_000);

afterAll(async () => {
  await runner.close();
  await desk.close();
});

const exportJob = (name: string) => {
  const path = join(desk.dir, name);
  const job = runner.start(
    { name },
    { kind: 'export', filters: { report: 'receipts', from: '2026-04-01', to: '2026-09-30' }, format: 'csv', today: '2026-09-30' },
    { tmp: `${path}.part`, path },
  );
  return { job, path };
};

describe('background jobs', () => {
  it('renames a finished job’s file into place', async () => {
    const { job, path } = exportJob('done.csv');
    expect((await runner.settled(job.id)).state).toBe('done');
    expect(existsSync(path)).toBe(true);
  });

  it('ends a cancelled job’s worker, so its file never appears, though the job had already begun writing', async () => {
    for (const wait of [0, 50, 200]) {
      const { job, path } = exportJob(`cancelled-${wait}.csv`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      expect(runner.cancel(job.id).state).toBe('cancelled');
      // Settled: the worker has answered or ended, and the runner has done what it does at the end.
      const settled = await runner.settled(job.id);
      expect(settled.state).toBe('cancelled');
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(desk.dir).filter((f) => f.startsWith(`cancelled-${wait}.csv`))).toEqual([]);
    }
  });

  it('fails a job whose file cannot be written and whose clean-up fails too, without throwing (issue 17, item 4)', async () => {
    // The temporary part's name is taken by a folder: the worker cannot write it, and removing it throws (EISDIR).
    const path = join(desk.dir, 'blocked.csv');
    mkdirSync(`${path}.part`);
    const job = runner.start(
      { name: 'blocked' },
      { kind: 'export', filters: { report: 'receipts', from: '2026-04-01', to: '2026-09-30' }, format: 'csv', today: '2026-09-30' },
      { tmp: `${path}.part`, path },
    );
    const settled = await runner.settled(job.id);
    expect(settled.state).toBe('failed');
    expect(settled.error).toMatch(/failed/);
    expect(existsSync(path)).toBe(false);
    // What could not be cleared away is logged, not thrown.
    expect(desk.errors.splice(0).map(String).join('\n')).toMatch(/EISDIR/);
  });
});

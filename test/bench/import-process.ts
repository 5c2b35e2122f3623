// One import in a process of its own, as FeeDesk's main process runs it: the backend (createApp) on a small school,
// and the built background worker. Prints one JSON line: how long the job took and the process's peak RSS.
// Used by the import.students100k.dryrun bench case, so the memory figure is FeeDesk's and not the bench harness's.
import { join } from 'node:path';
import type { ImporterName, ImportJob } from '../../src/shared/contract/imports';
import { openTestDesk, setUpSchool, tempDir } from '../support/harness';
import { seedSmallSchool } from '../support/school';
import { BUILT_WORKER } from './school';

const [importer, path] = process.argv.slice(2) as [ImporterName, string];
const scratch = tempDir();
const desk = await openTestDesk({ dir: join(scratch.dir, 'school') });
desk.clock.current = new Date('2026-04-02T05:00:00Z');
await desk.restart({ validateOutput: false, backgroundWorker: BUILT_WORKER });
await setUpSchool(desk);
await seedSmallSchool(desk);
global.gc?.();
const startRss = process.memoryUsage.rss();
let peak = startRss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
const t0 = performance.now();
let job: ImportJob = await desk.ok('imports.dryRun', { importer, path });
while (job.state === 'running') {
  await new Promise((r) => setTimeout(r, 20));
  job = await desk.ok('imports.job', { jobId: job.id });
}
const ms = performance.now() - t0;
clearInterval(sampler);
await desk.close();
scratch.cleanup();
if (job.state !== 'done') throw new Error(`import ended ${job.state}: ${job.error}`);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
console.log(JSON.stringify({ ms, rows: job.summary!.rows, rss_mb: mb(peak), start_rss_mb: mb(startRss) }));

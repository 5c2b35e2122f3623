// Report benchmark cases on the 50,000-student school grown to a million payments (report-school.ts): reports on the
// worker through the same channel the screen calls, a million-row XLSX export with memory and main-thread lag, and a
// full encrypted backup of that store while the cashier's thread keeps answering.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tempDir, type TestDesk } from '../support/harness';
import type { BenchCase } from './harness';
import { reportSchool } from './report-school';

const scratch = tempDir();
const YEAR = { from: '2026-04-01', to: '2027-03-31' };

const state = {
  desk: null as TestDesk | null,
  days: [] as string[],
  async open() {
    if (this.desk) return;
    this.desk = await reportSchool(join(scratch.dir, 'school'));
    await this.desk.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
    const byDay = await this.desk.ok('reports.run', { report: 'collection', ...YEAR, groupBy: ['day'], view: 'net' });
    this.days = byDay.rows.map((r) => r['day'] as string);
    console.log(`bench: report school open: receipts on ${this.days.length} days`);
  },
};

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

function reportCase(name: string, runs: number, run: () => Promise<unknown>): BenchCase {
  return { name, runs, warmup: 3, setup: () => state.open(), run: async () => void (await run()) };
}

/** The export's own figures: rows, peak resident memory of the whole process (workers included) and main-thread lag. */
const exportFigures = { rows: 0, peak_rss_mb: 0, start_rss_mb: 0, lag_ms: 0, lag_p99_ms: 0 };

async function exportYear(): Promise<() => void> {
  const desk = state.desk!;
  const path = join(scratch.dir, `payments-${Date.now()}.xlsx`);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  exportFigures.start_rss_mb = mb(process.memoryUsage.rss());
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  lag.enable();
  try {
    const job = await desk.ok('reports.export', { filters: { report: 'receipts', from: '2026-01-01', to: YEAR.to }, format: 'xlsx', path });
    // Poll as the screen does while the worker writes.
    let now = job;
    while (now.state === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      now = await desk.ok('reports.job', { jobId: job.id });
    }
    if (now.state !== 'done') throw new Error(`export ended ${now.state}: ${now.error}`);
    exportFigures.rows = now.done;
  } finally {
    lag.disable();
    clearInterval(sampler);
  }
  exportFigures.peak_rss_mb = mb(peak);
  exportFigures.lag_ms = Math.round(lag.max / 1e5) / 10;
  exportFigures.lag_p99_ms = Math.round(lag.percentile(99) / 1e5) / 10;
  return () => rmSync(path, { force: true });
}

/** The backup's own figures: the copy's size, peak memory of the whole process, main-thread lag, and the slowest student search answered meanwhile. */
const backupFigures = { db_mb: 0, peak_rss_mb: 0, start_rss_mb: 0, lag_ms: 0, lag_p99_ms: 0, search_max_ms: 0, searches: 0 };

async function backUpFull(): Promise<() => void> {
  const desk = state.desk!;
  const folder = join(scratch.dir, `backups-${Date.now()}`);
  mkdirSync(folder);
  // Backups are the admin's; the accountant's session stays on the default client for the searches.
  const admin = 'bench-admin';
  await desk.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' }, admin);
  await desk.ok('backup.configure', { folder, keep: 1, dailyAt: null, passphrase: 'bench backup passphrase' }, admin);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let searching = true;
  let slowest = 0;
  let searches = 0;
  backupFigures.start_rss_mb = Math.round(process.memoryUsage.rss() / 1024 / 1024);
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const search = (async () => {
    while (searching) {
      const started = performance.now();
      await desk.ok('students.search', { query: pick(['Aarav', 'Diya', 'Kumar', 'Sharma', 'Priya']), limit: 20 });
      slowest = Math.max(slowest, performance.now() - started);
      searches += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  lag.enable();
  try {
    const job = await desk.ok('backup.create', undefined, admin);
    let now = job;
    while (now.state === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      now = await desk.ok('backup.job', { jobId: job.id }, admin);
    }
    if (now.state !== 'done') throw new Error(`backup ended ${now.state}: ${now.error}`);
    const [made] = (await desk.ok('backup.status', undefined, admin)).backups;
    backupFigures.db_mb = Math.round((made?.bytes ?? 0) / 1024 / 1024);
  } finally {
    lag.disable();
    clearInterval(sampler);
    searching = false;
    await search;
  }
  backupFigures.peak_rss_mb = Math.round(peak / 1024 / 1024);
  backupFigures.lag_ms = Math.round(lag.max / 1e5) / 10;
  backupFigures.lag_p99_ms = Math.round(lag.percentile(99) / 1e5) / 10;
  backupFigures.search_max_ms = Math.round(slowest * 10) / 10;
  backupFigures.searches = searches;
  return () => rmSync(folder, { recursive: true, force: true });
}

export const reportCases: BenchCase[] = [
  reportCase('report.daybook', 40, () => state.desk!.ok('reports.run', { report: 'daybook', date: pick(state.days) })),
  reportCase('report.collection.year', 15, () =>
    state.desk!.ok('reports.run', { report: 'collection', ...YEAR, groupBy: ['head', 'class'], view: 'gross' }),
  ),
  reportCase('report.defaulters', 10, () => state.desk!.ok('reports.run', { report: 'defaulters', asOf: YEAR.to })),
  { name: 'export.payments.xlsx', runs: 1, warmup: 0, setup: () => state.open(), run: exportYear, extra: () => ({ ...exportFigures }) },
  { name: 'backup.full', runs: 3, warmup: 0, setup: () => state.open(), run: backUpFull, extra: () => ({ ...backupFigures }) },
];

export async function closeReportBench(): Promise<void> {
  await state.desk?.close();
  scratch.cleanup();
}

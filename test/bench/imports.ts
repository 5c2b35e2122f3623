// Import benchmark cases: 10,000 students from XLSX, dry run and commit (into a school whose structure is assigned,
// so each new student also gets their dues), and a 100,000-row dry run for memory.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { xlsxWriter } from '../../src/main/reports/writers';
import type { ImportJob } from '../../src/shared/contract/imports';
import { openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import { seedSmallSchool } from '../support/school';
import type { BenchCase } from './harness';
import { BUILT_WORKER } from './school';

const scratch = tempDir();
let desk: TestDesk | null = null;
const files: Record<number, string> = {};
const figures = { rows: 0, rss_mb: 0, start_rss_mb: 0, job_ms: 0 };
const run = promisify(execFile);

/** Written with FeeDesk's own XLSX writer (the student list's layout), which keeps memory flat while it writes. */
async function studentsFile(rows: number): Promise<string> {
  if (files[rows]) return files[rows];
  const path = join(scratch.dir, `students-${rows}.xlsx`);
  const columns = [
    'Admission no.',
    'Student name',
    'Class',
    'Section',
    'Guardian',
    'Phone',
    'Email',
    'Category',
    'Family',
    'Joined on',
  ].map((label, i) => ({ key: `c${i}`, label, type: 'text' as const }));
  const writer = xlsxWriter(path, { title: 'Students', subtitle: 'bench', currency: 'INR', locale: 'en-IN', columns });
  for (let i = 0; i < rows; i++) {
    const values = [
      `B${String(i).padStart(6, '0')}`,
      `Student ${i} Rao`,
      'Class 5',
      i % 2 ? 'A' : 'B',
      `Guardian ${i}`,
      `98${String(i).padStart(8, '0')}`,
      null,
      i % 10 ? 'General' : null,
      i % 7 ? null : `Family ${Math.floor(i / 7)}`,
      '01/04/2026',
    ];
    await writer.row(Object.fromEntries(values.map((v, c) => [`c${c}`, v])));
  }
  await writer.finish({ totals: {}, summary: [], footnote: null });
  return (files[rows] = path);
}

/** A fresh school each time (a commit must find its students new). */
async function freshSchool(): Promise<TestDesk> {
  await desk?.close();
  desk = await openTestDesk({ dir: join(scratch.dir, `school-${Date.now()}`) });
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await desk.restart({ validateOutput: false, backgroundWorker: BUILT_WORKER });
  await setUpSchool(desk);
  await seedSmallSchool(desk);
  return desk;
}

async function finished(d: TestDesk, job: ImportJob): Promise<ImportJob> {
  let now = job;
  while (now.state === 'running') {
    await new Promise((r) => setTimeout(r, 10));
    now = await d.ok('imports.job', { jobId: job.id });
  }
  if (now.state !== 'done') throw new Error(`import ${now.kind} ended ${now.state}: ${now.error}`);
  return now;
}

async function dryRun(rows: number): Promise<ImportJob> {
  const path = await studentsFile(rows);
  return finished(desk!, await desk!.ok('imports.dryRun', { importer: 'students', path }));
}

let sha = '';

async function prepareCommit(): Promise<void> {
  await freshSchool();
  sha = (await dryRun(10_000)).summary!.sha256;
}

export const importCases: BenchCase[] = [
  {
    name: 'import.students10k.dryrun',
    runs: 5,
    warmup: 1,
    async setup() {
      await studentsFile(10_000);
      await freshSchool();
    },
    run: async () => void (await dryRun(10_000)),
  },
  {
    // The commit on a fresh school is timed; its dry run (the user's step before) is made outside the timing.
    name: 'import.students10k.commit',
    runs: 5,
    warmup: 0,
    setup: prepareCommit,
    async run() {
      await finished(desk!, await desk!.ok('imports.commit', { importer: 'students', path: files[10_000]!, sha256: sha }));
      return prepareCommit;
    },
  },
  {
    // In a process of its own (import-process.ts), as FeeDesk's main process would run it: peak RSS of that process.
    name: 'import.students100k.dryrun',
    runs: 1,
    warmup: 0,
    setup: async () => void (await studentsFile(100_000)),
    async run() {
      const script = fileURLToPath(new URL('./import-process.ts', import.meta.url));
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, 'students', files[100_000]!], { maxBuffer: 1 << 20 });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as typeof figures & { ms: number };
      Object.assign(figures, {
        rows: result.rows,
        rss_mb: result.rss_mb,
        start_rss_mb: result.start_rss_mb,
        job_ms: Math.round(result.ms),
      });
    },
    extra: () => ({ ...figures }),
  },
];

export async function closeImportBench(): Promise<void> {
  await desk?.close();
  scratch.cleanup();
}

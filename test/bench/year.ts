// The year-end rollover on the 50,000-student school (year.rollover50k): the year's classes and structures as the school
// was generated, each class into the next (the last graduating), tuition raised 8% (rounded to ₹10) and a few hundred
// exceptions. Timed end to end through `years.rollover`, each run on a fresh copy of the school, while a cashier's window
// keeps calling the collect screen's channels; the event loop's lag and those calls' times are what the counter feels.
// year.rolloverPull50k: the same rollover as another desk of the school applies it when it pulls it: in one transaction
// on that desk's background worker, while its cashier's calls go on (lag and calls as above).
// Figures beside the time: the preview's (years.rolloverPreview, on the screens' worker), the dues made, the lag (p99 and
// longest, the worst run's), the collect calls' p50/p99 with the same calls idle for comparison, and the machine's load.
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createKeyStore } from '../../src/main/db/key-store';
import { type OpenedStore, openStore } from '../../src/main/db/open';
import { registerSqlFunctions } from '../../src/main/db/sql-functions';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import type { Change } from '../../src/shared/sync/protocol';
import type { InputOf } from '../../src/shared/contract';
import type { Masters } from '../../src/shared/contract/masters';
import { suggestedClassMap } from '../../src/shared/domain/rollover';
import { tempDir, type TestDesk } from '../support/harness';
import type { BenchCase } from './harness';
import { benchSchool, KEYCHAIN } from './school';

const STUDENTS = Number(process.env['BENCH_STUDENTS'] ?? 50_000);
/** The new year's first morning: after the school's year ends, and after the admin's last two-step code. */
const NOW = '2027-04-01T04:00:00Z';
const ADMIN = 'bench-admin';
const COUNTER = 'bench-counter';
const APPROVER = { username: 'accounts', password: 'demo-accounts-2026' };
const RUNS = Number(process.env['BENCH_ROLLOVER_RUNS'] ?? 3);
const PULL_RUNS = Number(process.env['BENCH_ROLLOVER_PULL_RUNS'] ?? 1);
const EXCEPTIONS = 300;
/** A cashier's window between two calls: a search as a name is typed, a student's dues opened (about 25 calls a second). */
const CALL_PAUSE_MS = 20;
const LAG_RESOLUTION_MS = 10;

type Plan = InputOf<'years.rollover'>['plan'];
interface Student {
  id: string;
  full_name: string;
  class_id: string;
  section_id: string | null;
}

const scratch = tempDir();
let copies = 0;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const ms = (n: number) => Math.round(n * 10) / 10;

/** The copy's store on a connection of the bench's own (with the SQL functions the desk's connection has). */
async function openRaw(dir: string): Promise<OpenedStore> {
  const [key] = createKeyStore(KEYCHAIN, createFileSettingsStore(join(dir, 'settings.json'))).automaticKeys();
  const store = await openStore(join(dir, 'feedesk.db'), key!);
  registerSqlFunctions(store.raw);
  return store;
}

/** The school as every copy has it (they are copies of one file): its students, and the rollover this bench asks for. */
const school = {
  students: [] as Student[],
  plan: null as Plan | null,
  /** The rollover as the desk that did it sent it to the others (its outbox row): what a pulling desk applies. */
  pulled: null as { name: string; args: unknown } | null,
};

/**
 * Each class into the next, by the school's order; tuition +8% rounded to ₹10; and 300 exceptions spread over the
 * school: a third kept back a year, a third leaving, a third promoted into another section than their own.
 */
function planOf(masters: Masters, students: Student[]): Plan {
  const from = masters.years.find((y) => y.isCurrent)!;
  const tuition = masters.heads.find((h) => h.name === 'Tuition')!;
  const map = suggestedClassMap(masters.classes);
  const next = new Map(map.map((m) => [m.fromClassId, m.toClassId]));
  const classes = new Map(masters.classes.map((c) => [c.id, c]));
  const sectionName = (s: Student) => classes.get(s.class_id)!.sections.find((x) => x.id === s.section_id)?.name;
  const exceptions: Plan['exceptions'] = [];
  const step = Math.floor(students.length / EXCEPTIONS);
  for (let i = 0; i < EXCEPTIONS; i++) {
    const s = students[i * step]!;
    const to = next.get(s.class_id);
    const other = to ? classes.get(to)!.sections.find((x) => x.name !== sectionName(s)) : undefined;
    if (i % 3 === 1) exceptions.push({ studentId: s.id, outcome: 'left', reason: 'Family moved to another city' });
    else if (i % 3 === 2 && other) exceptions.push({ studentId: s.id, outcome: 'section', sectionId: other.id, reason: 'Parents asked' });
    else exceptions.push({ studentId: s.id, outcome: 'detained', reason: 'Attendance below 75%' });
  }
  const [startYear] = from.name.split('-');
  const year = Number(startYear) + 1;
  return {
    fromYearId: from.id,
    newYear: { name: `${year}-${String((year + 1) % 100).padStart(2, '0')}`, startsOn: `${year}-04-01`, endsOn: `${year + 1}-03-31` },
    classes: map.map((m) => ({ ...m, sections: [] })),
    exceptions,
    fees: { changes: [{ headId: tuition.id, basisPoints: 800 }], roundTo: 10_00 },
    carryConcessions: true,
  };
}

/** A fresh copy of the school: the admin, the approving accountant (two-step set up) and a cashier's window logged in. */
async function freshCopy(): Promise<{ desk: TestDesk; dir: string }> {
  const dir = join(scratch.dir, `school-${++copies}`);
  mkdirSync(dir, { recursive: true });
  const desk = await benchSchool(STUDENTS, dir, NOW);
  await desk.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' }, ADMIN);
  await desk.setUpTwoStepFor(APPROVER);
  await desk.ok('auth.login', { username: 'cashier', password: 'demo-cashier-2026' }, COUNTER);
  if (!school.plan) {
    const raw = await openRaw(dir);
    try {
      school.students = raw.raw
        .prepare(`select id, full_name, class_id, section_id from student where status = 'active' order by admission_no`)
        .all() as Student[];
    } finally {
      await raw.close();
    }
    school.plan = planOf(await desk.ok('masters.get', undefined, ADMIN), school.students);
  }
  return { desk, dir };
}

async function discard(copy: { desk: TestDesk; dir: string }): Promise<void> {
  await copy.desk.close();
  rmSync(copy.dir, { recursive: true, force: true });
}

/**
 * What the counter sees while something runs: the main thread's event-loop lag, and the collect screen's calls made
 * one after another from a cashier's window (a student search, a student's open dues), each timed.
 */
function counterWatch(desk: TestDesk) {
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const calls: number[] = [];
  let stopped = false;
  lag.enable();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const start = performance.now();
      if (i % 2) await desk.ok('payments.openDues', { studentIds: [pick(school.students).id] }, COUNTER);
      else await desk.ok('students.search', { query: pick(school.students).full_name.slice(0, 3), limit: 20 }, COUNTER);
      calls.push(performance.now() - start);
      await delay(CALL_PAUSE_MS);
    }
  })();
  return {
    calls,
    /**
     * Ends the watch, once the event loop has turned (a loop held up until now records its delay only then), and the
     * call in flight has finished.
     */
    async stop() {
      await delay(2 * LAG_RESOLUTION_MS);
      stopped = true;
      lag.disable();
      await loop;
      return { lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6 };
    },
  };
}

const figures = {
  dues_created: 0,
  preview_ms: 0,
  /** The worst run's event-loop lag (p99, and the longest) on the main thread while the rollover ran. */
  lag_p99_ms: 0,
  lag_max_ms: 0,
  collect_calls: 0,
  collect_p50_ms: 0,
  collect_p99_ms: 0,
  /** The same calls and lag with nothing else running, for comparison. */
  idle_lag_p99_ms: 0,
  idle_collect_p50_ms: 0,
  idle_collect_p99_ms: 0,
  /** The machine's load (1-minute average) as the last run ended: timings on a shared machine are read with it. */
  load1: 0,
};
const previews: number[] = [];
const collectCalls: number[] = [];
let current: { desk: TestDesk; dir: string } | null = null;
let rolled = 0;

/** A fresh copy, and the review an admin reads before rolling over (timed: the preview's figure). */
async function prepareRollover(): Promise<void> {
  current = await freshCopy();
  const start = performance.now();
  const review = await current.desk.ok('years.rolloverPreview', school.plan!, ADMIN);
  previews.push(performance.now() - start);
  if (review.totals.promoted === 0) throw new Error(`bench: the review promotes no one: ${JSON.stringify(review.totals)}`);
  figures.preview_ms = ms(percentile(previews, 50));
}

async function setUpRollover(): Promise<void> {
  await prepareRollover();
  // The counter with nothing else running, five seconds.
  const idle = counterWatch(current!.desk);
  await delay(5_000);
  const { lagP99 } = await idle.stop();
  Object.assign(figures, {
    idle_lag_p99_ms: ms(lagP99),
    idle_collect_p50_ms: ms(percentile(idle.calls, 50)),
    idle_collect_p99_ms: ms(percentile(idle.calls, 99)),
  });
}

async function rollOver(): Promise<() => Promise<void>> {
  const copy = current!;
  const watch = counterWatch(copy.desk);
  const result = await copy.desk.ok('years.rollover', { plan: school.plan!, approver: APPROVER }, ADMIN);
  return async () => {
    const { lagP99, lagMax } = await watch.stop();
    if (result.alreadyDone || result.duesCreated === 0)
      throw new Error(`bench: the rollover wrote nothing: ${JSON.stringify(result.totals)}`);
    collectCalls.push(...watch.calls);
    Object.assign(figures, {
      dues_created: result.duesCreated,
      lag_p99_ms: Math.max(figures.lag_p99_ms, ms(lagP99)),
      lag_max_ms: Math.max(figures.lag_max_ms, ms(lagMax)),
      collect_calls: collectCalls.length,
      collect_p50_ms: ms(percentile(collectCalls, 50)),
      collect_p99_ms: ms(percentile(collectCalls, 99)),
      load1: ms(loadavg()[0]!),
    });
    const raw = await openRaw(copy.dir);
    try {
      const row = raw.raw.prepare(`select name, args_json from outbox where name = 'years.rollover'`).get() as
        { name: string; args_json: string } | undefined;
      if (row) school.pulled = { name: row.name, args: JSON.parse(row.args_json) };
    } finally {
      await raw.close();
    }
    await discard(copy);
    current = null;
    if (++rolled < RUNS) await prepareRollover();
  };
}

// year.rolloverPull50k: another desk of the school, which pulls the rollover and applies it on its main thread.
const pullFigures = { lag_p99_ms: 0, lag_max_ms: 0, collect_calls: 0, collect_p50_ms: 0, collect_p99_ms: 0, load1: 0 };
const pullCalls: number[] = [];
let pulling: { desk: TestDesk; dir: string; store: OpenedStore } | null = null;
let pulled = 0;

async function preparePull(): Promise<void> {
  const copy = await freshCopy();
  pulling = { ...copy, store: await openRaw(copy.dir) };
}

async function setUpPull(): Promise<void> {
  if (!school.pulled) {
    // Run alone: one rollover on a copy first, for the change the other desks pull.
    const copy = await freshCopy();
    await copy.desk.ok('years.rollover', { plan: school.plan!, approver: APPROVER }, ADMIN);
    const raw = await openRaw(copy.dir);
    const row = raw.raw.prepare(`select name, args_json from outbox where name = 'years.rollover'`).get() as {
      name: string;
      args_json: string;
    };
    school.pulled = { name: row.name, args: JSON.parse(row.args_json) };
    await raw.close();
    await discard(copy);
  }
  await preparePull();
}

async function applyPulled(): Promise<() => Promise<void>> {
  const p = pulling!;
  const watch = counterWatch(p.desk);
  // Let the watch's first call start, as a cashier would be working when the pull arrives.
  await delay(50);
  // As a sync round applies it: on the desk's background worker, the cashier's thread free.
  await p.desk.app.applyPulled([{ seq: 1, name: school.pulled!.name, deskCode: 'D02', args: school.pulled!.args } as Change]);
  return async () => {
    const { lagP99, lagMax } = await watch.stop();
    const dues = p.store.raw
      .prepare(`select count(*) as n from due where academic_year_id = ?`)
      .get((school.pulled!.args as { toYear: { id: string } }).toYear.id) as { n: number };
    if (dues.n === 0) throw new Error('bench: the pulled rollover made no dues');
    pullCalls.push(...watch.calls);
    Object.assign(pullFigures, {
      lag_p99_ms: Math.max(pullFigures.lag_p99_ms, ms(lagP99)),
      lag_max_ms: Math.max(pullFigures.lag_max_ms, ms(lagMax)),
      collect_calls: pullCalls.length,
      collect_p50_ms: ms(percentile(pullCalls, 50)),
      collect_p99_ms: ms(percentile(pullCalls, 99)),
      load1: ms(loadavg()[0]!),
    });
    await p.store.close();
    await discard(p);
    pulling = null;
    if (++pulled < PULL_RUNS) await preparePull();
  };
}

export const yearCases: BenchCase[] = [
  { name: 'year.rollover50k', runs: RUNS, warmup: 0, setup: setUpRollover, run: rollOver, extra: () => ({ ...figures }) },
  { name: 'year.rolloverPull50k', runs: PULL_RUNS, warmup: 0, setup: setUpPull, run: applyPulled, extra: () => ({ ...pullFigures }) },
];

export async function closeYearBench(): Promise<void> {
  if (current) await discard(current);
  if (pulling) {
    await pulling.store.close();
    await discard(pulling);
  }
  scratch.cleanup();
}

// The charges by student importer: students put on plans (transport by route and stop) and charged once, from one
// file; every bad row named with its column and why; all or nothing; again changes nothing; and the export in the same
// layout reads back as unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

let desk: TestDesk;
let school: SmallSchool;
let admissions: string[];

type Job = {
  id: string;
  state: string;
  summary?: { sha256: string; counts: Record<string, number>; errors: { row: number; column: string; reason: string }[] } | null;
};

async function finished<J extends { id: string; state: string }>(job: J): Promise<J> {
  let now = job;
  while (now.state === 'running') {
    await new Promise((r) => setTimeout(r, 30));
    now = (await desk.ok('imports.job', { jobId: now.id })) as unknown as J;
  }
  return now;
}

const dryRun = async (path: string) =>
  (await finished(await desk.ok('imports.dryRun', { importer: 'student_charges', path }))) as unknown as Job;
const commit = async (path: string, sha256: string) =>
  (await finished(await desk.ok('imports.commit', { importer: 'student_charges', path, sha256 }))) as unknown as Job;

beforeEach(async () => {
  desk = await openTestDesk();
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  admissions = [];
  for (let i = 0; i < 3; i++) admissions.push((await admit(desk, school)).admissionNo);
  await desk.ok('charges.createPlan', {
    yearId: school.yearId,
    headId: school.heads.transport,
    name: 'School bus',
    kind: 'transport',
    installments: [
      { label: 'Term 1', dueOn: '2026-06-05' },
      { label: 'Term 2', dueOn: '2026-10-05' },
      { label: 'Term 3', dueOn: '2027-01-05' },
    ],
    stops: [
      { route: 'Route 1', name: 'Market', fares: [4_000_00, 4_000_00, 4_000_00] },
      { route: 'Route 2', name: 'Lake view', fares: [5_000_00, 5_000_00, 5_000_00] },
    ],
  });
});

afterEach(async () => {
  await desk.close();
});

describe('charges by student importer', () => {
  it('names every bad row and writes nothing; the fixed file goes in whole, again changes nothing, and the export reads back', async () => {
    const [a, b, c] = admissions;
    const path = join(desk.dir, 'charges.csv');
    const header = 'Adm No,Charge,Route,Stop,Starts on,Stops on,Amount,Due on,Label\r\n';
    writeFileSync(
      path,
      header +
        `${a},School bus,Route 1,Market,2026-10-15,,,,\r\n` +
        `${b},School bus,Route 1,Lake view,2026-10-15,,,,\r\n` +
        `${c},School bus,Route 2,Lake view,2026-10-15,2026-09-01,,,\r\n` +
        `${a},Exam,,,,,250,2026-07-01,Lost ID card\r\n` +
        `${b},Canteen,,,,,100,2026-07-01,\r\n` +
        `${c},Exam,,,2026-10-15,,250,2026-07-01,\r\n` +
        `${a},School bus,Route 2,Lake view,2026-11-01,,,,\r\n`,
    );
    const dry = await dryRun(path);
    expect(dry.summary!.counts).toEqual({ new: 2, updated: 0, unchanged: 0, errors: 5 });
    expect(dry.summary!.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, 'Stop', 'is not a stop on Route 1 of School bus, so it has no fare'],
      [4, 'Stops on', 'must not be before Starts on (15 Oct 2026)'],
      [6, 'Charge', 'is neither a charge plan of 2026-27 nor a fee head: set it up in Fee set-up first'],
      [7, 'Starts on', 'is for charge plans: Exam is charged once, by Amount and Due on'],
      [8, 'Charge', 'appears again for this student: row 2 puts them on School bus'],
    ]);
    const refused = await desk.call('imports.commit', { importer: 'student_charges', path, sha256: dry.summary!.sha256 });
    const job = refused.ok ? await finished(refused.value) : null;
    expect(job ? job.state : 'refused').not.toBe('done');
    const nothing = await desk.ok('payments.openDues', {
      studentIds: [(await desk.ok('students.search', { query: a!, limit: 1 }))[0]!.id],
    });
    expect(nothing.items.some((i) => i.installment.startsWith('School bus'))).toBe(false);

    writeFileSync(
      path,
      header +
        `${a},School bus,Route 1,Market,2026-10-15,,,,\r\n` +
        `${b},School bus,Route 2,Lake view,2026-10-15,,,,\r\n` +
        `${c},School bus,Route 2,Lake view,2026-10-15,2026-12-31,,,\r\n` +
        `${a},Exam,,,,,250,2026-07-01,Lost ID card\r\n` +
        `${b},Exam,,,,,"2,500",2026-11-01,Trip to Mysore\r\n`,
    );
    const fixed = await dryRun(path);
    expect(fixed.summary!.counts).toEqual({ new: 5, updated: 0, unchanged: 0, errors: 0 });
    expect((await commit(path, fixed.summary!.sha256)).state).toBe('done');
    const idOf = async (adm: string) => (await desk.ok('students.search', { query: adm, limit: 1 }))[0]!.id;
    const labelled = async (adm: string) =>
      (await desk.ok('payments.openDues', { studentIds: [await idOf(adm)] })).items
        .filter((i) => !i.installment.startsWith('Quarter'))
        .map((i) => [i.installment, i.balance]);
    // From 15 October: Term 2 (in force that day) and Term 3; C stops on 31 December, before Term 3 falls due.
    expect(await labelled(a!)).toEqual([
      ['Lost ID card', 250_00],
      ['School bus — Term 2', 4_000_00],
      ['School bus — Term 3', 4_000_00],
    ]);
    expect(await labelled(b!)).toEqual([
      ['School bus — Term 2', 5_000_00],
      ['Trip to Mysore', 2_500_00],
      ['School bus — Term 3', 5_000_00],
    ]);
    expect(await labelled(c!)).toEqual([['School bus — Term 2', 5_000_00]]);

    expect((await dryRun(path)).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 5, errors: 0 });

    const out = join(desk.dir, 'charges-export.csv');
    let exported = await desk.ok('reports.export', { filters: { report: 'student_charges_list' }, format: 'csv', path: out });
    while (exported.state === 'running') {
      await new Promise((r) => setTimeout(r, 30));
      exported = await desk.ok('reports.job', { jobId: exported.id });
    }
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFAdmission no.,Charge,Route,Stop,Starts on,Stops on,Amount,Due on,Label');
    expect(text).toContain(`${b},Exam,,,,,2500.00,`);
    expect((await dryRun(out)).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 5, errors: 0 });
  }, 120_000);
});

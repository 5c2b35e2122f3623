// Importing students from a school's spreadsheet: template, dry run with per-row errors and an error sheet, an
// all-or-nothing commit that a re-run leaves alone, and a commit killed half-way that leaves the store as it was.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputOf } from '../../src/shared/contract';
import type { ImporterName, ImportJob } from '../../src/shared/contract/imports';
import { ADMIN, openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { seedSmallSchool } from '../support/school';

let desk: TestDesk;

beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await seedSmallSchool(desk);
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const HEADER = [
  'Adm No',
  'Student Name',
  'Class',
  'Section',
  "Father's Name",
  'Mobile',
  'Email',
  'Category',
  'Family',
  'Date of Admission',
];
type Row = (string | number | Date | null)[];

const good: Row[] = [
  ['GV-001', 'Diya Nair', 'Class 5', 'A', 'Suresh Nair', '98450 12345', 'suresh@example.com', 'General', 'Nair', '01/04/2026'],
  ['GV-002', 'Arjun Nair', 'class 5', 'a', 'Suresh Nair', '+91 98450-12345', null, null, 'Nair', new Date(Date.UTC(2026, 3, 1))],
  ['GV-003', 'Zoë Fernandes', 'Class 5', 'B', 'Maria Fernandes', 9845012399, null, 'Staff child', null, '1 Apr 2026'],
];

async function xlsx(name: string, rows: Row[], options: { title?: string } = {}): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Students');
  if (options.title) {
    sheet.addRow([options.title]);
    sheet.mergeCells(1, 1, 1, HEADER.length);
  }
  sheet.addRow(HEADER);
  for (const r of rows) sheet.addRow(r);
  const path = join(desk.dir, name);
  await book.xlsx.writeFile(path);
  return path;
}

async function finished(job: ImportJob): Promise<ImportJob> {
  let now = job;
  while (now.state === 'running') {
    await new Promise((r) => setTimeout(r, 30));
    now = await desk.ok('imports.job', { jobId: job.id });
  }
  return now;
}

const dryRun = async (path: string, mapping?: Record<string, string | null>) =>
  finished(await desk.ok('imports.dryRun', { importer: 'students', path, ...(mapping ? { mapping } : {}) }));
const commit = async (path: string, sha256: string) => finished(await desk.ok('imports.commit', { importer: 'students', path, sha256 }));

/** Exports a report as CSV from a desk and gives its path. */
async function exportCsv(from: TestDesk, filters: InputOf<'reports.export'>['filters'], name: string): Promise<string> {
  const path = join(from.dir, name);
  let job = await from.ok('reports.export', { filters, format: 'csv', path });
  while (job.state === 'running') {
    await new Promise((r) => setTimeout(r, 30));
    job = await from.ok('reports.job', { jobId: job.id });
  }
  expect(job.error).toBeNull();
  return path;
}

/** Dry run then commit on a desk; fails the test on any row error. */
async function importAll(
  on: TestDesk,
  importer: ImporterName,
  path: string,
  extra: { approver?: { username: string; password: string } } = {},
): Promise<ImportJob> {
  const wait = async (job: ImportJob) => {
    let now = job;
    while (now.state === 'running') {
      await new Promise((r) => setTimeout(r, 30));
      now = await on.ok('imports.job', { jobId: job.id });
    }
    return now;
  };
  const dry = await wait(await on.ok('imports.dryRun', { importer, path }));
  expect(dry.summary!.errors).toEqual([]);
  const done = await wait(await on.ok('imports.commit', { importer, path, sha256: dry.summary!.sha256, ...extra }));
  expect(done.error).toBeNull();
  return done;
}

const ACCOUNTANT = { username: 'accounts', fullName: 'Ravi Iyer', role: 'accountant' as const, password: 'ledger-keeper-2026' };

async function studentCount(): Promise<number> {
  const side = await openSideStore(desk);
  const n = (side.raw.prepare('select count(*) as n from student').get() as { n: number }).n;
  await side.close();
  return n;
}

describe('students import', () => {
  it('matches columns by their usual names, even under a merged title row', async () => {
    const path = await xlsx('students.xlsx', good, { title: 'Green Valley — student list 2026' });
    const match = await desk.ok('imports.inspect', { importer: 'students', path });
    expect(match.headerRow).toBe(2);
    expect(match.missing).toEqual([]);
    expect(match.mapping).toMatchObject({
      admissionNo: 'Adm No',
      fullName: 'Student Name',
      guardianName: "Father's Name",
      phone: 'Mobile',
      joinedOn: 'Date of Admission',
      phone2: null,
    });
  });

  it('dry-runs with counts, a preview and every error by row and column, and writes nothing', async () => {
    const rows: Row[] = [
      ...good,
      ['GV-004', 'Kabir Rao', 'Class 13', 'A', 'Anil Rao', '9845012300', null, null, null, '2026-04-01'],
      ['GV-001', 'Diya Again', 'Class 5', 'A', 'Suresh Nair', '9845012345', 'suresh at example', null, null, '2026-04-01'],
      ['GV-005', 'Meena Das', 'Class 5', 'C', 'R Das', '12', null, null, null, '31/02/2026'],
    ];
    const before = await studentCount();
    const job = await dryRun(await xlsx('messy.xlsx', rows));
    expect(job.state).toBe('done');
    const summary = job.summary!;
    expect(summary.counts).toEqual({ new: 3, updated: 0, unchanged: 0, errors: 3 });
    expect(summary.preview.map((p) => [p.row, p.action, p.values['phone']])).toEqual([
      [2, 'new', '9845012345'],
      [3, 'new', '9845012345'],
      [4, 'new', '9845012399'],
    ]);
    expect(summary.errors).toEqual([
      { row: 5, column: 'Class', value: 'Class 13', reason: expect.stringMatching(/is not a class of this school \(Class 5\)/) },
      // Every error of a row, left to right: what could not be read and what is wrong with the rest of it.
      { row: 6, column: 'Admission no.', value: 'GV-001', reason: 'appears again: row 2 has the same admission no.' },
      { row: 6, column: 'Email', value: 'suresh at example', reason: expect.any(String) },
      { row: 7, column: 'Section', value: 'C', reason: 'is not a section of Class 5' },
      { row: 7, column: 'Phone', value: '12', reason: expect.any(String) },
      { row: 7, column: 'Joined on', value: '31/02/2026', reason: expect.any(String) },
    ]);
    expect(await studentCount()).toBe(before);

    const refused = await commit(join(desk.dir, 'messy.xlsx'), summary.sha256);
    expect(refused).toMatchObject({ state: 'failed', error: expect.stringMatching(/has 6 errors: fix them/) });
    expect(await studentCount()).toBe(before);

    const sheetPath = join(desk.dir, 'messy-errors.xlsx');
    const sheetJob = await finished(await desk.ok('imports.errorSheet', { jobId: job.id, path: sheetPath }));
    expect(sheetJob.state).toBe('done');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(sheetPath);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(HEADER.length + 1).value).toBe('Errors');
    expect(sheet.getRow(2).getCell(1).value).toBe('GV-001');
    expect(sheet.getRow(2).getCell(HEADER.length + 1).value).toBeNull();
    expect(String(sheet.getRow(5).getCell(HEADER.length + 1).value)).toMatch(/^Class: “Class 13” is not a class/);
    expect(String(sheet.getRow(7).getCell(HEADER.length + 1).value)).toMatch(
      /^Section: “C” is not a section of Class 5; Phone: .*; Joined on: /,
    );
  });

  it('commits all rows in one go, with dues, families and one audit entry; the same file again changes nothing', async () => {
    const path = await xlsx('students.xlsx', good);
    const dry = await dryRun(path);
    const done = await commit(path, dry.summary!.sha256);
    expect(done).toMatchObject({ state: 'done', summary: { committed: true, counts: { new: 3, errors: 0 } } });

    const found = await desk.ok('students.search', { query: 'Nair', limit: 10 });
    expect(found.map((s) => s.admissionNo).sort()).toEqual(['GV-001', 'GV-002']);
    expect(new Set(found.map((s) => s.familyId)).size).toBe(1);
    expect(found[0]!.familyId).not.toBeNull();
    const dues = await desk.ok('payments.openDues', { studentIds: [found[0]!.id] });
    expect(dues.totals.outstanding).toBe(20_000_00);
    const audit = (await desk.ok('audit.list', { limit: 5 })).find((e) => e.action === 'imports.students');
    expect(audit?.after).toMatchObject({ sha256: dry.summary!.sha256, rows: 3, counts: { new: 3 }, created: 3, families: 1 });

    const again = await dryRun(path);
    expect(again.summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 3, errors: 0 });
    const count = await studentCount();
    await commit(path, again.summary!.sha256);
    expect(await studentCount()).toBe(count);

    const edited = await xlsx('students-2.xlsx', [good[0]!, good[1]!, [...good[2]!.slice(0, 5), '9845000000', ...good[2]!.slice(6)]]);
    const changed = await dryRun(edited);
    expect(changed.summary!.counts).toEqual({ new: 0, updated: 1, unchanged: 2, errors: 0 });
    await commit(edited, changed.summary!.sha256);
    const zoe = (await desk.ok('students.search', { query: 'Fernandes', limit: 5 }))[0]!;
    expect((await desk.ok('students.get', { studentId: zoe.id })).phone).toBe('9845000000');
  });

  it('a commit right after its dry run takes the rows it read, but checks them against the store again', async () => {
    const path = await xlsx('students.xlsx', good);
    const dry = await dryRun(path);
    expect(dry.summary!.counts).toEqual({ new: 3, updated: 0, unchanged: 0, errors: 0 });
    // Between the dry run and the commit, a cashier admits one of the file's students by hand.
    const masters = await desk.ok('masters.get');
    const cls = masters.classes.find((c) => c.name === 'Class 5')!;
    await desk.ok('students.create', {
      admissionNo: 'GV-002',
      fullName: 'Arjun N.',
      classId: cls.id,
      sectionId: cls.sections[0]!.id,
      guardianName: 'Suresh Nair',
      phone: '9845012345',
      joinedOn: '2026-04-01',
    });
    const done = await commit(path, dry.summary!.sha256);
    expect(done.error).toBeNull();
    // Not a second GV-002: the file's row updated the one on record.
    expect(done.summary!.counts).toEqual({ new: 2, updated: 1, unchanged: 0, errors: 0 });
    expect(await studentCount()).toBe(3);
    expect((await desk.ok('students.search', { query: 'GV-002', limit: 5 })).map((s) => s.fullName)).toEqual(['Arjun Nair']);
  });

  it('refuses to commit a file changed since its dry run', async () => {
    const path = await xlsx('students.xlsx', good);
    const dry = await dryRun(path);
    await xlsx('students.xlsx', good.slice(0, 2));
    const refused = await commit(path, dry.summary!.sha256);
    expect(refused).toMatchObject({ state: 'failed', error: expect.stringMatching(/changed since its dry run/) });
    expect(await studentCount()).toBe(0);
  });

  it('takes the mapping the user fixed, and remembers it for the next file', async () => {
    const path = join(desk.dir, 'odd.csv');
    writeFileSync(path, 'Roll,Pupil,Grade,Father/Mother,Cell,Start\r\nGV-9,Asha Rao,Class 5,R Rao,9845011111,2026-04-01\r\n');
    const guessed = await desk.ok('imports.inspect', { importer: 'students', path });
    expect(guessed.missing).toEqual(['admissionNo', 'fullName', 'guardianName', 'phone', 'joinedOn']);
    const mapping = {
      admissionNo: 'Roll',
      fullName: 'Pupil',
      className: 'Grade',
      guardianName: 'Father/Mother',
      phone: 'Cell',
      joinedOn: 'Start',
    };
    const dry = await dryRun(path, mapping);
    expect(dry.summary!.counts.new).toBe(1);
    const next = await desk.ok('imports.inspect', { importer: 'students', path });
    expect(next.missing).toEqual([]);
    expect(next.mapping['admissionNo']).toBe('Roll');
  });

  it('keeps a fixed mapping for files with those headers only: a file with other headers is matched by name, not refused', async () => {
    const first = join(desk.dir, 'first.csv');
    writeFileSync(first, 'Roll,Pupil,Grade,Father/Mother,Cell,Start\r\nGV-31,Asha Rao,Class 5,R Rao,9845011131,2026-04-01\r\n');
    await dryRun(first, {
      admissionNo: 'Roll',
      fullName: 'Pupil',
      className: 'Grade',
      guardianName: 'Father/Mother',
      phone: 'Cell',
      joinedOn: 'Start',
    });
    // Another school office's file: other headers, the usual names. It used to be refused (“Roll” is not a column of the file).
    const other = join(desk.dir, 'other.csv');
    writeFileSync(
      other,
      'Admission No,Student Name,Class,Guardian,Phone,Joined on\r\nGV-32,Kiran Das,Class 5,M Das,9845011132,2026-04-01\r\n',
    );
    const matched = await desk.ok('imports.inspect', { importer: 'students', path: other });
    expect(matched.missing).toEqual([]);
    expect(matched.mapping['admissionNo']).toBe('Admission No');
    expect((await dryRun(other)).summary!.counts).toMatchObject({ new: 1, errors: 0 });
    // The first layout again, in a new file and another order: its mapping comes back.
    const again = join(desk.dir, 'again.csv');
    writeFileSync(again, 'Pupil,Roll,Grade,Father/Mother,Cell,Start\r\nMeena Iyer,GV-33,Class 5,S Iyer,9845011133,2026-04-01\r\n');
    expect((await desk.ok('imports.inspect', { importer: 'students', path: again })).mapping['admissionNo']).toBe('Roll');
  });

  it('never takes a serial number column for the admission number, and warns of one that counts 1, 2, 3', async () => {
    const both = join(desk.dir, 'serial.csv');
    writeFileSync(
      both,
      'Sr. No.,Adm. No.,Name,Class,Guardian,Mobile,Joined\r\n1,GV-41,Ravi Das,Class 5,K Das,9845011141,2026-04-01\r\n2,GV-42,Uma Das,Class 5,K Das,9845011142,2026-04-01\r\n',
    );
    const inspected = await desk.ok('imports.inspect', { importer: 'students', path: both });
    expect(inspected.mapping['admissionNo']).toBe('Adm. No.');
    const counting = join(desk.dir, 'counting.csv');
    writeFileSync(
      counting,
      [
        'Sr. No.,Name,Class,Guardian,Mobile,Joined',
        ...[1, 2, 3, 4].map((n) => `${n},Pupil ${n},Class 5,Parent ${n},984501115${n},2026-04-01`),
      ].join('\r\n'),
    );
    const dry = await dryRun(counting, { admissionNo: 'Sr. No.' });
    expect(dry.summary!.warnings).toEqual([expect.stringContaining('holds 1, 2, 3 … in order, like a serial number')]);
    expect((await dryRun(both)).summary!.warnings).toEqual([]);
  });

  it('writes a template with the columns, an example, lists of the school’s classes and notes', async () => {
    const path = join(desk.dir, 'template.xlsx');
    const job = await finished(await desk.ok('imports.template', { importer: 'students', path }));
    expect(job.state).toBe('done');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet('Students')!;
    expect(sheet.getRow(1).values).toContain('Admission no.');
    expect(sheet.getRow(2).getCell(1).value).toBe('GV001234');
    expect(sheet.getCell('C2').dataValidation).toMatchObject({ type: 'list', formulae: ['Lists!$A$2:$A$2'] });
    expect(book.getWorksheet('Lists')!.getCell('A2').value).toBe('Class 5');
    expect(book.getWorksheet('Notes')!.rowCount).toBe(12);
    // The template, filled in, imports.
    const dry = await dryRun(path);
    expect(dry.summary!.counts).toMatchObject({ new: 1, errors: 0 });
  });

  it('writes templates for fee structures and concessions whose example rows import as they are', async () => {
    await desk.ok('users.create', ACCOUNTANT);
    for (const importer of ['structures', 'concessions'] as const) {
      const path = join(desk.dir, `${importer}-template.xlsx`);
      expect((await finished(await desk.ok('imports.template', { importer, path }))).state).toBe('done');
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(path);
      const lists = book.getWorksheet('Lists')!;
      const listed = (header: string) => {
        const col = (lists.getRow(1).values as string[]).indexOf(header);
        return lists.getColumn(col).values.slice(2);
      };
      if (importer === 'structures') {
        expect(listed('Plan')).toEqual(['monthly', 'quarterly', 'termwise', 'annual', 'custom']);
        expect(listed('Fee head')).toEqual(['Tuition', 'Transport', 'Exam']);
      } else {
        expect(listed('Applies to')).toEqual(['student', 'category', 'sibling']);
      }
      const dry = await finished(await desk.ok('imports.dryRun', { importer, path }));
      expect(dry.summary!.errors).toEqual([]);
      expect(dry.summary!.counts.new).toBeGreaterThan(0);
    }
  });

  it('round-trips: the demo school’s students, structures and concessions into an empty school, and its dues as opening balances, export the same', async () => {
    const demo = await openTestDesk();
    demo.clock.current = new Date('2026-06-01T06:00:00Z');
    await demo.app.generateDemoSchool({ students: 60, until: '2026-06-01', seed: 3 });
    await demo.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
    const lists = {
      students: { report: 'students_list', status: 'active' },
      structures: { report: 'structures_list' },
      concessions: { report: 'concessions_list' },
      dues: { report: 'dues_list' },
    } as const;
    const first = {
      students: await exportCsv(demo, lists.students, 'students.csv'),
      structures: await exportCsv(demo, lists.structures, 'structures.csv'),
      concessions: await exportCsv(demo, lists.concessions, 'concessions.csv'),
      dues: await exportCsv(demo, lists.dues, 'dues.csv'),
    };
    const masters = await demo.ok('masters.get');
    await demo.close();
    // What the lists hold: every structure row of the 12 classes, the four concessions, and dues with part-payments.
    expect(readFileSync(first.structures, 'utf8').split('\r\n')[1]).toBe(
      '2026-27,Nursery,,Nursery — 2026-27,quarterly,Quarter 1,2026-04-10,Tuition,18000.00,4500.00,"per day 10.00 after 10 days, at most 500.00",yes',
    );
    expect(readFileSync(first.concessions, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(5);

    // An empty school with the same years, heads, classes and categories (by name) and a second person to approve.
    const fresh = async (withStructures: boolean) => {
      const d = await openTestDesk();
      await setUpSchool(d);
      for (const y of masters.years)
        await d.ok('masters.createYear', { name: y.name, startsOn: y.startsOn, endsOn: y.endsOn, makeCurrent: y.isCurrent });
      for (const h of masters.heads.filter((x) => !x.systemCode))
        await d.ok('masters.createHead', { name: h.name, taxRateBp: h.taxRateBp });
      for (const c of masters.classes)
        await d.ok('masters.createClass', { name: c.name, sortOrder: c.sortOrder, sections: c.sections.map((x) => x.name) });
      for (const c of masters.categories) await d.ok('masters.createCategory', { name: c.name });
      await d.ok('users.create', ACCOUNTANT);
      await importAll(d, 'students', first.students);
      if (withStructures) {
        expect((await importAll(d, 'structures', first.structures)).summary!.counts.new).toBeGreaterThan(0);
        await importAll(d, 'concessions', first.concessions, {
          approver: { username: ACCOUNTANT.username, password: ACCOUNTANT.password },
        });
      }
      return d;
    };
    const empty = await fresh(true);
    const again = {
      students: await exportCsv(empty, lists.students, 'students-again.csv'),
      structures: await exportCsv(empty, lists.structures, 'structures-again.csv'),
      concessions: await exportCsv(empty, lists.concessions, 'concessions-again.csv'),
    };
    // The structures were assigned and the concessions approved: every student owes for the year, except RTE ones (100% off).
    const owed = await empty.ok('reports.run', { report: 'defaulters', asOf: '2027-03-31' });
    const rte = readFileSync(first.students, 'utf8')
      .split('\r\n')
      .filter((line) => line.includes(',RTE,')).length;
    expect(rte).toBeGreaterThan(0);
    expect(owed.rowCount).toBe(60 - rte);
    await empty.close();
    for (const k of ['students', 'structures', 'concessions'] as const)
      expect(readFileSync(again[k], 'utf8')).toBe(readFileSync(first[k], 'utf8'));

    // Dues carried over: the open balances, imported as opening balances into a school without structures.
    const bare = await fresh(false);
    await importAll(bare, 'opening_balances', first.dues);
    const dues = await exportCsv(bare, lists.dues, 'dues-again.csv');
    await bare.close();
    expect(readFileSync(dues, 'utf8')).toBe(readFileSync(first.dues, 'utf8'));
    // Three schools and five imports on their workers: ~20 s alone, longer beside the other suites on two cores, and
    // three times that on a machine busy with other work.
  }, 300_000);

  it('families: groups imported students into families by name, refuses unknown children, and round-trips', async () => {
    const students = await xlsx('students.xlsx', good);
    await commit(students, (await dryRun(students)).summary!.sha256);
    const path = join(desk.dir, 'families.csv');
    writeFileSync(path, 'Family Name,Adm No\r\nFernandes,GV-003\r\nNair,GV-001\r\nNair,GV-002\r\nRao,GV-999\r\nRao,GV-003\r\n');
    const families = (p: string, extra: object = {}) => desk.ok('imports.dryRun', { importer: 'families', path: p, ...extra });
    const dry = await finished(await families(path));
    expect(dry.summary!.counts).toEqual({ new: 0, updated: 1, unchanged: 2, errors: 2 });
    expect(dry.summary!.errors).toEqual([
      { row: 5, column: 'Admission no.', value: 'GV-999', reason: 'is not a student of this school: import the students first' },
      { row: 6, column: 'Admission no.', value: 'GV-003', reason: 'appears again: row 2 already puts this child in a family' },
    ]);
    writeFileSync(path, 'Family Name,Adm No\r\nFernandes,GV-003\r\nNair,GV-001\r\nNair,GV-002\r\n');
    const fixed = await finished(await families(path));
    const done = await finished(await desk.ok('imports.commit', { importer: 'families', path, sha256: fixed.summary!.sha256 }));
    expect(done.state).toBe('done');
    const zoe = (await desk.ok('students.search', { query: 'Fernandes', limit: 1 }))[0]!;
    const family = await desk.ok('families.get', { familyId: zoe.familyId! });
    expect(family).toMatchObject({ name: 'Fernandes', students: [{ admissionNo: 'GV-003' }] });

    const out = join(desk.dir, 'families-export.csv');
    let job = await desk.ok('reports.export', { filters: { report: 'families_list' }, format: 'csv', path: out });
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 30));
      job = await desk.ok('reports.job', { jobId: job.id });
    }
    expect(readFileSync(out, 'utf8')).toBe(
      '\uFEFFFamily,Admission no.,Student name\r\nFernandes,GV-003,Zoë Fernandes\r\nNair,GV-001,Diya Nair\r\nNair,GV-002,Arjun Nair\r\n',
    );
    expect((await finished(await families(out))).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 3, errors: 0 });
  });

  it('opening balances: arrears become dues of the current year, set once, aged from their own date', async () => {
    const students = await xlsx('students.xlsx', good);
    await commit(students, (await dryRun(students)).summary!.sha256);
    await desk.ok('masters.createHead', { name: 'Opening balance' });
    const path = join(desk.dir, 'opening.csv');
    const run = async () => finished(await desk.ok('imports.dryRun', { importer: 'opening_balances', path }));
    writeFileSync(
      path,
      'Adm No,Arrears,Due Date\r\nGV-001,"2,500.00",2026-03-31\r\nGV-002,₹1000,31/03/2026\r\nGV-003,-500,2026-03-31\r\nGV-999,100,2026-03-31\r\nGV-001,200,2026-03-31\r\n',
    );
    const dry = await run();
    expect(dry.summary!.counts).toEqual({ new: 2, updated: 0, unchanged: 0, errors: 3 });
    expect(dry.summary!.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [4, 'Amount', expect.stringMatching(/negative/)],
      [5, 'Admission no.', 'is not a student of this school: import the students first'],
      [6, 'Admission no.', 'appears again for Opening balance: row 2 already sets this opening balance'],
    ]);
    writeFileSync(path, 'Adm No,Arrears,Due Date\r\nGV-001,"2,500.00",2026-03-31\r\nGV-002,₹1000,31/03/2026\r\n');
    const fixed = await run();
    expect(
      (await finished(await desk.ok('imports.commit', { importer: 'opening_balances', path, sha256: fixed.summary!.sha256 }))).state,
    ).toBe('done');
    const diya = (await desk.ok('students.search', { query: 'Diya', limit: 1 }))[0]!;
    const dues = await desk.ok('payments.openDues', { studentIds: [diya.id] });
    expect(dues.items.find((i) => i.head === 'Opening balance')).toMatchObject({ dueOn: '2026-03-31', balance: 2_500_00 });
    const defaulters = await desk.ok('reports.run', { report: 'defaulters', asOf: '2026-04-02' });
    expect(defaulters.totals['balance']).toBe(3_500_00);
    const side = await openSideStore(desk);
    const outbox = side.raw.prepare("select args_json from outbox where name = 'dues.opening'").all() as { args_json: string }[];
    await side.close();
    expect(outbox).toHaveLength(1);
    expect((JSON.parse(outbox[0]!.args_json) as { dues: unknown[] }).dues).toHaveLength(2);

    expect((await run()).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 2, errors: 0 });
    writeFileSync(path, 'Adm No,Arrears,Due Date\r\nGV-001,3000,2026-03-31\r\n');
    expect((await run()).summary!.errors[0]!.reason).toMatch(/differs from the opening balance on record \(2,500\.00 due 2026-03-31\)/);
  });

  it('fee structures: a structure’s rows are checked together (shares, amounts, dates, names) and written whole, assigned when asked', async () => {
    const cls = await desk.ok('masters.createClass', { name: 'Class 6', sortOrder: 6, sections: ['A'] });
    const pupil = await desk.ok('students.create', {
      admissionNo: 'C6-001',
      fullName: 'Meera Das',
      classId: cls.id,
      sectionId: cls.sections[0]!.id,
      guardianName: 'Anil Das',
      phone: '9845000001',
      joinedOn: '2026-04-01',
    });
    // The school's own structures list, exported, is the start of the file: those rows are unchanged.
    const listed = readFileSync(await exportCsv(desk, { report: 'structures_list' }, 'structures-now.csv'), 'utf8');
    expect(listed.split('\r\n').filter(Boolean)).toHaveLength(13);
    const path = join(desk.dir, 'structures.csv');
    const write = (rows: string[]) => writeFileSync(path, listed + rows.map((r) => `${r}\r\n`).join(''));
    const good = [
      '2026-27,Class 6,,Class 6 general,termwise,Term 1,2026-04-15,Tuition,"15,000",,flat 200 after 7 days,yes',
      '2026-27,Class 6,,Class 6 general,termwise,Term 2,15/08/2026,Tuition,"15,000",,flat 200 after 7 days,yes',
      '2026-27,Class 6,,Class 6 general,termwise,Term 3,2026-12-15,Tuition,"15,000",,flat 200 after 7 days,yes',
      '2026-27,Class 6,,Class 6 general,termwise,Term 2,2026-08-15,Exam,₹2000,1000,flat 200 after 7 days,yes',
      '2026-27,Class 6,,Class 6 general,termwise,Term 3,2026-12-15,Exam,₹2000,1000,flat 200 after 7 days,yes',
    ];
    const bad = [
      // Staff child structure: Tuition's shares add up to 8,000 of 9,000.
      '2026-27,Class 6,Staff child,Class 6 staff,termwise,Term 1,2026-04-15,Tuition,9000,3000,,no',
      '2026-27,Class 6,Staff child,Class 6 staff,termwise,Term 2,2026-08-15,Tuition,9000,3000,,no',
      '2026-27,Class 6,Staff child,Class 6 staff,termwise,Term 3,2026-12-15,Tuition,9000,2000,,no',
      // General structure of a class the school does not have, with a negative amount and a fine rule nobody can read.
      '2026-27,Class 9,,Class 9 general,annual,Annual,2026-04-15,Tuition,-500,,10% after a week,no',
      // RTE structure: one installment given two dates, a head twice in one installment, another head amount.
      '2026-27,Class 6,RTE,Class 6 RTE,termwise,Term 1,2026-04-15,Exam,1000,500,,no',
      '2026-27,Class 6,RTE,Class 6 RTE,termwise,Term 2,2026-08-15,Exam,1000,500,,no',
      '2026-27,Class 6,RTE,Class 6 RTE,termwise,Term 1,2026-04-20,Exam,1200,500,,no',
    ];
    await desk.ok('masters.createCategory', { name: 'RTE' });
    write([...good, ...bad]);
    const run = async () => finished(await desk.ok('imports.dryRun', { importer: 'structures', path }));
    const dry = await run();
    expect(dry.summary!.counts).toEqual({ new: 5, updated: 0, unchanged: 12, errors: 7 });
    expect(dry.summary!.errors.map((e) => [e.row, e.column, e.value, e.reason])).toEqual([
      [19, 'Share', '8,000.00', 'Tuition’s shares add up to 8,000.00 but its head amount is 9,000.00'],
      [20, 'Structure', 'Class 6 staff', 'belongs to a structure with errors (row 19)'],
      [21, 'Structure', 'Class 6 staff', 'belongs to a structure with errors (row 19)'],
      [22, 'Head amount', '-500', 'must not be negative'],
      [22, 'Late fine', '10% after a week', expect.stringMatching(/^is not a late-fine rule/)],
      [23, 'Structure', 'Class 6 RTE', 'belongs to a structure with errors (row 25)'],
      [24, 'Structure', 'Class 6 RTE', 'belongs to a structure with errors (row 25)'],
      [25, 'Due on', '2026-04-20', 'differs from row 23, where Term 1 falls due on 2026-04-15'],
      [25, 'Head amount', '1,200.00', 'differs from row 23, where Exam is 1,000.00'],
      [25, 'Fee head', 'Exam', 'appears twice in Term 1 (row 23 too)'],
    ]);
    const before = await desk.ok('structures.list', {});
    const failed = await finished(await desk.ok('imports.commit', { importer: 'structures', path, sha256: dry.summary!.sha256 }));
    expect(failed.error).toMatch(/has 10 errors/);
    expect(await desk.ok('structures.list', {})).toEqual(before);

    write(good);
    const fixed = await run();
    expect(fixed.summary!.counts).toEqual({ new: 5, updated: 0, unchanged: 12, errors: 0 });
    expect((await finished(await desk.ok('imports.commit', { importer: 'structures', path, sha256: fixed.summary!.sha256 }))).state).toBe(
      'done',
    );
    const made = (await desk.ok('structures.list', {})).find((x) => x.className === 'Class 6')!;
    expect(made).toMatchObject({
      name: 'Class 6 general',
      plan: 'termwise',
      total: 17_000_00,
      fineRule: { kind: 'flat', graceDays: 7, amount: 200_00 },
    });
    expect(made.assignedAt).not.toBeNull();
    expect(made.heads.map((h) => [h.name, h.shares])).toEqual([
      ['Tuition', [5_000_00, 5_000_00, 5_000_00]],
      ['Exam', [0, 1_000_00, 1_000_00]],
    ]);
    // Assigned: the class's pupil owes its five non-zero installments.
    const dues = await desk.ok('payments.openDues', { studentIds: [pupil.id] });
    expect(dues.items.map((i) => [i.head, i.dueOn, i.balance])).toEqual([
      ['Tuition', '2026-04-15', 5_000_00],
      ['Tuition', '2026-08-15', 5_000_00],
      ['Exam', '2026-08-15', 1_000_00],
      ['Tuition', '2026-12-15', 5_000_00],
      ['Exam', '2026-12-15', 1_000_00],
    ]);
    // Again: nothing to do. Changed: refused, not edited.
    expect((await run()).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 17, errors: 0 });
    write(good.map((r) => r.replace('"15,000"', '"16,500"')));
    expect((await run()).summary!.errors[0]).toMatchObject({
      row: 14,
      column: 'Structure',
      reason: expect.stringMatching(
        /differs from the structure on record for Class 6 2026-27: its fee heads or amounts on record differ; a structure cannot change by import/,
      ),
    });
  });

  it('concessions: checked by the same rules as a request, committed only with a second person’s approval, and round-trip', async () => {
    const students = await xlsx('students.xlsx', good);
    await commit(students, (await dryRun(students)).summary!.sha256);
    await desk.ok('users.create', ACCOUNTANT);
    const path = join(desk.dir, 'concessions.csv');
    const header = 'Year,Concession,Kind,Value,Applies to,Admission no.,Category,Sibling rank,Fee head,Reason\r\n';
    const rows = [
      '2026-27,Merit,fixed,"1,500",student,GV-001,,,Tuition,Merit list 2026',
      '2026-27,Staff ward,percent,50%,category,,Staff child,,Tuition,Staff ward policy',
      '2026-27,Second child,percent,10,sibling,,,2,,Sibling rule',
    ];
    writeFileSync(
      path,
      header +
        [
          ...rows,
          '2026-27,Merit,fixed,500,student,GV-404,,,,Typo',
          '2026-27,Too much,percent,120%,category,,General,,,Generous',
          '2026-27,First child,percent,5,sibling,,,1,,Rank 1',
          '2025-26,Old,fixed,100,student,GV-002,,,,',
          rows[0],
        ]
          .map((r) => `${r}\r\n`)
          .join(''),
    );
    const run = async () => finished(await desk.ok('imports.dryRun', { importer: 'concessions', path }));
    const dry = await run();
    expect(dry.summary!.counts).toEqual({ new: 3, updated: 0, unchanged: 0, errors: 5 });
    expect(dry.summary!.errors.map((e) => [e.row, e.column, e.value, e.reason])).toEqual([
      [5, 'Admission no.', 'GV-404', 'is not a student of this school: import the students first'],
      [6, 'Value', '120%', 'must be more than 0% and at most 100%'],
      [7, 'Sibling rank', '1', 'must be a whole number from 2 (the second child) to 12'],
      [8, 'Reason', '', 'is required'],
      [9, 'Concession', 'Merit', 'appears again: row 2 gives the same concession to the same student'],
    ]);
    writeFileSync(path, header + rows.map((r) => `${r}\r\n`).join(''));
    const fixed = await run();
    const commitWith = (approver?: { username: string; password: string }) =>
      desk.call('imports.commit', { importer: 'concessions', path, sha256: fixed.summary!.sha256, ...(approver ? { approver } : {}) });
    // No approver, the importer approving themself, a wrong password: refused before anything starts.
    expect(await commitWith()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'approver' } });
    expect(await commitWith({ username: ADMIN.username, password: ADMIN.password })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/second person/) },
    });
    expect(await commitWith({ username: ACCOUNTANT.username, password: 'not-the-password' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(await desk.ok('concessions.list', {})).toEqual([]);
    const started = await commitWith({ username: ACCOUNTANT.username, password: ACCOUNTANT.password });
    expect((await finished((started as { ok: true; value: ImportJob }).value)).state).toBe('done');
    const list = await desk.ok('concessions.list', {});
    expect(list.map((c) => [c.name, c.status, c.requestedBy, c.decidedBy])).toEqual(
      expect.arrayContaining([['Merit', 'approved', expect.any(String), expect.any(String)]]),
    );
    expect(list).toHaveLength(3);
    // In force: Diya's tuition is 1,500 less; Arjun (her brother, the second child) gets 10% of his fees off; Zoë (staff child) half her tuition.
    const applied = Object.fromEntries(list.map((c) => [c.name, c.applied]));
    expect(applied).toEqual({ Merit: 1_500_00, 'Staff ward': 6_000_00, 'Second child': 2_000_00 });
    const side = await openSideStore(desk);
    const audit = side.raw.prepare("select after_json from audit_log where action = 'imports.concessions'").all() as {
      after_json: string;
    }[];
    await side.close();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json)).toMatchObject({ counts: { new: 3 }, concessionsApproved: 3, approvedBy: expect.any(String) });
    // Again: unchanged. Exported in the import layout: the same rows.
    expect((await run()).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 3, errors: 0 });
    const out = readFileSync(await exportCsv(desk, { report: 'concessions_list' }, 'concessions-out.csv'), 'utf8');
    expect(out.split('\r\n').slice(1).filter(Boolean).sort()).toEqual(
      [
        '2026-27,Merit,fixed,1500.00,student,GV-001,,,Tuition,Merit list 2026',
        '2026-27,Staff ward,percent,50%,category,,Staff child,,Tuition,Staff ward policy',
        '2026-27,Second child,percent,10%,sibling,,,2,,Sibling rule',
      ].sort(),
    );
  });

  it('a commit killed part-way leaves the store exactly as it was', async () => {
    const many: Row[] = Array.from({ length: 6000 }, (_, i) => [
      `K-${i}`,
      `Student ${i}`,
      'Class 5',
      'A',
      'Guardian',
      `98450${String(i).padStart(5, '0')}`,
      null,
      null,
      null,
      '2026-04-01',
    ]);
    const path = await xlsx('many.xlsx', many);
    const dry = await dryRun(path);
    expect(dry.summary!.counts.new).toBe(6000);
    const job = await desk.ok('imports.commit', { importer: 'students', path, sha256: dry.summary!.sha256 });
    // Wait until its rows are read (the write transaction is under way), then end it.
    let now = job;
    while (now.state === 'running' && now.done < 6000) {
      await new Promise((r) => setTimeout(r, 5));
      now = await desk.ok('imports.job', { jobId: job.id });
    }
    const cancelled = await desk.ok('imports.cancel', { jobId: job.id });
    expect(cancelled.state).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect(await studentCount()).toBe(0);
    const side = await openSideStore(desk);
    expect((side.raw.prepare('select count(*) as n from outbox where name = ?').get('students.create') as { n: number }).n).toBe(0);
    await side.close();
  });
});

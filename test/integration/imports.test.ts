// Importing students from a school's spreadsheet: template, dry run with per-row errors and an error sheet, an
// all-or-nothing commit that a re-run leaves alone, and a commit killed half-way that leaves the store as it was.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportJob } from '../../src/shared/contract/imports';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
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

const HEADER = ['Adm No', 'Student Name', 'Class', 'Section', "Father's Name", 'Mobile', 'Email', 'Category', 'Family', 'Date of Admission'];
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
    expect(match.mapping).toMatchObject({ admissionNo: 'Adm No', fullName: 'Student Name', guardianName: "Father's Name", phone: 'Mobile', joinedOn: 'Date of Admission', phone2: null });
  });

  it('dry-runs with counts, a preview and every error by row and column, and writes nothing', async () => {
    const rows: Row[] = [
      ...good,
      ['GV-004', 'Kabir Rao', 'Class 13', 'A', 'Anil Rao', '9845012300', null, null, null, '2026-04-01'],
      ['GV-001', 'Diya Again', 'Class 5', 'A', 'Suresh Nair', '9845012345', null, null, null, '2026-04-01'],
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
      { row: 6, column: 'Admission no.', value: 'GV-001', reason: 'appears again: row 2 has the same admission no.' },
      { row: 7, column: 'Phone', value: '12', reason: expect.any(String) },
      { row: 7, column: 'Joined on', value: '31/02/2026', reason: expect.any(String) },
    ]);
    expect(await studentCount()).toBe(before);

    const refused = await commit(join(desk.dir, 'messy.xlsx'), summary.sha256);
    expect(refused).toMatchObject({ state: 'failed', error: expect.stringMatching(/has 4 errors: fix them/) });
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
    expect(String(sheet.getRow(7).getCell(HEADER.length + 1).value)).toMatch(/^Phone: .*; Joined on: /);
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
    const mapping = { admissionNo: 'Roll', fullName: 'Pupil', className: 'Grade', guardianName: 'Father/Mother', phone: 'Cell', joinedOn: 'Start' };
    const dry = await dryRun(path, mapping);
    expect(dry.summary!.counts.new).toBe(1);
    const next = await desk.ok('imports.inspect', { importer: 'students', path });
    expect(next.missing).toEqual([]);
    expect(next.mapping['admissionNo']).toBe('Roll');
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

  it('round-trips: the demo school’s student list, imported into an empty school with its classes, exports the same', async () => {
    const demo = await openTestDesk();
    demo.clock.current = new Date('2026-06-01T06:00:00Z');
    await demo.app.generateDemoSchool({ students: 60, until: '2026-06-01', seed: 3 });
    await demo.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
    const exportList = async (from: TestDesk, name: string) => {
      const path = join(from.dir, name);
      let job = await from.ok('reports.export', { filters: { report: 'students_list', status: 'active' }, format: 'csv', path });
      while (job.state === 'running') {
        await new Promise((r) => setTimeout(r, 30));
        job = await from.ok('reports.job', { jobId: job.id });
      }
      expect(job.state).toBe('done');
      return path;
    };
    const first = await exportList(demo, 'students.csv');
    const masters = await demo.ok('masters.get');
    await demo.close();

    // An empty school gets the same classes, sections and categories (by name), then the list.
    const empty = await openTestDesk();
    await setUpSchool(empty);
    for (const c of masters.classes) await empty.ok('masters.createClass', { name: c.name, sortOrder: c.sortOrder, sections: c.sections.map((s) => s.name) });
    for (const c of masters.categories) await empty.ok('masters.createCategory', { name: c.name });
    const onEmpty = async (job: ImportJob) => {
      let now = job;
      while (now.state === 'running') {
        await new Promise((r) => setTimeout(r, 30));
        now = await empty.ok('imports.job', { jobId: job.id });
      }
      return now;
    };
    const dry = await onEmpty(await empty.ok('imports.dryRun', { importer: 'students', path: first }));
    expect(dry.summary!.errors).toEqual([]);
    expect(dry.summary!.counts).toMatchObject({ new: 60, errors: 0 });
    expect((await onEmpty(await empty.ok('imports.commit', { importer: 'students', path: first, sha256: dry.summary!.sha256 }))).state).toBe('done');
    const second = await exportList(empty, 'students-again.csv');
    await empty.close();
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
  });

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
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFFamily,Admission no.,Student name\r\nFernandes,GV-003,Zoë Fernandes\r\nNair,GV-001,Diya Nair\r\nNair,GV-002,Arjun Nair\r\n');
    expect((await finished(await families(out))).summary!.counts).toEqual({ new: 0, updated: 0, unchanged: 3, errors: 0 });
  });

  it('opening balances: arrears become dues of the current year, set once, aged from their own date', async () => {
    const students = await xlsx('students.xlsx', good);
    await commit(students, (await dryRun(students)).summary!.sha256);
    await desk.ok('masters.createHead', { name: 'Opening balance' });
    const path = join(desk.dir, 'opening.csv');
    const run = async () => finished(await desk.ok('imports.dryRun', { importer: 'opening_balances', path }));
    writeFileSync(path, 'Adm No,Arrears,Due Date\r\nGV-001,"2,500.00",2026-03-31\r\nGV-002,₹1000,31/03/2026\r\nGV-003,-500,2026-03-31\r\nGV-999,100,2026-03-31\r\nGV-001,200,2026-03-31\r\n');
    const dry = await run();
    expect(dry.summary!.counts).toEqual({ new: 2, updated: 0, unchanged: 0, errors: 3 });
    expect(dry.summary!.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [4, 'Amount', expect.stringMatching(/negative/)],
      [5, 'Admission no.', 'is not a student of this school: import the students first'],
      [6, 'Admission no.', 'appears again for Opening balance: row 2 already sets this opening balance'],
    ]);
    writeFileSync(path, 'Adm No,Arrears,Due Date\r\nGV-001,"2,500.00",2026-03-31\r\nGV-002,₹1000,31/03/2026\r\n');
    const fixed = await run();
    expect((await finished(await desk.ok('imports.commit', { importer: 'opening_balances', path, sha256: fixed.summary!.sha256 }))).state).toBe('done');
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

  it('a commit killed part-way leaves the store exactly as it was', async () => {
    const many: Row[] = Array.from({ length: 6000 }, (_, i) => [`K-${i}`, `Student ${i}`, 'Class 5', 'A', 'Guardian', `98450${String(i).padStart(5, '0')}`, null, null, null, '2026-04-01']);
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

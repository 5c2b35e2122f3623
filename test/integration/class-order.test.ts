// Classes made through the screen (no order typed: all 0) come back in the order a school lists them, from every
// channel that lists classes: masters, students, structures and the reports grouped by class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportTable } from '../../src/shared/contract/reports';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';

const NAMES = ['Class 10', 'Class 3', 'UKG', 'Class 1', 'Nursery', 'Class 12', 'Class 2'];
const EXPECTED = ['Nursery', 'UKG', 'Class 1', 'Class 2', 'Class 3', 'Class 10', 'Class 12'];
let desk: TestDesk;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-06-15T06:00:00Z');
  await setUpSchool(desk);
  const year = await desk.ok('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  const head = await desk.ok('masters.createHead', { name: 'Tuition' });
  for (const [i, name] of NAMES.entries()) {
    const cls = await desk.ok('masters.createClass', { name, sortOrder: 0, sections: ['10', '2', 'B'] });
    const structure = await desk.ok('structures.create', {
      yearId: year.id,
      classId: cls.id,
      name: `${name} fees`,
      plan: 'annual',
      installments: [{ label: 'Annual', dueOn: '2026-04-10' }],
      heads: [{ headId: head.id, amount: 10_000_00 }],
    });
    await desk.ok('structures.assign', { structureId: structure.id });
    for (const section of cls.sections) {
      const student = await desk.ok('students.create', {
        admissionNo: `A-${i}-${section.name}`,
        fullName: `Student ${i} ${section.name}`,
        classId: cls.id,
        sectionId: section.id,
        guardianName: 'Guardian',
        phone: `98450${String(i * 10 + cls.sections.indexOf(section)).padStart(5, '0')}`,
        joinedOn: '2026-04-01',
      });
      if (section.name === 'B')
        await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'upi', utr: `UTR2026061500${i}` } });
    }
  }
}, 120_000);
afterAll(() => desk.close());

const distinct = (values: string[]) => values.filter((v, i) => v !== values[i - 1]);

describe('classes in natural order', () => {
  it('masters.get lists Class 3 before Class 10, pre-primary first, and sections 2, 10, B', async () => {
    const masters = await desk.ok('masters.get');
    expect(masters.classes.map((c) => c.name)).toEqual(EXPECTED);
    expect(masters.classes[0]!.sections.map((s) => s.name)).toEqual(['2', '10', 'B']);
  });

  it('students.list and structures.list follow the same order', async () => {
    const { students } = await desk.ok('students.list', { limit: 100 });
    expect(distinct(students.map((s) => s.className))).toEqual(EXPECTED);
    const structures = await desk.ok('structures.list', {});
    expect(structures.map((s) => s.className)).toEqual(EXPECTED);
  });

  it('the defaulters report (run on the background worker) groups Class 3 before Class 10', async () => {
    const table = (await desk.ok('reports.run', { report: 'defaulters', asOf: '2026-06-15' })) as ReportTable;
    const classes = distinct(table.rows.map((r) => String(r['className']).replace(/-\w+$/, '')));
    expect(classes).toEqual(EXPECTED);
    const sections = table.rows.filter((r) => String(r['className']).startsWith('Class 3-')).map((r) => r['className']);
    expect(sections).toHaveLength(3);
  });

  it('the collection summary grouped by class lists Class 3 before Class 10', async () => {
    const table = (await desk.ok('reports.run', {
      report: 'collection',
      from: '2026-06-01',
      to: '2026-06-30',
      groupBy: ['class'],
      view: 'net',
    })) as ReportTable;
    expect(table.rows.map((r) => r['class'])).toEqual(EXPECTED);
  });
});

// A previous year's dues (arrears) after a new year is made current: shown with their year and first, paid first,
// reported by year, and set apart on fee slips and statements.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportFormat, ReportFilters } from '../../src/shared/contract/reports';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

const A = '2026-27';
const B = '2027-28';

let desk: TestDesk;
let years: { a: string; b: string };
let asha: { id: string };
let bala: { id: string };

/**
 * Year A (the small school: ₹20,000 a student over four quarters, ₹500 fine cap), Asha paying ₹3,000 of it in April;
 * then year B made current with a structure of two ₹7,000 terms assigned, and the clock on 15 May of year B.
 */
beforeEach(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  asha = await admit(desk, school, { fullName: 'Asha Kulkarni' });
  bala = await admit(desk, school, { fullName: 'Bala Murthy' });
  // Nothing has fallen due on 5 April: oldest first, the ₹3,000 pays Quarter 1's tuition.
  await desk.ok('payments.record', { studentIds: [asha.id], amount: 3_000_00, method: { mode: 'cash' } });

  await desk.travelTo('2027-03-20T05:00:00Z');
  const b = await desk.ok('masters.createYear', { name: B, startsOn: '2027-04-01', endsOn: '2028-03-31', makeCurrent: true });
  const structure = await desk.ok('structures.create', {
    yearId: b.id,
    classId: school.classId,
    name: `Class 5 — ${B}`,
    plan: 'termwise',
    installments: [
      { label: 'Term 1', dueOn: '2027-04-10' },
      { label: 'Term 2', dueOn: '2027-10-10' },
    ],
    heads: [{ headId: school.heads.tuition, amount: 14_000_00 }],
  });
  await desk.ok('structures.assign', { structureId: structure.id });
  years = { a: school.yearId, b: b.id };
  await desk.travelTo('2027-05-15T05:00:00Z');
});
afterEach(async () => {
  expect(desk.errors).toEqual([]);
  await desk.close();
});

const sum = (items: { balance: number }[]) => items.reduce((a, i) => a + i.balance, 0);

/** Exports the report and waits for the file; the path, and how many rows or letters the job wrote of how many. */
async function exportJob(filters: ReportFilters, format: ExportFormat, name: string) {
  const path = join(desk.dir, name);
  let job = await desk.ok('reports.export', { filters, format, path });
  while (job.state === 'running') {
    await new Promise((r) => setTimeout(r, 50));
    job = await desk.ok('reports.job', { jobId: job.id });
  }
  expect(job.state).toBe('done');
  return { path, done: job.done, total: job.total };
}

const exported = async (filters: ReportFilters, format: ExportFormat, name: string) => (await exportJob(filters, format, name)).path;

const pdfText = (path: string) => execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });

describe('arrears at the counter', () => {
  it('lists the previous year’s dues with their year, as arrears, before this year’s; its late fines too', async () => {
    const dues = await desk.ok('payments.openDues', { studentIds: [asha.id] });
    const firstOfB = dues.items.findIndex((i) => i.year === B);
    expect(firstOfB).toBeGreaterThan(0);
    const [arrears, current] = [dues.items.slice(0, firstOfB), dues.items.slice(firstOfB)];
    expect(arrears.every((i) => i.year === A && i.arrears)).toBe(true);
    expect(current.every((i) => i.year === B && !i.arrears)).toBe(true);
    // Quarter 1's transport (its tuition was paid), all of quarters 2–4, and each quarter's capped ₹500 fine.
    expect(arrears.filter((i) => i.kind === 'fee').map((i) => `${i.installment} ${i.head}`)).toEqual([
      'Quarter 1 Transport',
      'Quarter 2 Tuition',
      'Quarter 2 Transport',
      'Quarter 2 Exam',
      'Quarter 3 Tuition',
      'Quarter 3 Transport',
      'Quarter 4 Tuition',
      'Quarter 4 Transport',
      'Quarter 4 Exam',
    ]);
    expect(arrears.filter((i) => i.kind === 'fine').map((i) => [i.installment, i.balance])).toEqual([
      ['Quarter 1', 500_00],
      ['Quarter 2', 500_00],
      ['Quarter 3', 500_00],
      ['Quarter 4', 500_00],
    ]);
    expect(sum(arrears)).toBe(17_000_00 + 2_000_00);
    expect(current.map((i) => [i.installment, i.balance])).toEqual([
      ['Term 1', 7_000_00],
      ['Term 2', 7_000_00],
    ]);
  });

  it('pays the arrears first when the money is spread oldest first, and a fine levied on them stays with their year', async () => {
    const receipt = await desk.ok('payments.record', { studentIds: [asha.id], amount: 2_500_00, method: { mode: 'cash' } });
    // Fines first (the school's default): Quarter 1's fine and transport, then Quarter 2's fine.
    expect(receipt.lines.map((l) => [l.arrearsYear, l.installment, l.head, l.amount])).toEqual([
      [A, 'Quarter 1', 'Late fine', 500_00],
      [A, 'Quarter 1', 'Transport', 1_500_00],
      [A, 'Quarter 2', 'Late fine', 500_00],
    ]);
    const printed = await desk.ok('receipts.print', { paymentId: receipt.paymentId, layout: 'a5', target: 'pdf' });
    const pdf = join(desk.dir, 'receipt.pdf');
    writeFileSync(pdf, Buffer.from(printed.base64, 'base64'));
    expect(pdfText(pdf)).toMatch(new RegExp(`Arrears ${A} · Quarter 1 · Transport\\s+₹1,500\\.00`));
    const dues = await desk.ok('payments.openDues', { studentIds: [asha.id] });
    expect(dues.items.find((i) => i.installment === 'Term 1')?.balance).toBe(7_000_00);
    expect(sum(dues.items.filter((i) => i.arrears))).toBe(15_500_00 + 1_000_00);

    const ledger = await desk.ok('payments.ledger', { studentId: asha.id });
    const fines = ledger.entries.filter((e) => e.kind === 'fine').map((e) => e.description);
    expect(fines).toEqual([`Arrears ${A} · Quarter 1 · Late fine`, `Arrears ${A} · Quarter 2 · Late fine`]);
    const defaulters = await desk.ok('reports.run', { report: 'defaulters', asOf: '2027-05-15', yearId: years.a });
    expect(defaulters.rows.find((r) => r['studentId'] === asha.id)?.['balance']).toBe(15_500_00);
  });
});

describe('defaulters by year', () => {
  const asOf = '2027-05-15';
  const row = (r: Record<string, unknown>) => [r['student'], r['year'], r['balance'], r['d31'], r['d91']];

  it('gives each year’s figures for that year alone, and a row per student and year without the filter', async () => {
    const a = await desk.ok('reports.run', { report: 'defaulters', asOf, yearId: years.a });
    expect(a.subtitle).toContain(`dues of ${A}`);
    // All of year A's open dues are more than 90 days past due; fines not yet levied are not in the ledger.
    expect(a.rows.map(row)).toEqual([
      ['Bala Murthy', A, 20_000_00, 0, 20_000_00],
      ['Asha Kulkarni', A, 17_000_00, 0, 17_000_00],
    ]);
    expect(a.totals['balance']).toBe(37_000_00);

    const b = await desk.ok('reports.run', { report: 'defaulters', asOf, yearId: years.b });
    // Term 1 fell due on 10 April: 35 days; Term 2 is not due yet. Equal balances go by admission no.
    expect(b.rows.map(row)).toEqual([
      ['Asha Kulkarni', B, 7_000_00, 7_000_00, 0],
      ['Bala Murthy', B, 7_000_00, 7_000_00, 0],
    ]);

    const all = await desk.ok('reports.run', { report: 'defaulters', asOf });
    expect(all.columns.map((c) => c.label)).toContain('Year');
    expect(all.rows.map(row)).toEqual([
      ['Bala Murthy', A, 20_000_00, 0, 20_000_00],
      ['Bala Murthy', B, 7_000_00, 7_000_00, 0],
      ['Asha Kulkarni', A, 17_000_00, 0, 17_000_00],
      ['Asha Kulkarni', B, 7_000_00, 7_000_00, 0],
    ]);
    expect(all.totals['balance']).toBe(a.totals['balance']! + b.totals['balance']!);
    expect(all.summary.find((s) => s.label === '90+ days')?.amount).toBe(37_000_00);
  });

  it('applies the least balance to what the student owes over the years asked for', async () => {
    const all = await desk.ok('reports.run', { report: 'defaulters', asOf, minBalance: 25_000_00 });
    expect(all.rows.map((r) => [r['student'], r['year']])).toEqual([
      ['Bala Murthy', A],
      ['Bala Murthy', B],
    ]);
    const a = await desk.ok('reports.run', { report: 'defaulters', asOf, yearId: years.a, minBalance: 18_000_00 });
    expect(a.rows.map((r) => r['student'])).toEqual(['Bala Murthy']);
  });

  it('puts advance credit on the student’s first row only, so the total counts it once', async () => {
    await desk.ok('payments.record', {
      studentIds: [bala.id],
      amount: 1_000_00,
      method: { mode: 'cash' },
      allocations: [],
    });
    const all = await desk.ok('reports.run', { report: 'defaulters', asOf });
    expect(all.rows.filter((r) => r['studentId'] === bala.id).map((r) => r['credit'])).toEqual([1_000_00, 0]);
    expect(all.totals['credit']).toBe(1_000_00);
  });

  it('writes the year column to CSV, XLSX and PDF, and one reminder letter per student, naming the arrears’ year', async () => {
    const filters = { report: 'defaulters', asOf } as const;
    const csv = readFileSync(await exported(filters, 'csv', 'defaulters.csv'), 'utf8').split(/\r?\n/);
    expect(csv[0]).toContain(',Year,');
    expect(csv.filter((l) => l.includes(`,${A},`))).toHaveLength(2);
    expect(csv.filter((l) => l.includes(`,${B},`))).toHaveLength(2);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await exported(filters, 'xlsx', 'defaulters.xlsx'));
    const sheet = book.worksheets[0]!;
    const yearColumn = (sheet.getRow(4).values as unknown[]).indexOf('Year');
    expect(yearColumn).toBeGreaterThan(0);
    expect([5, 6, 7, 8].map((r) => sheet.getRow(r).getCell(yearColumn).value)).toEqual([A, B, A, B]);

    const paper = pdfText(await exported(filters, 'pdf', 'defaulters.pdf'));
    const lines = paper.split('\n').filter((l) => /^A-\d{4}\s/.test(l.trim()));
    expect(lines.map((l) => (l.includes(` ${A} `) ? A : l.includes(` ${B} `) ? B : l))).toEqual([A, B, A, B]);
    expect(paper).toContain('all years');
    expect(paper.replace(/\s+/g, ' ')).toContain(`a year before ${B} is arrears`);

    const { path: letters, done, total } = await exportJob({ report: 'defaulters', asOf }, 'letters', 'letters.pdf');
    expect([done, total]).toEqual([2, 2]);
    expect(execFileSync('pdfinfo', [letters], { encoding: 'utf8' })).toMatch(/Pages:\s+2\b/);
    const text = pdfText(letters);
    expect(text).toMatch(new RegExp(`Arrears ${A}\\s+Quarter 1\\s+Transport`));
    expect(text).toMatch(/Arrears subtotal\s+₹17,000\.00\s+2027-28\s+Term 1\s+Tuition/);
    expect(text).toMatch(/Total overdue\s+₹27,000\.00/);
  }, 120_000); // three exports and the letters, each on a worker of its own
});

describe('slips and statements', () => {
  it('lists the arrears on the fee slip under their year with a subtotal, apart from this year’s dues', async () => {
    const printed = await desk.ok('slips.print', { studentIds: [asha.id], target: 'pdf' });
    const pdf = join(desk.dir, 'slip.pdf');
    writeFileSync(pdf, Buffer.from(printed.base64, 'base64'));
    const text = pdfText(pdf);
    expect(text).toMatch(new RegExp(`Arrears ${A} subtotal\\s+₹19,000\\.00`));
    expect(text.indexOf(`Arrears ${A}`)).toBeLessThan(text.indexOf('Quarter 1'));
    expect(text.indexOf(`Arrears ${A} subtotal`)).toBeLessThan(text.indexOf('Term 1'));
    expect(text).toContain('Whole year: ₹14,000.00');
    expect(text).toContain('Fines to date: ₹2,000.00');
    // Everything fallen due is asked for: the arrears and Term 1.
    expect(text).toContain('Due now: ₹26,000.00');
  });

  it('names the arrears in the statement and gives what each year still owes under it, on screen and on paper', async () => {
    const filters = { report: 'statement', studentId: asha.id } as const;
    const statement = await desk.ok('reports.run', filters);
    const dues = statement.rows.filter((r) => r['kind'] === 'Due').map((r) => r['description']);
    expect(dues).toContain(`Arrears ${A} · Quarter 2 · Tuition`);
    expect(dues).toContain('Term 1 · Tuition');
    expect(dues.filter((d) => String(d).startsWith('Arrears'))).toHaveLength(10);
    expect(statement.summary).toEqual([
      { label: `Arrears ${A} still owed`, amount: 17_000_00 },
      { label: `${B} still owed`, amount: 14_000_00 },
    ]);
    // A family statement sums the children's years.
    const family = await desk.ok('families.create', { name: 'Kulkarni', studentIds: [asha.id, bala.id] });
    expect((await desk.ok('reports.run', { report: 'family_statement', familyId: family.id })).summary).toEqual([
      { label: `Arrears ${A} still owed`, amount: 37_000_00 },
      { label: `${B} still owed`, amount: 28_000_00 },
    ]);
    const text = pdfText(await exported(filters, 'pdf', 'statement.pdf'));
    expect(text).toContain(`Arrears ${A} · Quarter 2 · Tuition`);
    expect(text).toContain(`Arrears ${A} still owed: 17,000.00`);
    expect(text).toContain(`${B} still owed: 14,000.00`);
  });
});

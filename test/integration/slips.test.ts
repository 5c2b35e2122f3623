// Fee slips: what they list, and that their QR opens the right student (and only an active one).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

const ARTIFACTS = join(import.meta.dirname, '../../test-results/slips');
let desk: TestDesk;
let school: SmallSchool;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
});
afterAll(() => desk.close());

const errorOf = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('fee slips', () => {
  it('prints a class two to a page, each with its dues, fine to date and a QR that opens that student', async () => {
    const names = ['Anika Rao', 'Kabir Shah', 'Diya Nair'];
    const students = [];
    for (const fullName of names) students.push(await admit(desk, school, { fullName }));
    const printed = await desk.ok('slips.print', { classId: school.classId, perPage: 2, target: 'pdf' });
    expect(printed.slips).toBeGreaterThanOrEqual(3);
    const pdf = join(ARTIFACTS, 'class.pdf');
    writeFileSync(pdf, Buffer.from(printed.base64, 'base64'));
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(new RegExp(`Pages:\\s+${Math.ceil(printed.slips / 2)}\\b`));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const n of names) expect(text).toContain(n);
    expect(text).toContain('Fines to date: ₹200.00');
    // On 10 May the first quarter (₹4,500) and its fine to date have fallen due: that, not the whole year, is asked for.
    expect(text).toContain('Due now: ₹4,700.00');
    expect(text).toContain('Whole year: ₹20,200.00');
    expect(text).toContain('Quarter 1');

    execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', pdf, join(ARTIFACTS, 'class-page1')]);
    const tokens = execFileSync('zbarimg', ['--quiet', '--raw', join(ARTIFACTS, 'class-page1.png')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n');
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      const student = await desk.ok('slips.resolve', { token });
      expect(students.map((s) => s.id).concat(student.id)).toContain(student.id);
      expect(token).toBe(`FDS1-${student.id}`);
    }
  });

  it('gives a clear word for a token of an unknown or departed student, or text that is not a token', async () => {
    const leaver = await admit(desk, school, { fullName: 'Meera Joshi' });
    await desk.ok('students.leave', { studentId: leaver.id, leftOn: '2026-05-01', reason: 'transfer' });
    expect(errorOf(await desk.call('slips.resolve', { token: `FDS1-${leaver.id}` }))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Meera Joshi'),
    });
    expect(errorOf(await desk.call('slips.resolve', { token: 'FDS1-00000000-0000-4000-8000-0000000fffff' }))).toMatchObject({
      code: 'not_found',
      field: 'token',
    });
    expect(errorOf(await desk.call('slips.resolve', { token: 'hello world' }))).toMatchObject({
      code: 'invalid_input',
      message: 'token is not a FeeDesk fee slip code',
    });
  });
});

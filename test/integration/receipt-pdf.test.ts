// The plain receipt PDF carries what the receipt record says (read back with poppler's pdftotext).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

let desk: TestDesk;
afterEach(() => desk.close());

describe('plain receipt PDF', () => {
  it('shows the receipt number, student, lines, total and balance', async () => {
    desk = await openTestDesk();
    desk.clock.current = new Date('2026-04-02T05:00:00Z');
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    const s = await admit(desk, school, { fullName: 'Kiran Rao' });
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 5_000_00, method: { mode: 'cheque', chequeNo: '004521', bank: 'Canara Bank', chequeDate: '2026-04-02' } });
    const pdf = await desk.ok('payments.receiptPdf', { paymentId: r.paymentId });
    expect(pdf.fileName).toBe('receipt-2026-27-D01-000001.pdf');
    const file = join(desk.dir, pdf.fileName);
    writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Receipt no.: 2026-27/D01/000001');
    expect(text).toContain('Kiran Rao');
    expect(text).toMatch(/Quarter 1 · Tuition\s+INR 3,000.00/);
    expect(text).toMatch(/Total paid\s+INR 5,000.00/);
    expect(text).toContain('chequeNo 004521');
    expect(text).toContain('Balance after this payment: INR 15,000.00');
  });
});

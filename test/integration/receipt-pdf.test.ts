// Receipt PDFs as a person (and a phone) would read them: rendered by poppler, QR decoded by zbar.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECEIPT_LAYOUTS } from '../../src/shared/contract/receipts';
import { openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

const ARTIFACTS = join(import.meta.dirname, '../../test-results/receipts');
const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
let desk: TestDesk;
let school: SmallSchool;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  desk = await openTestDesk();
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('settings.update', { verifyBaseUrl: 'https://sync.gvs.example/verify/', receiptFooter: 'धन्यवाद · நன்றி · Thank you' });
  // The school's stationery on every receipt of this file: each layout must still fit it (two copies to an A4 too).
  await desk.ok('settings.update', {
    schoolAddress: '14 Lake Road, Jayanagar\nBengaluru 560041',
    schoolPhone: '080 2663 1234',
    schoolRegistration: 'CBSE Affiliation No. 830123',
    schoolTaxId: '27aapfu0939f1zv',
  });
});
afterAll(() => desk.close());

function save(name: string, base64: string): string {
  const file = join(ARTIFACTS, name);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return file;
}

const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

/** Renders page 1 to PNG (kept as an artifact) and returns what zbarimg decodes from it. */
function decodeQr(pdf: string): string {
  const png = pdf.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-png', '-r', '200', '-f', '1', '-l', '1', '-singlefile', pdf, png]);
  expect(statSync(`${png}.png`).size).toBeGreaterThan(5_000); // not a blank page
  return execFileSync('zbarimg', ['--quiet', '--raw', `${png}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

describe('receipt layouts', () => {
  for (const [index, layout] of RECEIPT_LAYOUTS.entries()) {
    it(`${layout}: the QR decodes to a URL that verifies, and the text has the receipt no., amount in words and balance`, async () => {
      const s = await admit(desk, school, { fullName: 'Kiran Rao' });
      const r = await desk.ok('payments.record', {
        studentIds: [s.id],
        amount: 5_250_50,
        method: { mode: 'upi', utr: `UTR123456789${index}` },
      });
      const printed = await desk.ok('receipts.print', { paymentId: r.paymentId, layout, target: 'pdf' });
      const pdf = save(`${layout}.pdf`, printed.base64);
      const codes = decodeQr(pdf).split('\n');
      expect(codes).toHaveLength(layout === 'a4_two_copies' ? 2 : 1);
      const decoded = codes[0]!;
      for (const code of codes) expect(code).toBe(`https://sync.gvs.example/verify/${r.qr}`);
      expect(await desk.ok('receipts.verify', { code: decoded })).toMatchObject({
        verdict: 'valid',
        claims: { receiptNo: r.receiptNo, amount: 5_250_50, admissionNo: s.admissionNo, date: '2026-04-02', deskCode: 'D01' },
        local: { found: true, amountMatches: true, status: 'valid', studentName: 'Kiran Rao' },
      });
      const words = text(pdf).replace(/\s+/g, ' ');
      expect(words).toContain(r.receiptNo);
      expect(words).toContain('Rupees Five Thousand Two Hundred Fifty and Fifty Paise Only');
      expect(words).toContain('Balance after this payment ₹14,749.50');
      expect(words).toContain('₹5,250.50');
      for (const line of [
        '14 Lake Road, Jayanagar',
        'Bengaluru 560041',
        'Phone 080 2663 1234',
        'CBSE Affiliation No. 830123 · GSTIN 27AAPFU0939F1ZV',
      ])
        expect(words).toContain(line);
      // (pdftotext puts the footer's Hindi and Tamil words, a different font, in among the lines above it on a roll.)
      expect(words.replace(/[\u0900-\u097f\u0b80-\u0bff]+ /g, '')).toContain(
        'Received with thanks from Guardian the sum of Rupees Five Thousand Two Hundred Fifty and Fifty Paise Only for Kiran Rao (Class 5-A).',
      );
      expect(words.match(/Authorised signatory/g)).toHaveLength(layout === 'a4_two_copies' ? 2 : 1);
    });
  }
});

describe('scripts and fonts', () => {
  it('embeds Unicode fonts so ₹ and Devanagari and Tamil names print', async () => {
    const hindi = await admit(desk, school, { fullName: 'आरव शर्मा' });
    const tamil = await admit(desk, school, { fullName: 'கவின் குமார்' });
    for (const [student, name] of [
      [hindi, 'आरव शर्मा'],
      [tamil, 'கவின் குமார்'],
    ] as const) {
      const r = await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
      const pdf = save(
        `script-${student.admissionNo}.pdf`,
        (await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'pdf' })).base64,
      );
      const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
      expect(fonts).toMatch(/NotoSans-Regular/);
      expect(fonts).toMatch(name === 'आरव शर्मा' ? /NotoSansDevanagari/ : /NotoSansTamil/);
      expect(fonts).not.toMatch(/Helvetica/);
      expect(
        fonts
          .split('\n')
          .slice(2)
          .filter(Boolean)
          .every((line) => /\byes\s+yes\s+yes\b/.test(line)),
      ).toBe(true); // embedded, subset, unicode map
      const words = text(pdf);
      expect(words).toContain(name);
      expect(words).toContain('₹1,000.00');
    }
  });
});

describe('reprints', () => {
  it('marks copies after the first DUPLICATE with their number, counts them, audits them, and marks cancelled receipts', async () => {
    const s = await admit(desk, school);
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 2_000_00, method: { mode: 'cash' } });
    expect(await desk.ok('printing.choose', { printerName: 'Save to folder' })).toMatchObject({
      chosen: 'Save to folder',
      printers: [{ name: 'Save to folder' }],
    });
    const first = await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'printer' });
    expect(first.copyNo).toBe(1);
    const spooled = readdirSync(join(desk.dir, 'prints'));
    expect(spooled.at(-1)).toMatch(/receipt-2026-27-D01-\d{6}\.pdf$/);
    expect(
      readFileSync(join(desk.dir, 'prints', spooled.at(-1)!))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(text(save('original.pdf', first.base64))).not.toContain('DUPLICATE');
    const second = await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'pdf' });
    expect(second.copyNo).toBe(2);
    expect(text(save('reprint.pdf', second.base64))).toContain('DUPLICATE · Reprint 1');
    expect((await desk.ok('payments.receipt', { paymentId: r.paymentId })).prints).toBe(2);
    const audit = (await desk.ok('audit.list', { limit: 20 })).filter((a) => a.entityId === r.paymentId).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['receipts.print', 'receipts.reprint']));

    await desk.ok('payments.cancel', { paymentId: r.paymentId, reason: 'Paid twice by mistake', approver: ACCOUNTANT });
    const cancelled = text(save('cancelled.pdf', (await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'pdf' })).base64));
    expect(cancelled).toContain('DUPLICATE · Reprint 2');
    expect(cancelled).toContain('CANCELLED on 2 Apr 2026');
    expect(cancelled).toContain('Paid twice by mistake');
    // The QR is the one signed at payment time, and verification reports the cancellation.
    const after = await desk.ok('payments.receipt', { paymentId: r.paymentId });
    expect(after.qr).toBe(r.qr);
    expect(await desk.ok('receipts.verify', { code: r.qr! })).toMatchObject({ verdict: 'valid', local: { status: 'cancelled' } });
  });

  it('reprints a day’s receipts into one PDF', async () => {
    const printed = await desk.ok('receipts.printDay', { date: '2026-04-02', target: 'pdf' });
    expect(printed.copies).toBeGreaterThan(5);
    const pages = execFileSync('pdfinfo', [save('day.pdf', printed.base64)], { encoding: 'utf8' });
    expect(pages).toMatch(new RegExp(`Pages:\\s+${printed.copies}\\b`));
  });
});

describe('school logo', () => {
  it('prints the logo an admin uploads, and refuses a file that is not an image', async () => {
    const QRCode = (await import('qrcode')).default;
    const png = await QRCode.toBuffer('Green Valley', { type: 'png', scale: 4 });
    const refused = await desk.call('settings.setLogo', { imageBase64: Buffer.from('%PDF-1.7 not an image').toString('base64') });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'invalid_input', field: 'imageBase64' });
    expect(await desk.ok('settings.setLogo', { imageBase64: png.toString('base64') })).toEqual({ hasLogo: true });
    const s = await admit(desk, school);
    const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 100_00, method: { mode: 'cash' } });
    const pdf = save('logo.pdf', (await desk.ok('receipts.print', { paymentId: r.paymentId, layout: 'a5', target: 'pdf' })).base64);
    const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(images.filter((line) => line.trim().split(/\s+/)[2] === 'image')).toHaveLength(1);
    expect(await desk.ok('settings.setLogo', { imageBase64: null })).toEqual({ hasLogo: false });
  });
});

describe('what a receipt says', () => {
  it('a family’s receipt: each child’s lines and subtotal, the balance with late fines to date; the day book lists every child; once cancelled, no balance', async () => {
    desk.clock.current = new Date('2026-05-01T05:00:00Z');
    await desk.ok('settings.update', { finesFirst: false });
    const diya = await admit(desk, school, { fullName: 'Diya Nair' });
    const arjun = await admit(desk, school, { fullName: 'Arjun Nair' });
    await desk.ok('families.create', { name: 'Nair', studentIds: [diya.id, arjun.id] });
    const before = await desk.ok('payments.openDues', { studentIds: [diya.id, arjun.id] });
    // Quarter 1 (due 10 April, 10 days' grace) is late for both: its fines have been running since 21 April.
    expect(before.totals.fines).toBeGreaterThan(0);
    const r = await desk.ok('payments.record', { studentIds: [diya.id, arjun.id], amount: 6_000_00, method: { mode: 'cash' } });
    const after = await desk.ok('payments.openDues', { studentIds: [diya.id, arjun.id] });
    // The balance printed is what is owed now, fines to date included (a fine levied as a due or still running).
    expect(r.balanceAfter).toBe(after.totals.outstanding + after.totals.fines);
    expect(r.balanceAfter).toBe(before.totals.outstanding + before.totals.fines - 6_000_00);
    const finesPaid = r.lines.filter((l) => l.kind === 'fine').reduce((a, l) => a + l.amount, 0);
    expect(r.finesInBalance).toBe(before.totals.fines - finesPaid);
    expect(r.finesInBalance).toBeGreaterThan(0);
    const words = text(
      save('family.pdf', (await desk.ok('receipts.print', { paymentId: r.paymentId, layout: 'a5', target: 'pdf' })).base64),
    ).replace(/\s+/g, ' ');
    const money = (minor: number) => `₹${(minor / 100).toLocaleString('en-IN', { minimumFractionDigits: 2 })}`;
    const forChild = (id: string) => r.lines.filter((l) => l.studentId === id).reduce((a, l) => a + l.amount, 0);
    expect(forChild(diya.id) + forChild(arjun.id)).toBe(6_000_00);
    for (const [child, name] of [
      [diya, 'Diya Nair'],
      [arjun, 'Arjun Nair'],
    ] as const)
      if (forChild(child.id) > 0) expect(words).toContain(`For ${name} ${money(forChild(child.id))}`);
    expect(words).toContain(
      'Received with thanks from Guardian the sum of Rupees Six Thousand Only for Diya Nair (Class 5-A) and Arjun Nair (Class 5-A).',
    );
    expect(words).toContain(
      `Balance after this payment ${money(r.balanceAfter)} including late fines to date: ${money(r.finesInBalance!)}`,
    );

    const book = await desk.ok('reports.run', { report: 'daybook', date: '2026-05-01' });
    const row = book.rows.find((x) => x['receiptNo'] === r.receiptNo)!;
    expect(row['student']).toBe('Diya Nair, Arjun Nair');
    expect(row['admissionNo']).toBe(`${diya.admissionNo}, ${arjun.admissionNo}`);

    await desk.ok('payments.cancel', { paymentId: r.paymentId, reason: 'Wrong family', approver: ACCOUNTANT });
    const cancelled = text(
      save('family-cancelled.pdf', (await desk.ok('receipts.print', { paymentId: r.paymentId, layout: 'a5', target: 'pdf' })).base64),
    ).replace(/\s+/g, ' ');
    expect(cancelled).not.toContain('Balance after this payment');
    expect(cancelled).toContain('This receipt was cancelled: its amount no longer counts towards the fees.');
  });

  it('takes a GSTIN only with its check character right, and the school’s details only as an admin writes them', async () => {
    const wrong = await desk.call('settings.update', { schoolTaxId: '27AAPFU0939F1ZA' });
    expect(wrong.ok ? null : wrong.error).toMatchObject({
      code: 'invalid_input',
      field: 'schoolTaxId',
      message: 'schoolTaxId has a wrong last (check) character: a character was mistyped',
    });
    const short = await desk.call('settings.update', { schoolTaxId: '27AAPFU0939' });
    expect(short.ok ? null : short.error).toMatchObject({
      field: 'schoolTaxId',
      message: 'schoolTaxId must be a GSTIN of 15 characters (this has 11)',
    });
    const phone = await desk.call('settings.update', { schoolPhone: 'call the office' });
    expect(phone.ok ? null : phone.error).toMatchObject({ field: 'schoolPhone' });
    expect((await desk.ok('settings.get')).schoolTaxId).toBe('27AAPFU0939F1ZV');
  });
});

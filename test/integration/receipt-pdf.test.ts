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
  for (const layout of RECEIPT_LAYOUTS) {
    it(`${layout}: the QR decodes to a URL that verifies, and the text has the receipt no., amount in words and balance`, async () => {
      const s = await admit(desk, school, { fullName: 'Kiran Rao' });
      const r = await desk.ok('payments.record', { studentIds: [s.id], amount: 5_250_50, method: { mode: 'upi', utr: 'UTR1234567890' } });
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
    });
  }
});

describe('scripts and fonts', () => {
  it('embeds Unicode fonts so ₹ and Devanagari and Tamil names print', async () => {
    const hindi = await admit(desk, school, { fullName: 'आरव शर्मा' });
    const tamil = await admit(desk, school, { fullName: 'கவின் குமார்' });
    for (const [student, name] of [[hindi, 'आरव शर्मा'], [tamil, 'கவின் குமார்']] as const) {
      const r = await desk.ok('payments.record', { studentIds: [student.id], amount: 1_000_00, method: { mode: 'cash' } });
      const pdf = save(`script-${student.admissionNo}.pdf`, (await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'pdf' })).base64);
      const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
      expect(fonts).toMatch(/NotoSans-Regular/);
      expect(fonts).toMatch(name === 'आरव शर्मा' ? /NotoSansDevanagari/ : /NotoSansTamil/);
      expect(fonts).not.toMatch(/Helvetica/);
      expect(fonts.split('\n').slice(2).filter(Boolean).every((line) => /\byes\s+yes\s+yes\b/.test(line))).toBe(true); // embedded, subset, unicode map
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
    expect(await desk.ok('printing.choose', { printerName: 'Save to folder' })).toMatchObject({ chosen: 'Save to folder', printers: [{ name: 'Save to folder' }] });
    const first = await desk.ok('receipts.print', { paymentId: r.paymentId, target: 'printer' });
    expect(first.copyNo).toBe(1);
    const spooled = readdirSync(join(desk.dir, 'prints'));
    expect(spooled.at(-1)).toMatch(/receipt-2026-27-D01-\d{6}\.pdf$/);
    expect(readFileSync(join(desk.dir, 'prints', spooled.at(-1)!)).subarray(0, 5).toString()).toBe('%PDF-');
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

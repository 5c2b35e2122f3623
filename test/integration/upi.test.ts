// UPI (issue 19): the school's payee in Settings (off by default); a UPI QR on every slip that asks for money, read back
// from the printed PDF by zbarimg, with a reference recorded per slip (student, amount, dues covered, day) that syncs
// like any change; and a UPI QR at the counter whose reference the payment names, once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { openSideStore, openTestDesk, schoolInput, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool, type SmallSchool } from '../support/school';

const ARTIFACTS = join(import.meta.dirname, '../../test-results/upi');
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

const refusal = (r: Result<unknown>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

/** The QR codes on each page of a printed PDF, as zbarimg reads them from a 150 dpi rendering. */
function codesOnPages(base64: string, name: string): string[] {
  const pdf = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(pdf, Buffer.from(base64, 'base64'));
  execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(ARTIFACTS, name)]);
  const pages = execFileSync('sh', ['-c', `ls ${join(ARTIFACTS, name)}-*.png`], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return pages.flatMap((page) =>
    execFileSync('zbarimg', ['--quiet', '--raw', page], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .filter(Boolean),
  );
}

const upiLinks = (codes: string[]) => codes.filter((c) => c.startsWith('upi://')).map((c) => Object.fromEntries(new URL(c).searchParams));

describe("the school's UPI payee", () => {
  it('is off by default: slips carry only the counter QR and no reference is issued', async () => {
    expect(await desk.ok('settings.get')).toMatchObject({ upiId: '', upiPayeeName: '', upiMerchantCode: '' });
    const s = await admit(desk, school, { fullName: 'Off Default' });
    const printed = await desk.ok('slips.print', { studentIds: [s.id], perPage: 1, target: 'pdf' });
    const codes = codesOnPages(printed.base64, 'upi-off');
    expect(codes).toEqual([`FDS1-${s.id}`]);
    const side = await openSideStore(desk);
    expect(await side.db.selectFrom('upi_reference').selectAll().execute()).toEqual([]);
    await side.close();
  });

  it('needs the payee name with a UPI ID, and refuses what UPI apps would, changing nothing', async () => {
    const before = await desk.ok('settings.get');
    expect(refusal(await desk.call('settings.update', { upiId: 'fees.gvs@sbi' }))).toMatchObject({
      code: 'invalid_input',
      field: 'upiPayeeName',
      message: expect.stringMatching(/required with a UPI ID/),
    });
    expect(refusal(await desk.call('settings.update', { upiId: 'fees.gvs.sbi', upiPayeeName: 'Green Valley School' }))).toMatchObject({
      field: 'upiId',
      message: expect.stringMatching(/has no @/),
    });
    expect(refusal(await desk.call('settings.update', { upiId: 'fees.gvs@sbi', upiPayeeName: 'Green Valley <School>' }))).toMatchObject({
      field: 'upiPayeeName',
    });
    expect(await desk.ok('settings.get')).toEqual(before);
  });

  it('is refused for a school that keeps its books in another currency: UPI moves rupees only', async () => {
    const other = await openTestDesk();
    try {
      await other.ok('setup.initialize', schoolInput({ currency: 'AED', locale: 'en-AE' }));
      expect(refusal(await other.call('settings.update', { upiId: 'fees@adcb', upiPayeeName: 'Gulf School' }))).toMatchObject({
        field: 'upiId',
        message: expect.stringMatching(/Indian rupees only.*AED/),
      });
    } finally {
      await other.close();
    }
  });
});

describe('UPI QR codes on fee slips', () => {
  it('puts a UPI QR for what each slip asks beside the counter QR, with a reference recorded for that slip', async () => {
    await desk.ok('settings.update', { upiId: 'fees.gvs@sbi', upiPayeeName: 'Green Valley School', upiMerchantCode: '8211' });
    const asha = await admit(desk, school, { fullName: 'Asha Menon' });
    const ravi = await admit(desk, school, { fullName: 'Ravi Kumar' });
    const printed = await desk.ok('slips.print', { studentIds: [asha.id, ravi.id], perPage: 2, target: 'pdf' });
    const codes = codesOnPages(printed.base64, 'upi-two');
    expect(codes.filter((c) => c.startsWith('FDS1-')).sort()).toEqual([`FDS1-${asha.id}`, `FDS1-${ravi.id}`].sort());
    const links = upiLinks(codes);
    expect(links).toHaveLength(2);
    // On 10 May the first quarter (₹4,500) and its fine to date (₹200) have fallen due.
    for (const link of links) {
      expect(link).toEqual({
        pa: 'fees.gvs@sbi',
        pn: 'Green Valley School',
        mc: '8211',
        tr: expect.stringMatching(/^FDD01\d{6}$/),
        tn: expect.stringMatching(/^\S+ FDD01\d{6}$/),
        am: '4700.00',
        cu: 'INR',
      });
      expect(link['tn']!.endsWith(link['tr']!)).toBe(true);
    }
    expect(new Set(links.map((l) => l['tr'])).size).toBe(2);
    // In reading order, the label under the UPI QR says who is paid how much, and the reference.
    const text = execFileSync('pdftotext', [join(ARTIFACTS, 'upi-two.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Scan with any UPI app to pay ₹4,700.00 to Green Valley School Ref ${links[0]!['tr']}`);
    expect(text).toContain('or pay by UPI with the code beside it');

    const side = await openSideStore(desk);
    try {
      const refs = await side.db.selectFrom('upi_reference').selectAll().orderBy('seq').execute();
      expect(refs.map((r) => r.ref).sort()).toEqual(links.map((l) => l['tr']).sort());
      const ashaRef = refs.find((r) => r.student_id === asha.id)!;
      expect(ashaRef).toMatchObject({ amount: 4_700_00, issued_on: '2026-05-10', desk_code: 'D01' });
      expect((JSON.parse(ashaRef.covers_json) as string[]).length).toBeGreaterThan(0);
      const queued = await side.db.selectFrom('outbox').select(['name', 'args_json']).where('name', '=', 'upi.reference').execute();
      expect(queued.map((q) => (JSON.parse(q.args_json) as { ref: string }).ref).sort()).toEqual(refs.map((r) => r.ref).sort());
      const audit = await side.db.selectFrom('audit_log').select(['action', 'after_json']).where('action', '=', 'slips.issue').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.after_json).toContain(ashaRef.ref);
    } finally {
      await side.close();
    }
  });

  it('after a part payment asks only for what remains, under a new reference; a slip with nothing due has no UPI QR', async () => {
    const meena = await admit(desk, school, { fullName: 'Meena Iyer' });
    const first = upiLinks(
      codesOnPages((await desk.ok('slips.print', { studentIds: [meena.id], perPage: 1, target: 'pdf' })).base64, 'upi-before'),
    );
    await desk.ok('payments.record', { studentIds: [meena.id], amount: 2_000_00, method: { mode: 'cash' } });
    const after = upiLinks(
      codesOnPages((await desk.ok('slips.print', { studentIds: [meena.id], perPage: 1, target: 'pdf' })).base64, 'upi-after'),
    );
    expect(first[0]).toMatchObject({ am: '4700.00' });
    expect(after[0]).toMatchObject({ am: '2700.00' });
    expect(after[0]!['tr']).not.toBe(first[0]!['tr']);

    await desk.ok('payments.record', { studentIds: [meena.id], amount: 20_200_00 - 2_000_00, method: { mode: 'cash' } });
    const paid = codesOnPages((await desk.ok('slips.print', { studentIds: [meena.id], perPage: 1, target: 'pdf' })).base64, 'upi-paid');
    expect(paid).toEqual([`FDS1-${meena.id}`]);
  });
});

describe('UPI at the counter', () => {
  it('shows a QR for the amount being collected under a reference of its own, which the payment names once', async () => {
    const kiran = await admit(desk, school, { fullName: 'Kiran Das' });
    const other = await admit(desk, school, { fullName: 'Other Child' });
    const shown = await desk.ok('payments.upiRequest', { studentIds: [kiran.id], amount: 3_000_00 });
    expect(shown).toMatchObject({ reference: expect.stringMatching(/^FDD01\d{6}$/), payeeName: 'Green Valley School', amount: 3_000_00 });
    expect(shown.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(Object.fromEntries(new URL(shown.link).searchParams)).toEqual({
      pa: 'fees.gvs@sbi',
      pn: 'Green Valley School',
      mc: '8211',
      tr: shown.reference,
      tn: `${kiran.admissionNo} ${shown.reference}`,
      am: '3000.00',
      cu: 'INR',
    });

    const receipt = await desk.ok('payments.record', {
      studentIds: [kiran.id],
      amount: 3_000_00,
      method: { mode: 'upi', upiRef: shown.reference },
    });
    expect(receipt.reference).toEqual({ upiRef: shown.reference });
    const again = await desk.call('payments.record', {
      studentIds: [kiran.id],
      amount: 1_000_00,
      method: { mode: 'upi', upiRef: shown.reference },
    });
    expect(refusal(again)).toMatchObject({
      code: 'conflict',
      field: 'method.upiRef',
      message: `method.upiRef was paid already, by receipt ${receipt.receiptNo}`,
    });
    const elsewhere = await desk.call('payments.record', {
      studentIds: [other.id],
      amount: 1_000_00,
      method: { mode: 'upi', upiRef: shown.reference },
    });
    expect(refusal(elsewhere)).toMatchObject({
      code: 'invalid_input',
      field: 'method.upiRef',
      message: expect.stringMatching(/issued for another student/),
    });
    const unknown = await desk.call('payments.record', {
      studentIds: [kiran.id],
      amount: 1_000_00,
      method: { mode: 'upi', upiRef: 'FDD01999999' },
    });
    expect(refusal(unknown)).toMatchObject({ field: 'method.upiRef', message: 'method.upiRef is not a UPI reference this school issued' });
    expect((await desk.ok('payments.list', { studentId: kiran.id })).length).toBe(1);

    // Cancelled (the wrong receipt), the reference is free for the payment that replaces it.
    await desk.ok('users.create', { username: 'meera', password: 'ledger-and-books-1', fullName: 'Meera Iyer', role: 'accountant' });
    await desk.ok('payments.cancel', {
      paymentId: receipt.paymentId,
      reason: 'wrong amount typed',
      approver: { username: 'meera', password: 'ledger-and-books-1' },
    });
    const replaced = await desk.ok('payments.record', {
      studentIds: [kiran.id],
      amount: 3_000_00,
      method: { mode: 'upi', upiRef: shown.reference },
    });
    expect(replaced.reference).toEqual({ upiRef: shown.reference });

    // The UTR, when the payer reads it out, travels with the reference.
    const second = await desk.ok('payments.upiRequest', { studentIds: [kiran.id], amount: 500_00 });
    const both = await desk.ok('payments.record', {
      studentIds: [kiran.id],
      amount: 500_00,
      method: { mode: 'upi', upiRef: second.reference, utr: '6123 4567 8901' },
    });
    expect(both.reference).toEqual({ utr: '612345678901', upiRef: second.reference });
  });

  it('records one payment when five windows save under the same UPI reference at once', async () => {
    const s = await admit(desk, school, { fullName: 'Race Child' });
    const shown = await desk.ok('payments.upiRequest', { studentIds: [s.id], amount: 1_000_00 });
    const tries = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        desk.call('payments.record', { studentIds: [s.id], amount: 1_000_00, method: { mode: 'upi', upiRef: shown.reference } }),
      ),
    );
    expect(tries.filter((r) => r.ok)).toHaveLength(1);
    for (const r of tries.filter((t) => !t.ok)) expect(refusal(r)).toMatchObject({ code: 'conflict', field: 'method.upiRef' });
    expect(await desk.ok('payments.list', { studentId: s.id })).toHaveLength(1);
  });

  it('is refused while the school has no UPI ID, saying where to set it', async () => {
    await desk.ok('settings.update', { upiId: '' });
    const s = await admit(desk, school, { fullName: 'No Upi' });
    expect(refusal(await desk.call('payments.upiRequest', { studentIds: [s.id], amount: 100_00 }))).toMatchObject({
      code: 'conflict',
      message: 'UPI payments are not set up: an admin sets the school’s UPI ID under Settings → UPI payments',
    });
    await desk.ok('settings.update', { upiId: 'fees.gvs@sbi' });
  });
});

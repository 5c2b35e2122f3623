// School-wide policies: defaults until an admin changes them.
import type { Policies } from '../../shared/contract/settings';
import QRCode from 'qrcode';
import { QR_FIXED_BYTES } from '../../node-shared/receipt-qr';
import { MAX_ADMISSION_NO } from '../../shared/contract/students';
import { taxIdProblem } from '../../shared/domain/tax-id';
import { AppError } from '../../shared/contract/errors';
import { DEFAULT_RECEIPT_FORMAT, formatReceiptNo } from '../../shared/domain/receipt-number';
import { UPI_CURRENCY } from '../../shared/domain/upi';
import type { Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import { enqueue } from './outbox';
import type { ServiceDeps } from './context';

const LOGO_KEY = 'schoolLogo';

export async function readLogo(db: Store | Tx): Promise<Buffer | null> {
  const row = await db.selectFrom('policy').select('value_json').where('key', '=', LOGO_KEY).executeTakeFirst();
  return row ? Buffer.from(JSON.parse(row.value_json) as string, 'base64') : null;
}

/** Stores (or clears) the school logo after checking it really is a PNG or JPEG. */
export async function setLogo(deps: ServiceDeps, actorId: string, imageBase64: string | null): Promise<{ hasLogo: boolean }> {
  if (imageBase64 !== null) {
    const bytes = Buffer.from(imageBase64, 'base64');
    const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    if (!png && !jpeg) throw new AppError('invalid_input', 'imageBase64 is not a PNG or JPEG image', 'imageBase64');
  }
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom('policy').where('key', '=', LOGO_KEY).execute();
      if (imageBase64 !== null)
        await tx
          .insertInto('policy')
          .values({ key: LOGO_KEY, value_json: JSON.stringify(imageBase64) })
          .execute();
      await recordAudit(tx, deps, {
        actorId,
        action: 'settings.setLogo',
        entity: 'policy',
        entityId: LOGO_KEY,
        after: { hasLogo: imageBase64 !== null, bytes: imageBase64 ? Math.round((imageBase64.length * 3) / 4) : 0 },
      });
      return { hasLogo: imageBase64 !== null };
    });
}

export const DEFAULT_POLICIES: Policies = {
  idleLockMinutes: 10,
  receiptFormat: DEFAULT_RECEIPT_FORMAT,
  finesFirst: true,
  bounceCharge: 500_00,
  verifyBaseUrl: 'https://verify.feedesk.invalid/v/',
  receiptLayout: 'a5',
  receiptFooter: '',
  cashDenominations: [],
  schoolAddress: '',
  schoolPhone: '',
  schoolRegistration: '',
  schoolTaxId: '',
  upiId: '',
  upiPayeeName: '',
  upiMerchantCode: '',
  bankAccounts: [],
};

export async function readPolicies(db: Store | Tx): Promise<Policies> {
  const rows = await db.selectFrom('policy').select(['key', 'value_json']).where('key', '!=', LOGO_KEY).execute();
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
  return { ...DEFAULT_POLICIES, ...stored } as Policies;
}

/** Refuses a verify link and receipt format whose longest receipt QR (the longest admission no.) would be denser than version 10 (M). */
function assertQrFits(p: Policies, deskCode: string): void {
  const receiptNo = formatReceiptNo(p.receiptFormat, { year: '2026-27', desk: deskCode, seq: 999_999 });
  const bytes = QR_FIXED_BYTES + 1 + Buffer.byteLength(receiptNo) + 1 + MAX_ADMISSION_NO + 64;
  // Lower-case filler: real payloads mix cases, so they are encoded byte by byte too.
  const url = p.verifyBaseUrl + 'x'.repeat(Math.ceil((bytes * 4) / 3));
  const { version } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  if (version > 10) {
    throw new AppError(
      'invalid_input',
      `verifyBaseUrl with this receipt number format makes receipt QR codes too dense to scan (version ${version}, over 10): use a shorter link`,
      'verifyBaseUrl',
    );
  }
}

/** A UPI ID needs the name UPI apps show for it, and a school that keeps its books in rupees. */
function assertUpiPayee(p: Policies, currency: string): void {
  if (p.upiId === '') return;
  if (currency !== UPI_CURRENCY) {
    throw new AppError(
      'invalid_input',
      `is not possible here: UPI takes payments in Indian rupees only, and this school keeps its books in ${currency}`,
      'upiId',
    );
  }
  if (p.upiPayeeName === '')
    throw new AppError(
      'invalid_input',
      'is required with a UPI ID: the name UPI apps show for it, as the bank registered it',
      'upiPayeeName',
    );
}

/** Stores policy values (also what a desk does with the settings another desk changed). */
export async function writePolicies(tx: Tx, changes: Partial<Policies>): Promise<void> {
  for (const [key, value] of Object.entries(changes)) {
    await tx
      .insertInto('policy')
      .values({ key, value_json: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(value) }))
      .execute();
  }
}

export async function updatePolicies(deps: ServiceDeps, actorId: string, changes: Partial<Policies>): Promise<Policies> {
  return deps
    .store()
    .transaction()
    .execute(async (tx) => {
      const before = await readPolicies(tx);
      const desk = await tx.selectFrom('desk').select('code').executeTakeFirst();
      assertQrFits({ ...before, ...changes }, desk?.code ?? 'DDDDDDDD');
      assertUpiPayee({ ...before, ...changes }, (await tx.selectFrom('school').select('currency').executeTakeFirstOrThrow()).currency);
      if (changes.schoolTaxId !== undefined) {
        const school = await tx.selectFrom('school').select('currency').executeTakeFirstOrThrow();
        const problem = taxIdProblem(changes.schoolTaxId, school.currency);
        if (problem) throw new AppError('invalid_input', `schoolTaxId ${problem}`, 'schoolTaxId');
      }
      await writePolicies(tx, changes);
      const after = await readPolicies(tx);
      await recordAudit(tx, deps, { actorId, action: 'settings.update', entity: 'policy', entityId: null, before, after });
      // School-wide: the other desks take the same policies when they sync (the latest change wins).
      await enqueue(tx, deps, 'settings.update', changes);
      return after;
    });
}

// Schemas shared by several areas of the contract.
import { z } from 'zod';
import { ROLES } from './channel';

export const noInput = z.undefined();

export const id = z.uuid({ error: 'must be an id (UUID)' });

export const username = z
  .string({ error: 'must be text' })
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may use only letters, digits, dot, dash and underscore');

export const fullName = z.string({ error: 'must be text' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters');

/** A password being typed to log in: any non-empty text. */
export const password = z.string({ error: 'must be text' }).min(1, 'is required').max(256, 'is too long');

/** A password being set: the policy's length rule (the rest is checked in main). */
export const newPassword = z
  .string({ error: 'must be text' })
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

export const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const isoDateTime = z.iso.datetime();

export const isoDate = z
  .string({ error: 'must be a date (YYYY-MM-DD)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    'is not a real calendar date',
  );

/**
 * The largest amount FeeDesk takes, in minor units: what a receipt's signed code can carry (40 bits), about
 * ₹1,099 crore — far above any fee, and refused as such rather than failing when the receipt is signed.
 */
export const MAX_AMOUNT = 2 ** 40 - 1;
const TOO_LARGE = `is larger than one amount can be (at most ${MAX_AMOUNT.toLocaleString('en-US')} minor units)`;

/** A positive amount in integer minor units (paise, cents). */
export const positiveAmount = z
  .number({ error: 'must be an amount in minor units (a whole number)' })
  .int('must be a whole number of minor units (paise, cents)')
  .positive('must be more than zero')
  .max(MAX_AMOUNT, TOO_LARGE);

export const nonNegativeAmount = z
  .number({ error: 'must be an amount in minor units (a whole number)' })
  .int('must be a whole number of minor units (paise, cents)')
  .min(0, 'must not be negative')
  .max(MAX_AMOUNT, TOO_LARGE);

/** The charge for a bounced cheque: the same bound wherever it is set (Settings, or at the bounce itself). */
export const bounceCharge = z
  .number({ error: 'must be an amount in minor units' })
  .int('must be whole minor units')
  .min(0, 'must not be negative')
  .max(100_000_00, 'must be at most 100,000 in the school’s currency (10,000,000 minor units)');

export const name = (max = 100) =>
  z.string({ error: 'must be text' }).trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const optionalText = (max = 200) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? null : v))
    .nullish()
    .transform((v) => v ?? null);

/** An approving supervisor's own credentials (supervisor override on the same desk). */
/** A code from an authenticator app (6 digits) or a recovery code (xxxx-xxxx). */
export const totpCode = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^(\d{6}|[a-z2-7]{4}-[a-z2-7]{4})$/i, 'must be the 6 digits your authenticator app shows, or a recovery code like abcd-2345');

/** A second person's credentials; the code too when they have two-step sign-in on. */
export const approver = z.strictObject({ username, password, code: totpCode.optional() });

/** A file to be written: true only once the user has confirmed replacing the one already there. */
export const replaceFile = z.boolean({ error: 'must be true or false' }).default(false);

/** A file path the user typed: absolute (Unix, Windows drive or UNC), so main never guesses a working folder. */
export const fullPath = (example: string) =>
  z
    .string({ error: 'must be a file path' })
    .trim()
    .min(1, 'is required')
    .max(1000, 'must be at most 1000 characters')
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), `must be a full path (such as ${example})`);

/** A background job as its screen polls it (an export, an import, a backup): its state and progress. */
export const jobProgress = {
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: z.number().int(),
  total: z.number().int(),
  error: z.string().nullable(),
};

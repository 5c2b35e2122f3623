// First-run setup: the school, this desk and the first admin.
import { z } from 'zod';
import { channel } from './channel';
import { fullName, newPassword, noInput, username } from './common';
import { sessionInfo } from './auth';

export const currency = z
  .string({ error: 'must be text' })
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as INR')
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'is not a known ISO 4217 currency');

export const locale = z
  .string({ error: 'must be text' })
  .min(2, 'must be a locale such as en-IN')
  .max(35, 'must be a locale such as en-IN')
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'is not a valid locale tag (for example en-IN)');

export const deskCode = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^[A-Z][A-Z0-9]{1,7}$/, 'must be 2–8 capital letters or digits starting with a letter, such as D01');

export const school = z.object({ name: z.string(), currency: z.string(), locale: z.string() });
export type School = z.infer<typeof school>;

export const setupChannels = {
  'setup.status': channel({
    input: noInput,
    output: z.object({ initialized: z.boolean(), school: school.nullable(), deskCode: z.string().nullable() }),
    access: 'public',
    whileLocked: true,
  }),
  'setup.initialize': channel({
    input: z.strictObject({
      schoolName: z.string({ error: 'must be text' }).trim().min(2, 'must be at least 2 characters').max(120),
      currency,
      locale,
      deskCode,
      admin: z.strictObject({ username, fullName, password: newPassword }),
    }),
    output: sessionInfo,
    access: 'public',
  }),
};

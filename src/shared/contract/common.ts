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

export const fullName = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters');

/** A password being typed to log in: any non-empty text. */
export const password = z.string({ error: 'must be text' }).min(1, 'is required').max(256, 'is too long');

/** A password being set: the policy's length rule (the rest is checked in main). */
export const newPassword = z
  .string({ error: 'must be text' })
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

export const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const isoDateTime = z.iso.datetime();

// Encrypted backups of the desk's store: where and how often, back up now, check a backup, restore one.
import { z } from 'zod';
import { channel } from './channel';
import { reauth } from './auth';
import { fullPath, jobProgress, noInput } from './common';

/** A backup passphrase: like the store's, long enough to stand up to guessing offline. */
export const backupPassphrase = z.string({ error: 'must be text' }).min(12, 'must be at least 12 characters').max(1024, 'is too long');

const backupFolder = fullPath('/media/usb/FeeDesk backups');

export const backupJob = z.object({
  ...jobProgress,
  reason: z.enum(['manual', 'scheduled']),
  /** The backup's folder once written. */
  path: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type BackupJob = z.infer<typeof backupJob>;

export const backupEntry = z.object({
  path: z.string(),
  createdAt: z.string(),
  reason: z.enum(['manual', 'scheduled']),
  deskCode: z.string(),
  bytes: z.number().int(),
  students: z.number().int(),
  payments: z.number().int(),
});
export type BackupEntry = z.infer<typeof backupEntry>;

export const backupStatus = z.object({
  /** A folder and a passphrase have been set. */
  configured: z.boolean(),
  folder: z.string().nullable(),
  keep: z.number().int(),
  /** Daily backup time (the desk's local HH:MM), null when only by hand. */
  dailyAt: z.string().nullable(),
  last: z
    .object({
      at: z.string(),
      reason: z.enum(['manual', 'scheduled']),
      ok: z.boolean(),
      path: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  nextDueAt: z.string().nullable(),
  /** A backup being written now. */
  running: backupJob.nullable(),
  /** This desk's backups in the folder, newest first. */
  backups: z.array(backupEntry),
});
export type BackupStatus = z.infer<typeof backupStatus>;

export const backupCheck = z.object({
  createdAt: z.string(),
  deskCode: z.string(),
  school: z.string(),
  schema: z.string(),
  students: z.number().int(),
  payments: z.number().int(),
  auditRows: z.number().int(),
  checkpoints: z.number().int(),
  integrity: z.literal('ok'),
  /**
   * Audit rows of this desk the sync server confirmed holding beyond this backup (0: none, or not synced): work done
   * after the backup that a restore would leave only on the server.
   */
  syncedSince: z.number().int(),
});
export type BackupCheck = z.infer<typeof backupCheck>;

const backupPath = fullPath('/media/usb/FeeDesk backups/FeeDesk D01 2026-11-30 1800');
const jobId = z.strictObject({ jobId: z.string().max(64) });
const ADMIN = ['admin'] as const;

export const backupChannels = {
  'backup.status': channel({ input: noInput, output: backupStatus, access: ADMIN }),
  /** Sets the folder, how many to keep and the daily time; the passphrase is required the first time, and changes it after. */
  'backup.configure': channel({
    input: z.strictObject({
      folder: backupFolder,
      keep: z
        .number({ error: 'must be a number' })
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(365, 'must be at most 365'),
      dailyAt: z
        .string({ error: 'must be a time' })
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)')
        .nullable(),
      passphrase: backupPassphrase.optional(),
    }),
    output: backupStatus,
    access: ADMIN,
  }),
  'backup.create': channel({ input: noInput, output: backupJob, access: ADMIN }),
  'backup.job': channel({ input: jobId, output: backupJob, access: ADMIN, passive: true }),
  'backup.cancel': channel({ input: jobId, output: backupJob, access: ADMIN }),
  /** Opens a backup with its passphrase and checks it whole: checksum, SQLite integrity, audit chain. */
  'backup.check': channel({
    input: z.strictObject({ path: backupPath, passphrase: z.string({ error: 'must be text' }).min(1, 'is required').max(1024) }),
    output: backupCheck,
    access: ADMIN,
  }),
  /**
   * Replaces this desk's store with a checked backup; the store it replaces is kept aside, never deleted.
   * Asks for the admin's own password and code again; everyone is logged out afterwards.
   */
  'backup.restore': channel({
    input: z.strictObject({
      path: backupPath,
      passphrase: z.string({ error: 'must be text' }).min(1, 'is required').max(1024),
      reauth,
      /** Required when the sync server holds this desk's work from after the backup (see backupCheck.syncedSince). */
      replaceSynced: z.literal(true, { error: 'must be true to confirm' }).optional(),
    }),
    output: z.object({ restoredFrom: z.string(), createdAt: z.string(), keptAside: z.string() }),
    access: ADMIN,
  }),
};

// The closed set of error codes that may cross IPC, and the error services throw.
export const ERROR_CODES = [
  'invalid_input',
  'unknown_channel',
  'unauthenticated',
  'forbidden',
  'screen_locked',
  'session_expired',
  'two_step_required',
  'invalid_credentials',
  'account_locked',
  'not_found',
  'conflict',
  'weak_password',
  'not_initialized',
  'already_initialized',
  'store_locked',
  'wrong_key',
  'store_too_new',
  /** The store's disk: full, read-only, or failing to read or write (db/damage.ts). */
  'disk_full',
  'store_read_only',
  'disk_error',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }

  toData(): ErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

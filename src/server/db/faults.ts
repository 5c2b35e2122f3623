// Which database failures mean "try again shortly" rather than a bug: PostgreSQL down or restarting, the network to
// it cut, every pooled connection busy, a statement or lock wait cut off by its timeout.

/** How long a desk is told to wait before it tries again after a 503 (the Retry-After header, in seconds). */
export const RETRY_AFTER_SECONDS = 5;

export type DatabaseFault = 'unreachable' | 'busy' | 'timeout';

// Connection exceptions (08), operator intervention (57P01-57P03: shutdown, crash, starting up), and the socket errors
// Node reports when nothing listens or the connection drops.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
// query_canceled (statement_timeout), lock_not_available (lock_timeout), idle_in_transaction_session_timeout.
const TIMEOUT_CODES = new Set(['57014', '55P03', '25P03']);

export function databaseFault(err: unknown): DatabaseFault | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timeout';
  // pg-pool's acquire timeout and pg's dropped-connection errors carry no code, only these messages.
  if (/timeout exceeded when trying to connect/i.test(err.message)) return 'busy';
  if (/Connection terminated|Client has encountered a connection error|Connection ended unexpectedly/i.test(err.message))
    return 'unreachable';
  if (err instanceof AggregateError) return err.errors.map(databaseFault).find((f) => f !== null) ?? null;
  return null;
}

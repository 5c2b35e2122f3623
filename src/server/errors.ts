// Errors the server answers with: an HTTP status, a code from the protocol's closed set, and a message a person can act on.
import type { SyncErrorCode } from '../shared/sync/protocol';

export class SyncError extends Error {
  constructor(
    readonly status: number,
    readonly code: SyncErrorCode,
    message: string,
    /** Facts the desk needs to recover, sent beside the error (a gap names the server's last mutation id). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

// HTTP to the sync server. Every answer is validated; a failure is either temporary (retry later) or needs a person.
import type { z } from 'zod';
import { errorBodySchema } from '../../shared/sync/protocol';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export class SyncFailure extends Error {
  constructor(
    message: string,
    /** Worth retrying with backoff (network down, 5xx, 429). */
    readonly temporary: boolean,
    readonly code: string,
    readonly status: number | null,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A server's answer, read but not yet understood: its status and body. */
export interface RawAnswer {
  status: number;
  text: string;
}

/** Sends one request and reads the answer's body; a server out of reach is a temporary SyncFailure. */
export async function requestServer(
  fetchImpl: FetchLike,
  url: string,
  token: string | null,
  body: unknown,
  timeoutMs = 30_000,
): Promise<RawAnswer> {
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    throw new SyncFailure(`cannot reach the sync server (${err instanceof Error ? err.message : String(err)})`, true, 'offline', null);
  }
}

/**
 * What an answer means: its body in `schema`'s shape, or the SyncFailure it reports. Pure, so a worker thread can read
 * a pulled page as the main thread would.
 */
export function readAnswer<T>({ status, text }: RawAnswer, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncFailure(`the sync server answered ${status} with something that is not JSON`, true, 'bad_answer', status);
  }
  if (status === 200 || status === 201) {
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new SyncFailure(
        'the sync server answered in a shape this desk does not understand: update FeeDesk or the server',
        true,
        'bad_answer',
        status,
      );
    return parsed.data;
  }
  const error = errorBodySchema.safeParse(json);
  const code = error.success ? error.data.error.code : 'http_error';
  const message = error.success ? error.data.error.message : `the sync server answered ${status}`;
  // 408: the server cut a request off that took too long (a slow link); 429: it asked to slow down. Both pass.
  const temporary = status >= 500 || status === 429 || status === 408;
  throw new SyncFailure(
    message,
    temporary,
    code,
    status,
    error.success && error.data.lastMutationId !== undefined ? { lastMutationId: error.data.lastMutationId } : {},
  );
}

/** A SyncFailure as plain data, to cross from a worker thread, and back. */
export type SyncFailureData = Pick<SyncFailure, 'message' | 'temporary' | 'code' | 'status' | 'extra'>;
export const failureData = (f: SyncFailure): SyncFailureData => ({
  message: f.message,
  temporary: f.temporary,
  code: f.code,
  status: f.status,
  extra: f.extra,
});
export const fromFailureData = (d: SyncFailureData) => new SyncFailure(d.message, d.temporary, d.code, d.status, d.extra);

export async function callServer<T>(
  fetchImpl: FetchLike,
  url: string,
  token: string | null,
  body: unknown,
  schema: z.ZodType<T>,
  timeoutMs = 30_000,
): Promise<T> {
  return readAnswer(await requestServer(fetchImpl, url, token, body, timeoutMs), schema);
}

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

export async function callServer<T>(
  fetchImpl: FetchLike,
  url: string,
  token: string | null,
  body: unknown,
  schema: z.ZodType<T>,
  timeoutMs = 30_000,
): Promise<T> {
  let response: { status: number; text(): Promise<string> };
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    throw new SyncFailure(`cannot reach the sync server (${err instanceof Error ? err.message : String(err)})`, true, 'offline', null);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncFailure(
      `the sync server answered ${response.status} with something that is not JSON`,
      true,
      'bad_answer',
      response.status,
    );
  }
  if (response.status === 200 || response.status === 201) {
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new SyncFailure(
        'the sync server answered in a shape this desk does not understand: update FeeDesk or the server',
        true,
        'bad_answer',
        response.status,
      );
    return parsed.data;
  }
  const error = errorBodySchema.safeParse(json);
  const code = error.success ? error.data.error.code : 'http_error';
  const message = error.success ? error.data.error.message : `the sync server answered ${response.status}`;
  // 408: the server cut a request off that took too long (a slow link); 429: it asked to slow down. Both pass.
  const temporary = response.status >= 500 || response.status === 429 || response.status === 408;
  throw new SyncFailure(
    message,
    temporary,
    code,
    response.status,
    error.success && error.data.lastMutationId !== undefined ? { lastMutationId: error.data.lastMutationId } : {},
  );
}

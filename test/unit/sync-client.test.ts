// How the desk reads the sync server's refusals (src/main/sync/client.ts): a refusal that says "try again" is retried
// with backoff; one that needs a person stops the loop at its longest delay. The network is the edge: a fake fetch
// answers exactly as the server's error handler does.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callServer, type FetchLike, SyncFailure } from '../../src/main/sync/client';

const answering =
  (status: number, code: string, message: string): FetchLike =>
  async () => ({ status, text: async () => JSON.stringify({ error: { code, message } }) });

async function failureOf(fetch: FetchLike): Promise<SyncFailure> {
  const err = await callServer(fetch, 'http://127.0.0.1:1/v1/push', 'token', {}, z.object({})).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SyncFailure);
  return err as SyncFailure;
}

describe('the sync server’s refusals', () => {
  it('a request cut off as too slow (408) is tried again later, like a rate limit (429) and a server fault', async () => {
    // Before: 408 counted as needing a person, so a desk on a slow link stopped syncing for the longest delay.
    const slow = await failureOf(
      answering(408, 'timeout', 'the request did not arrive within 60 seconds: check the connection and try again'),
    );
    expect(slow).toMatchObject({ temporary: true, code: 'timeout', status: 408 });
    expect((await failureOf(answering(429, 'rate_limited', 'too many requests: try again in 12 seconds'))).temporary).toBe(true);
    expect((await failureOf(answering(503, 'unavailable', 'try again'))).temporary).toBe(true);
  });

  it('a refusal that needs a person is not retried as if it would pass', async () => {
    expect(
      (await failureOf(answering(401, 'unauthorized', 'this desk was revoked by the school’s administrator: enroll it again'))).temporary,
    ).toBe(false);
    expect((await failureOf(answering(400, 'invalid_request', 'mutations: too many'))).temporary).toBe(false);
  });
});

// What keeps the sync server up for the desks when someone without a token tries to hold it down: timeouts on slow
// requests, a cap on connections, the desk token checked before a body is read, and request rates limited per
// client address, per desk, and more tightly on enrollment codes and the public receipt check.
import { type ServerOptions, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions, onRequestAsyncHookHandler } from 'fastify';
import type { ServerStore } from './db/schema';
import { authenticate } from './enrollment';
import { SyncError } from './errors';
import type { DeskIdentity } from './batch-state';

export interface ServerLimits {
  /** The whole request, headers and body, must arrive within this; a slower one is cut off with 408. */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** A connection with no traffic at all is closed after this. */
  idleTimeoutMs: number;
  /** A kept-alive connection waits this long for the desk's next request. */
  keepAliveTimeoutMs: number;
  /** Open connections beyond this are refused as they arrive. */
  maxConnections: number;
  /** Open connections from one client address beyond this are refused (0: no cap; off behind a trusted proxy). */
  connectionsPerAddress: number;
  /** The window every rate below is counted over. */
  rateWindowMs: number;
  /** Requests per window from one client address to the routes without a desk token (health, metrics, admin). */
  perAddress: number;
  /** Requests per window from one desk (its token): push, pull and the audit routes. */
  perDesk: number;
  /** Refused desk tokens per window from one client address, before every token request from it is refused. */
  badTokensPerAddress: number;
  /** Enrollment requests per window from one client address. */
  enrollPerAddress: number;
  /** Wrong enrollment codes per window from one client address, before every enrollment from it is refused. */
  badCodesPerAddress: number;
  /** Receipt checks per window from one client address. */
  verifyPerAddress: number;
}

/**
 * Generous for a school's desks (a desk syncs every few seconds; catching up after a day offline is a few hundred
 * batches), tight for guessing: an enrollment code is 60 random bits, but nobody should get to try many.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  // A desk gives up on an exchange after 30 seconds (callServer): a body still arriving after 60 is nobody's.
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 512,
  connectionsPerAddress: 64,
  rateWindowMs: 60_000,
  perAddress: 300,
  perDesk: 1200,
  badTokensPerAddress: 30,
  enrollPerAddress: 30,
  badCodesPerAddress: 10,
  verifyPerAddress: 60,
};

/** Small bodies only where nothing bigger is ever sent: an enrollment, an admin order. */
export const SMALL_BODY_BYTES = 4 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The desk whose token came with the request (set before the body is read on the desk routes). */
    desk: DeskIdentity | null;
  }
}

/** Fastify's server options for these limits (Node checks the request timeouts every connectionsCheckingInterval). */
export function serverOptions(limits: ServerLimits): Pick<
  FastifyServerOptions,
  'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'clientErrorHandler'
> & {
  http: ServerOptions;
} {
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4))),
    },
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => answerBrokenRequest(err, socket, limits),
  };
}

/** A request Node gave up on before Fastify could answer it (too slow, malformed): answered in the protocol's words. */
function answerBrokenRequest(err: Error & { code?: string }, socket: Socket, limits: ServerLimits) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [
          408,
          'timeout',
          `the request did not arrive within ${Math.round(limits.requestTimeoutMs / 1000)} seconds: check the connection and try again`,
        ]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'too_large', 'the request headers are too large']
        : [400, 'invalid_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  // Never after an answer has started on this connection: that would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** One address cannot take every connection the server has (slow headers on hundreds of sockets). */
function capPerAddress(app: FastifyInstance, cap: number) {
  const open = new Map<string, number>();
  app.server.on('connection', (socket: Socket) => {
    const from = socket.remoteAddress ?? '';
    const count = (open.get(from) ?? 0) + 1;
    if (count > cap) {
      app.log.warn({ from, cap }, 'connection refused: too many open from one address');
      socket.destroy();
      return;
    }
    open.set(from, count);
    socket.once('close', () => {
      const left = (open.get(from) ?? 1) - 1;
      if (left > 0) open.set(from, left);
      else open.delete(from);
    });
  });
}

export interface Guards {
  /** onRequest hooks for the desk routes: the token checked, then the desk's rate, all before the body is read. */
  desk: onRequestAsyncHookHandler[];
  enroll: onRequestAsyncHookHandler[];
  /** Counts a wrong enrollment code against the address that sent it. */
  badCode(request: FastifyRequest): Promise<void>;
  verify: onRequestAsyncHookHandler[];
  open: onRequestAsyncHookHandler[];
}

export async function installGuards(app: FastifyInstance, db: ServerStore, limits: ServerLimits): Promise<Guards> {
  app.server.maxConnections = limits.maxConnections;
  app.server.on('drop', (data?: { remoteAddress?: string }) =>
    app.log.warn({ from: data?.remoteAddress, cap: limits.maxConnections }, 'connection refused: too many open'),
  );
  if (limits.connectionsPerAddress > 0) capPerAddress(app, limits.connectionsPerAddress);
  app.decorateRequest('desk', null);
  await app.register(rateLimit, { global: false, timeWindow: limits.rateWindowMs });

  const counter = (name: string, max: number, key: (request: FastifyRequest) => string) =>
    app.createRateLimit({ max, timeWindow: limits.rateWindowMs, keyGenerator: (request) => `${name}:${key(request)}` });
  const byAddress = (request: FastifyRequest) => request.ip;
  const refuse = (reply: FastifyReply, seconds: number, what: string) => {
    reply.header('retry-after', String(seconds));
    return new SyncError(429, 'rate_limited', `${what}: try again in ${seconds} second${seconds === 1 ? '' : 's'}`);
  };
  /** A hook counting every request against `max` per window. */
  const limit = (name: string, max: number, what: string, key = byAddress): onRequestAsyncHookHandler => {
    const count = counter(name, max, key);
    return async (request, reply) => {
      const state = await count(request);
      if (!state.isAllowed && state.isExceeded) throw refuse(reply, state.ttlInSeconds, what);
    };
  };
  /** Failures (bad tokens, wrong codes) counted when they happen, checked before the next attempt does any work. */
  const failures = (name: string, max: number, what: string) => {
    const count = counter(name, max, byAddress);
    return {
      async check(request: FastifyRequest, reply: FastifyReply) {
        const state = await count(request, { increment: false });
        if (!state.isAllowed && state.remaining === 0) throw refuse(reply, state.ttlInSeconds, what);
      },
      async add(request: FastifyRequest) {
        await count(request);
      },
    };
  };

  const badTokens = failures('bad-token', limits.badTokensPerAddress, 'too many requests with a desk token that is not valid');
  const badCodes = failures('bad-code', limits.badCodesPerAddress, 'too many wrong enrollment codes from this address');
  // A valid token always passes (so someone sending bad ones from a school's shared address cannot lock its desks
  // out); bad ones are answered 401 until the address has sent too many, then 429.
  const checkToken: onRequestAsyncHookHandler = async (request, reply) => {
    try {
      request.desk = await authenticate(db, request.headers.authorization);
    } catch (err) {
      if (err instanceof SyncError && err.status === 401) {
        await badTokens.check(request, reply);
        await badTokens.add(request);
      }
      throw err;
    }
  };
  const checkCodes: onRequestAsyncHookHandler = async (request, reply) => badCodes.check(request, reply);
  return {
    desk: [checkToken, limit('desk', limits.perDesk, 'this desk is sending too many requests', (request) => request.desk!.deskId)],
    enroll: [limit('enroll', limits.enrollPerAddress, 'too many enrollment requests from this address'), checkCodes],
    badCode: (request) => badCodes.add(request),
    verify: [limit('verify', limits.verifyPerAddress, 'too many receipt checks from this address')],
    open: [limit('open', limits.perAddress, 'too many requests from this address')],
  };
}

/** The desk the guard authenticated; a route listed as a desk route always has one. */
export function deskOf(request: FastifyRequest): DeskIdentity {
  if (!request.desk) throw new SyncError(401, 'unauthorized', 'send the desk token as "Authorization: Bearer <token>"');
  return request.desk;
}

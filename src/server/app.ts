// The sync server's HTTP surface (Fastify). Every body is validated with the protocol's zod schemas; every refusal is
// a 4xx with a code and a message; 5xx means "try again later" and nothing was applied.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import { auditHeadRequestSchema, auditPushRequestSchema } from '../shared/sync/audit';
import { BODY_LIMIT_BYTES, enrollRequestSchema, pullRequestSchema, pushRequestSchema } from '../shared/sync/protocol';
import { auditHead, auditOverview, pushAudit } from './audit';
import type { ServerStore } from './db/schema';
import { createEnrollment, redeemEnrollment, revokeDesk } from './enrollment';
import { databaseFault, RETRY_AFTER_SECONDS } from './db/faults';
import { SyncError } from './errors';
import { DEFAULT_LIMITS, deskOf, installGuards, serverOptions, type ServerLimits, SMALL_BODY_BYTES } from './guards';
import { SyncMetrics } from './metrics';
import { pull, readEpoch } from './pull';
import { push } from './push';
import { verifyPageHtml, verifyReceipt } from './verify-page';

export interface SyncServerOptions {
  db: ServerStore;
  /** Operator secret for the admin routes; without one they are switched off. */
  adminToken?: string | undefined;
  logger?: FastifyServerOptions['logger'];
  /** Seconds a desk's payments may be ahead of its audit trail before /metrics flags it (default 15 minutes). */
  auditStaleSeconds?: number;
  /** Timeouts, the connection cap and request rates (DEFAULT_LIMITS for what is not given). */
  limits?: Partial<ServerLimits>;
  /** How long /ready waits for the database to answer before it says the server is not ready (default 2 seconds). */
  readyTimeoutMs?: number;
  /** Fastify's trustProxy (true, or the proxy's addresses) when a reverse proxy stands in front. */
  trustProxy?: string | boolean | undefined;
}

const enrollmentOrderSchema = z.object({
  schoolName: z.string().trim().min(1).max(200),
  branchName: z.string().trim().min(1).max(200).default('Main'),
  deskCode: enrollRequestSchema.shape.deskCode,
  validHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});

const revocationSchema = z.object({ schoolName: enrollmentOrderSchema.shape.schoolName, deskCode: enrollRequestSchema.shape.deskCode });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  throw new SyncError(400, 'invalid_request', `${where}${issue.message}`);
}

const FAULT_MESSAGES = {
  unreachable: `the sync server cannot reach its database just now; nothing was applied: try again in ${RETRY_AFTER_SECONDS} seconds`,
  busy: `the sync server is busy (every database connection is in use); nothing was applied: try again in ${RETRY_AFTER_SECONDS} seconds`,
  timeout: `the sync server's database took too long to answer; nothing was applied: try again in ${RETRY_AFTER_SECONDS} seconds`,
};

/** Fastify's own refusals (body parsing, limits) in the protocol's words. */
function translate(err: { statusCode?: number; code?: string; message: string }, bodyLimit: number): SyncError {
  if (err instanceof SyncError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return bodyLimit >= BODY_LIMIT_BYTES
      ? new SyncError(
          413,
          'too_large',
          `the request body is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MB: send fewer mutations per batch`,
        )
      : new SyncError(413, 'too_large', `the request body is larger than ${bodyLimit / 1024} KB, more than this request ever needs`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new SyncError(400, 'bad_json', 'the request body is not valid JSON');
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new SyncError(415, 'invalid_request', 'send the body as application/json');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new SyncError(err.statusCode, 'invalid_request', err.message);
  const fault = databaseFault(err);
  if (fault) return new SyncError(503, 'unavailable', FAULT_MESSAGES[fault]);
  return new SyncError(503, 'unavailable', 'the sync server hit a temporary fault; nothing was applied: try again');
}

const DEFAULT_READY_TIMEOUT_MS = 2_000;

/** Whether a trivial query comes back within `ms` (a stopped or unreachable database fails or never answers). */
async function databaseAnswers(db: ServerStore, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const query = db
    .selectFrom('server_meta')
    .select('key')
    .limit(1)
    .execute()
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function buildSyncServer(options: SyncServerOptions): Promise<{ app: FastifyInstance; metrics: SyncMetrics }> {
  const { db } = options;
  // Behind a proxy every connection comes from the proxy's address: the proxy has to cap per client instead.
  const limits = { ...DEFAULT_LIMITS, ...(options.trustProxy ? { connectionsPerAddress: 0 } : {}), ...options.limits };
  // A verify URL carries the whole signed receipt code in its path: longer than Fastify's default parameter.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { maxParamLength: 2000 },
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy === 'true' ? true : options.trustProxy }),
    ...serverOptions(limits),
  });
  const guards = await installGuards(app, db, limits);
  const metrics = new SyncMetrics(options.auditStaleSeconds);
  // Shutting down: batches in flight finish and are answered, and their connections close after the answer
  // (a kept-alive socket would otherwise hold the server open until the keep-alive timeout).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  const epoch = await readEpoch(db);

  app.setErrorHandler((err, request, reply) => {
    const e = translate(err as { statusCode?: number; code?: string; message: string }, request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES);
    metrics.countError(e.code);
    // Refused before its body was read (no token, too many requests): close rather than read what is left of it.
    if (!request.raw.complete) reply.header('connection', 'close');
    // 503 is always "nothing was applied, try again": say when.
    if (e.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (e.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: e.code, reason: e.message }, 'request refused');
    return reply.status(e.status).send({ error: { code: e.code, message: e.message }, ...e.extra });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  // Alive: the process answers. It touches no database, so a database outage does not get every instance restarted.
  app.get('/health', { onRequest: guards.open }, async () => ({ ok: true, epoch }));
  // Ready: the database answers within the ready timeout; until it does, a load balancer should send desks elsewhere.
  app.get('/ready', { onRequest: guards.open }, async () => {
    if (!(await databaseAnswers(db, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)))
      throw new SyncError(
        503,
        'unavailable',
        `the sync server cannot reach its database just now: try again in ${RETRY_AFTER_SECONDS} seconds`,
      );
    return { ok: true, epoch };
  });
  /** Operator routes (enrollment codes, metrics naming every school) need the admin token. */
  const requireAdmin = (authorization: string | undefined) => {
    if (!options.adminToken) throw new SyncError(403, 'forbidden', 'admin routes are off: start the server with FEEDESK_ADMIN_TOKEN set');
    const given = Buffer.from(authorization ?? '');
    const expected = Buffer.from(`Bearer ${options.adminToken}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new SyncError(401, 'unauthorized', 'this admin token is not valid');
  };

  app.get('/metrics', { onRequest: guards.open }, async (request, reply) => {
    requireAdmin(request.headers.authorization);
    return reply.type('text/plain; version=0.0.4').send(await metrics.render(db));
  });

  app.post('/v1/enroll', { onRequest: guards.enroll, bodyLimit: SMALL_BODY_BYTES }, async (request) => {
    try {
      return await redeemEnrollment(db, parse(enrollRequestSchema, request.body));
    } catch (err) {
      if (err instanceof SyncError && err.code === 'enrollment_invalid') await guards.badCode(request);
      throw err;
    }
  });

  app.post('/v1/admin/enrollments', { onRequest: guards.open, bodyLimit: SMALL_BODY_BYTES }, async (request, reply) => {
    requireAdmin(request.headers.authorization);
    const order = parse(enrollmentOrderSchema, request.body);
    request.log.info({ school: order.schoolName, desk: order.deskCode }, 'enrollment code issued');
    return reply.status(201).send(await createEnrollment(db, order));
  });

  app.post('/v1/push', { onRequest: guards.desk }, async (request) => {
    const desk = deskOf(request);
    const body = parse(pushRequestSchema, request.body);
    const outcome = await push(db, desk, body);
    metrics.pushes += 1;
    metrics.applied += outcome.applied;
    metrics.rejected += outcome.rejected;
    metrics.overpaid += outcome.overpaid;
    metrics.duplicates += outcome.results.length - outcome.applied - outcome.rejected;
    request.log.info({ desk: desk.deskCode, applied: outcome.applied, rejected: outcome.rejected, last: outcome.lastMutationId }, 'push');
    return { results: outcome.results, lastMutationId: outcome.lastMutationId };
  });

  app.post('/v1/pull', { onRequest: guards.desk }, async (request) => {
    const desk = deskOf(request);
    const response = await pull(db, epoch, desk, parse(pullRequestSchema, request.body));
    metrics.pulls += 1;
    return response;
  });

  app.post('/v1/audit/head', { onRequest: guards.desk }, async (request) => {
    const desk = deskOf(request);
    return auditHead(db, desk, parse(auditHeadRequestSchema, request.body));
  });

  app.post('/v1/audit/push', { onRequest: guards.desk }, async (request) => {
    const desk = deskOf(request);
    const { deskCode, ...answer } = await pushAudit(db, desk, parse(auditPushRequestSchema, request.body));
    metrics.countAudit(answer);
    if (answer.refused) request.log.warn({ desk: deskCode, ...answer.refused }, 'audit chain refused');
    return answer;
  });

  /** A lost or stolen desk: its token stops working at once; its desk code may then be enrolled again. */
  app.post('/v1/admin/revocations', { onRequest: guards.open, bodyLimit: SMALL_BODY_BYTES }, async (request) => {
    requireAdmin(request.headers.authorization);
    const order = parse(revocationSchema, request.body);
    const revoked = await revokeDesk(db, order);
    request.log.warn({ school: revoked.schoolName, desk: revoked.deskCode }, 'desk revoked');
    return revoked;
  });

  /** The operator's view of every desk's audit chain, and the gaps, forks and bad checkpoints found in them. */
  app.get('/v1/admin/audit', { onRequest: guards.open }, async (request) => {
    requireAdmin(request.headers.authorization);
    return auditOverview(db);
  });

  app.get<{ Params: { payload: string } }>(
    '/verify/:payload',
    { onRequest: guards.verify, bodyLimit: SMALL_BODY_BYTES },
    async (request, reply) => {
      const verdict = await verifyReceipt(db, request.params.payload.slice(0, 2000));
      return reply
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(verifyPageHtml(verdict));
    },
  );

  return { app, metrics };
}

// `npm run server` starts the sync server; `npm run server -- enroll ...` issues a desk enrollment code and
// `npm run server -- revoke ...` cuts a lost desk off.
// DATABASE_URL selects PostgreSQL; without it the server keeps an embedded PGlite database in FEEDESK_SERVER_DATA.
import { parseArgs } from 'node:util';
import { buildSyncServer } from './app';
import { DEFAULT_POOL, logLostConnection, openServerDatabase, type PoolSettings } from './db/connect';
import { createEnrollment, revokeDesk } from './enrollment';
import { SyncError } from './errors';
import { DEFAULT_LIMITS } from './guards';

const env = process.env;
const databaseUrl = env['DATABASE_URL'] || undefined;
const dataDir = env['FEEDESK_SERVER_DATA'] ?? 'server-data';

/** A whole number from the environment (at least `least`), or the default when it is not set. */
function wholeNumber(name: string, fallback: number, least: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < least) throw new Error(`${name} must be a whole number of ${least} or more (it is '${text}')`);
  return n;
}
const positive = (name: string, fallback: number) => wholeNumber(name, fallback, 1);

/** PostgreSQL connections and timeouts per instance; a timeout of 0 leaves PostgreSQL's own setting. */
const poolSettings = (): PoolSettings => ({
  max: positive('FEEDESK_PG_POOL_MAX', DEFAULT_POOL.max),
  acquireTimeoutMs: positive('FEEDESK_PG_ACQUIRE_TIMEOUT_MS', DEFAULT_POOL.acquireTimeoutMs),
  statementTimeoutMs: wholeNumber('FEEDESK_PG_STATEMENT_TIMEOUT_MS', DEFAULT_POOL.statementTimeoutMs, 0),
  lockTimeoutMs: wholeNumber('FEEDESK_PG_LOCK_TIMEOUT_MS', DEFAULT_POOL.lockTimeoutMs, 0),
  idleInTransactionTimeoutMs: wholeNumber('FEEDESK_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_POOL.idleInTransactionTimeoutMs, 0),
});

async function enroll(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      school: { type: 'string' },
      branch: { type: 'string', default: 'Main' },
      desk: { type: 'string' },
      hours: { type: 'string', default: '72' },
    },
  });
  if (!values.school || !values.desk)
    throw new Error('usage: npm run server -- enroll --school "School name" --desk D02 [--branch Main] [--hours 72]');
  const database = await openServerDatabase({ databaseUrl, dataDir, pool: poolSettings() });
  try {
    const e = await createEnrollment(database.db, {
      schoolName: values.school,
      branchName: values.branch,
      deskCode: values.desk.toUpperCase(),
      validHours: Number(values.hours),
    });
    process.stdout.write(
      `Enrollment code for desk ${e.deskCode} of ${e.schoolName} (${e.branchName}): ${e.code}\nValid until ${e.expiresAt}; it works once.\n`,
    );
  } finally {
    await database.close();
  }
}

async function revoke(args: string[]) {
  const { values } = parseArgs({ args, options: { school: { type: 'string' }, desk: { type: 'string' } } });
  if (!values.school || !values.desk) throw new Error('usage: npm run server -- revoke --school "School name" --desk D02');
  const database = await openServerDatabase({ databaseUrl, dataDir, pool: poolSettings() });
  try {
    const r = await revokeDesk(database.db, { schoolName: values.school, deskCode: values.desk.toUpperCase() });
    process.stdout.write(`Desk ${r.deskCode} of ${r.schoolName} is revoked: its token no longer works.
To use this desk code again, issue a new enrollment code: npm run server -- enroll --school "${r.schoolName}" --desk ${r.deskCode}
`);
  } finally {
    await database.close();
  }
}

async function serve() {
  // A lost connection is logged, never fatal: requests answer 503 until PostgreSQL is back.
  let logConnectionError = logLostConnection;
  const database = await openServerDatabase({
    databaseUrl,
    dataDir,
    pool: poolSettings(),
    onConnectionError: (err) => logConnectionError(err),
  });
  const { app } = await buildSyncServer({
    db: database.db,
    adminToken: env['FEEDESK_ADMIN_TOKEN'],
    logger: { level: env['LOG_LEVEL'] ?? 'info' },
    auditStaleSeconds: positive('FEEDESK_AUDIT_STALE_MINUTES', 15) * 60,
    readyTimeoutMs: positive('FEEDESK_READY_TIMEOUT_MS', 2000),
    // Behind a reverse proxy every request comes from the proxy: trust its X-Forwarded-For so limits count per client.
    trustProxy: env['FEEDESK_TRUST_PROXY'] || undefined,
    limits: {
      requestTimeoutMs: positive('FEEDESK_REQUEST_TIMEOUT_SECONDS', DEFAULT_LIMITS.requestTimeoutMs / 1000) * 1000,
      maxConnections: positive('FEEDESK_MAX_CONNECTIONS', DEFAULT_LIMITS.maxConnections),
      ...(env['FEEDESK_CONNECTIONS_PER_ADDRESS']
        ? { connectionsPerAddress: positive('FEEDESK_CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.connectionsPerAddress) }
        : {}),
      perDesk: positive('FEEDESK_RATE_PER_DESK', DEFAULT_LIMITS.perDesk),
      perAddress: positive('FEEDESK_RATE_PER_ADDRESS', DEFAULT_LIMITS.perAddress),
      enrollPerAddress: positive('FEEDESK_RATE_ENROLL', DEFAULT_LIMITS.enrollPerAddress),
      verifyPerAddress: positive('FEEDESK_RATE_VERIFY', DEFAULT_LIMITS.verifyPerAddress),
    },
  });
  logConnectionError = (err) => app.log.warn({ err }, 'database connection lost; it is replaced on the next request');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    // close() stops accepting, lets in-flight batches commit and answer, then the database closes.
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: Number(env['PORT'] ?? 8787), host: env['HOST'] ?? '127.0.0.1' });
  app.log.info(
    { database: database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}` },
    'FeeDesk sync server ready',
  );
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { enroll, revoke, serve: () => serve() };
const run = (
  commands[command ?? 'serve'] ?? (() => Promise.reject(new Error(`unknown command '${command}': use serve, enroll or revoke`)))
)(rest);
run.catch((err: unknown) => {
  process.stderr.write(`${err instanceof SyncError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

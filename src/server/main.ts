// `npm run server` starts the sync server; `npm run server -- enroll ...` issues a desk enrollment code.
// DATABASE_URL selects PostgreSQL; without it the server keeps an embedded PGlite database in FEEDESK_SERVER_DATA.
import { parseArgs } from 'node:util';
import { buildSyncServer } from './app';
import { openServerDatabase } from './db/connect';
import { createEnrollment } from './enrollment';
import { SyncError } from './errors';

const env = process.env;
const databaseUrl = env['DATABASE_URL'] || undefined;
const dataDir = env['FEEDESK_SERVER_DATA'] ?? 'server-data';

async function enroll(args: string[]) {
  const { values } = parseArgs({ args, options: { school: { type: 'string' }, branch: { type: 'string', default: 'Main' }, desk: { type: 'string' }, hours: { type: 'string', default: '72' } } });
  if (!values.school || !values.desk) throw new Error('usage: npm run server -- enroll --school "School name" --desk D02 [--branch Main] [--hours 72]');
  const database = await openServerDatabase({ databaseUrl, dataDir });
  try {
    const e = await createEnrollment(database.db, { schoolName: values.school, branchName: values.branch, deskCode: values.desk.toUpperCase(), validHours: Number(values.hours) });
    process.stdout.write(`Enrollment code for desk ${e.deskCode} of ${e.schoolName} (${e.branchName}): ${e.code}\nValid until ${e.expiresAt}; it works once.\n`);
  } finally {
    await database.close();
  }
}

async function serve() {
  const database = await openServerDatabase({ databaseUrl, dataDir });
  const { app } = await buildSyncServer({ db: database.db, adminToken: env['FEEDESK_ADMIN_TOKEN'], logger: { level: env['LOG_LEVEL'] ?? 'info' } });
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
  app.log.info({ database: database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDir}` }, 'FeeDesk sync server ready');
}

const [command, ...rest] = process.argv.slice(2);
const run = command === 'enroll' ? enroll(rest) : command === undefined || command === 'serve' ? serve() : Promise.reject(new Error(`unknown command '${command}': use serve or enroll`));
run.catch((err: unknown) => {
  process.stderr.write(`${err instanceof SyncError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

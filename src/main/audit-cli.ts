// npm run audit:verify -- <feedesk.db> [--settings <feedesk-settings.json>]
// Asks for the database key (64 hex digits) or, for a store kept under a passphrase, the passphrase (the salt is read
// from the settings file beside the database), then walks the audit chain, its signed checkpoints and the ledger.
// Exit 0: intact. Exit 1: something was changed (the first broken link and every finding are printed). Exit 2: could
// not check (no such file, wrong key, bad arguments).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { openReader } from './db/open';
import { createKeyStore } from './db/key-store';
import { createFileSettingsStore } from './desk-settings';
import { verifyAudit } from './services/audit-chain';

const fail = (message: string): never => {
  console.error(`audit:verify: ${message}`);
  process.exit(2);
};

const args = process.argv.slice(2);
const settingsAt = args.indexOf('--settings');
const settingsPath = settingsAt >= 0 ? args[settingsAt + 1] : undefined;
const dbPath =
  args.find((a, i) => !a.startsWith('--') && (settingsAt < 0 || i !== settingsAt + 1)) ??
  fail('usage: npm run audit:verify -- <feedesk.db> [--settings <feedesk-settings.json>]');
if (!existsSync(dbPath)) fail(`${dbPath}: no such file`);

const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
const secret = (await prompt.question('Database key (64 hex digits) or the store’s passphrase: ')).trim();
prompt.close();

let keys: Buffer[];
if (/^[0-9a-f]{64}$/i.test(secret)) keys = [Buffer.from(secret, 'hex')];
else {
  const settingsFile = settingsPath ?? join(dirname(dbPath), 'feedesk-settings.json');
  if (!existsSync(settingsFile))
    fail(`a passphrase needs the store's settings file (${settingsFile} is not there; pass --settings <file>)`);
  const noKeychain = { available: () => false, wrap: () => fail('no keychain here'), unwrap: () => fail('no keychain here') };
  keys = await createKeyStore(noKeychain, createFileSettingsStore(settingsFile))
    .passphraseKeys(secret)
    .catch((err: Error) => fail(err.message));
}

let raw: ReturnType<typeof openReader> | null = null;
for (const key of keys) {
  try {
    raw = openReader(dbPath, key, 64);
    break;
  } catch {
    // Try the next key (a passphrase mid-change has two).
  }
}
if (!raw) fail('the key or passphrase does not open this database');
const started = performance.now();
const report = verifyAudit(raw!, (done, total) =>
  process.stderr.write(`\r${done.toLocaleString('en')} of ${total.toLocaleString('en')} audit rows`),
);
raw!.close();
process.stderr.write('\n');
const seconds = Math.round((performance.now() - started) / 100) / 10;
if (report.intact) {
  console.log(
    `intact: ${report.rows} audit rows, ${report.checkpoints} signed checkpoints, ${report.payments} payments checked (${seconds} s)`,
  );
  process.exit(0);
}
if (report.firstBreak) console.log(`BROKEN at ${report.firstBreak.table} row ${report.firstBreak.row}: ${report.firstBreak.problem}`);
else console.log('the chain holds, but the ledger differs from it:');
for (const f of report.findings) console.log(`  ${f.table} ${f.row}: ${f.problem}`);
process.exit(1);

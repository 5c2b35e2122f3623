#!/usr/bin/env node
// Electronegativity (Electron security lint) over src/ (or the folder given): fails on any high or medium finding, or a file
// it cannot parse. Its CLI exits 0 whatever it finds and reaches for the network at run time, so this
// runs it through its programmatic API, offline, and sets the exit code. Exceptions are eng-disable
// comments at the flagged line, each with its reason (docs/security.md lists them).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const input = resolve(root, process.argv[2] ?? 'src');
const require = createRequire(import.meta.url);
const engRequire = createRequire(require.resolve('@doyensec/electronegativity'));

// Its one network client (got) fetches updated translations on start (English ships with it) and
// Electron's release list for AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK (excluded below): answer "nothing new".
engRequire.cache[engRequire.resolve('got')] = { loaded: true, exports: async () => ({ statusCode: 304 }) };

const run = engRequire('./runner.js');
const { severity } = engRequire('./finder');

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const started = performance.now();
const result = await run({
  input,
  electronVersionOverride: electronVersion,
  // Whether a newer Electron carries security fixes is a question for the network (npm outdated), not a lint.
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  isRelative: true,
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const failing = result.issues.filter((issue) => issue.severity.value >= severity.MEDIUM.value);
for (const issue of result.issues) {
  const where =
    issue.file === 'N/A' ? '(whole app)' : `${relative(root, join(input, issue.file))}:${issue.location.line}:${issue.location.column}`;
  console.log(
    `electronegativity: ${issue.severity.name} ${issue.id} ${where}${issue.manualReview ? ' (review)' : ''}: ${issue.description}`,
  );
}
const unparsed = result.errors.filter((error) => !error.tolerable);
for (const error of unparsed) console.log(`electronegativity: could not check ${relative(root, error.file)}: ${error.message}`);
console.log(
  `electronegativity: ${result.atomicChecks + result.globalChecks} checks against Electron ${electronVersion}, ` +
    `${failing.length} high/medium, ${result.issues.length - failing.length} low/informational (${seconds}s)`,
);
if (failing.length > 0 || unparsed.length > 0) process.exitCode = 1;

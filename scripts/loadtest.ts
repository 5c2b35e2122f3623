// npm run loadtest -- --schools N --desks M [--payments P] [--instances K] [--rate R] [--url URL]: N schools × M desks,
// each doing what a desk does in its sync rounds (push P payments 50 at a time, pull what the school's other desks
// sent, push the audit rows the payments wrote), all at once (or paced to R payments a second offered), against K
// sync servers started here on one throwaway PostgreSQL (or a running server at URL, enrolling through
// FEEDESK_ADMIN_TOKEN). Prints payments/s, push, pull and
// audit p50/p99 and errors by code, then checks that the server holds every payment by pulling each school's change
// log back. On its own PostgreSQL it also prints what a payment took on disk: the database's growth and the WAL written.
import { paymentsPulled, keepAliveAgent } from '../test/support/push-load';
import { tempDir } from '../test/support/harness';
import { driveLoad, latency, prepareLoad, startServers, type Tally } from '../test/support/load-run';
import { parseLoadArgs } from './loadtest-args';

const count = (n: number) => n.toLocaleString('en-IN');
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

function timing(what: string, times: number[]): string {
  const { p50, p99, max } = latency(times);
  return `${what} p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(max)}`;
}

function report(tally: Tally, expected: number, seconds: number) {
  console.log(
    `pushed ${count(tally.applied)} of ${count(expected)} payments in ${count(tally.push.length)} pushes of up to 50, in ${seconds.toFixed(2)} s: ${count(Math.round(tally.applied / seconds))} payments/s`,
  );
  console.log(`${timing('push', tally.push)}; ${timing('pull', tally.pull)}; ${timing('audit', tally.audit)}`);
  console.log(
    `pulled ${count(tally.pulled)} payments of other desks in ${count(tally.pull.length)} pages; ${count(tally.auditHeld)} audit rows held`,
  );
  const errors = [...tally.errors].map(([code, n]) => `${code} ×${count(n)}`).join(', ');
  console.log(`errors: ${errors || 'none'}${tally.stopped > 0 ? ` (${tally.stopped} desks stopped)` : ''}`);
  for (const [reason, n] of tally.rejected) console.log(`not applied ×${count(n)}: ${reason}`);
}

async function main() {
  const o = parseLoadArgs(process.argv.slice(2));
  const scratch = tempDir();
  const servers = await startServers(o, scratch.dir);
  try {
    console.log(`loadtest: ${count(o.schools)} schools × ${o.desks} desks × ${count(o.payments)} payments against ${servers.what}`);
    const prepared = await prepareLoad(o, servers, scratch.dir);
    console.log(`loadtest: ${count(o.schools)} schools set up; ${count(prepared.desks.length)} desks start their rounds`);
    if (o.rate !== null) console.log(`loadtest: ${count(o.rate)} payments/s offered, each desk a round of 50 in turn`);
    const result = await driveLoad(prepared, servers, o.rate);
    report(result.tally, result.expected, result.seconds);
    if (result.storage) {
      const kb = (bytes: number) => (bytes / 1024).toFixed(1);
      console.log(
        `storage: ${kb(result.storage.bytes)} KB a payment in the database (tables and indexes), ${kb(result.storage.wal)} KB of WAL written a payment`,
      );
    }
    const agent = keepAliveAgent(servers.urls[0]!);
    const logs = await Promise.all(result.readers.map((r) => paymentsPulled(agent, r.url, r.desk)));
    agent.destroy();
    const held = logs.reduce((n, l) => n + l.payments, 0);
    const overpaid = logs.reduce((n, l) => n + l.overpaid, 0);
    console.log(
      `server holds ${count(held)} of ${count(result.expected)} payments (each school's change log pulled back); ${count(overpaid)} overpayments settled`,
    );
    if (held !== result.expected || result.tally.applied !== result.expected || result.tally.rejected.size > 0) process.exitCode = 1;
  } finally {
    await servers.stop();
    scratch.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

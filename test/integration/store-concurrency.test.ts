// The cashier's connection and a worker's write connection (a pull's pages, an import's commit) on one store at once:
// a payment whose transaction has read already when the worker commits must wait for the write lock, never fail.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSideStore, openTestDesk, setUpSchool, type TestDesk } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';

/** Another thread that commits small write transactions, one after another, until told to stop. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("key=\\"x'" + workerData.keyHex + "'\\"");
db.pragma('busy_timeout = 5000');
const bump = db.prepare('update sync_state set last_attempt_at = ? where id = 1');
let stop = false;
let commits = 0;
parentPort.on('message', () => (stop = true));
const sleep = new Int32Array(new SharedArrayBuffer(4));
(async function loop() {
  while (!stop) {
    db.exec('begin immediate');
    bump.run(new Date().toISOString());
    db.exec('commit');
    commits += 1;
    Atomics.wait(sleep, 0, 0, 1);
    if (commits % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  db.close();
  parentPort.postMessage(commits);
})();
`;

/** Another thread that takes the write lock, says so, holds it for workerData.holdMs, and commits. */
const HOLDER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("key=\\"x'" + workerData.keyHex + "'\\"");
db.exec('begin immediate');
db.prepare('update sync_state set last_attempt_at = ? where id = 1').run(new Date().toISOString());
parentPort.postMessage('holding');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
db.exec('commit');
db.close();
parentPort.postMessage('released');
`;

describe('a worker writing while the cashier collects', () => {
  let desk: TestDesk | undefined;
  afterAll(async () => {
    await desk?.close();
  });

  it('records every payment while another connection commits every millisecond or so', async () => {
    desk = await openTestDesk();
    await setUpSchool(desk);
    const school = await seedSmallSchool(desk);
    const student = await admit(desk, school);
    const side = await openSideStore(desk);
    const keyHex = side.key!.toString('hex');
    await side.close();
    const writer = new Worker(WRITER, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'), path: desk.dbPath, keyHex },
    });
    const commits = new Promise<number>((resolve, reject) => {
      writer.once('message', resolve);
      writer.once('error', reject);
    });
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const result = await desk.call('payments.record', { studentIds: [student.id], amount: 10_00, method: { mode: 'cash' } });
        outcomes.push(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`);
      }
    } finally {
      writer.postMessage('stop');
    }
    expect(await commits).toBeGreaterThan(20);
    await writer.terminate();
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    const ledger = await desk.ok('payments.ledger', { studentId: student.id });
    expect(ledger.entries.filter((e) => e.kind === 'payment')).toHaveLength(60);
  }, 120_000);

  it('waits for a lock another connection holds without holding up the desk, and records the payment after it', async () => {
    const desk = await openTestDesk();
    onTestFinished(() => desk.close());
    await setUpSchool(desk);
    const student = await admit(desk, await seedSmallSchool(desk));
    const side = await openSideStore(desk);
    const keyHex = side.key!.toString('hex');
    await side.close();
    const holdMs = 1_500;
    const holder = new Worker(HOLDER, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'), path: desk.dbPath, keyHex, holdMs },
    });
    const said = (word: string) =>
      new Promise<number>((resolve, reject) => {
        holder.on('message', (m) => m === word && resolve(performance.now()));
        holder.once('error', reject);
      });
    const released = said('released');
    await said('holding');
    // The desk's thread, meanwhile: a tick every 10 ms, and the longest gap between two.
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    try {
      const result = await desk.call('payments.record', { studentIds: [student.id], amount: 10_00, method: { mode: 'cash' } });
      expect(result.ok).toBe(true);
      const ended = performance.now();
      // A thread held up to the end has not ticked since.
      longest = Math.max(longest, ended - last);
      // Recorded once the other connection let go, not before; and the thread went on ticking all the while.
      expect(ended).toBeGreaterThanOrEqual((await released) - 50);
      expect(ended - started).toBeGreaterThan(holdMs / 3);
      expect(longest).toBeLessThan(holdMs / 2);
    } finally {
      clearInterval(ticker);
      await holder.terminate();
    }
  }, 60_000);
});

// The print spool (src/main/print/spool.ts): a printed receipt does not stay on disk as a plaintext PDF. Real files in
// a temporary folder; only "is that process alive" is answered by the test where it needs a process that is running.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpool, processAlive, SPOOL_MAX_AGE_MS, sweepSpool } from '../../src/main/print/spool';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'feedesk-spool-')), 'spool');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]);
/** No process has this id (Linux pids stop at 2^22). */
const GONE_PID = 999_999_999;

describe('the spool', () => {
  it('writes each job as a PDF only this user can read, named by process and job, and removes it', async () => {
    const spool = createSpool(dir);
    const a = await spool.write('receipt-2026-27-D01-000001.pdf', PDF);
    const b = await spool.write('../../etc/passwd', PDF);
    expect(a).toBe(join(dir, `${process.pid}-1-receipt-2026-27-D01-000001.pdf`));
    expect(b).toBe(join(dir, `${process.pid}-2-.._.._etc_passwd.pdf`));
    expect(readFileSync(a)).toEqual(Buffer.from(PDF));
    if (process.platform !== 'win32') {
      expect(statSync(a).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    await spool.remove(a);
    await spool.remove(a); // gone already: no error
    expect(readdirSync(dir)).toEqual([`${process.pid}-2-.._.._etc_passwd.pdf`]);
  });
});

describe('the sweep at start', () => {
  it('removes what a crashed run left and keeps what a running FeeDesk is printing', async () => {
    mkdirSync(dir, { recursive: true });
    const crashed = join(dir, `${GONE_PID}-4-receipt-2026-27-D01-000017.pdf`);
    const running = join(dir, `4242-1-receipt-2026-27-D01-000018.pdf`);
    const runningButOld = join(dir, `4242-2-slip.pdf`);
    const stranger = join(dir, 'notes.txt');
    const mine = join(dir, `${process.pid}-9-receipt.pdf`); // an earlier process that had this id
    for (const file of [crashed, running, runningButOld, stranger, mine]) writeFileSync(file, PDF);
    mkdirSync(join(dir, 'a-folder'));
    const now = Date.now();
    const old = (now - SPOOL_MAX_AGE_MS - 60_000) / 1000;
    utimesSync(runningButOld, old, old);

    const removed = await sweepSpool(dir, { now, isAlive: (pid) => pid === 4242 });
    expect(removed).toBe(4);
    expect(readdirSync(dir).sort()).toEqual(['4242-1-receipt-2026-27-D01-000018.pdf', 'a-folder']);
  });

  it('with the real process table: a dead process’s file goes, a live one’s stays', async () => {
    expect(processAlive(process.ppid)).toBe(true);
    expect(processAlive(GONE_PID)).toBe(false);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${GONE_PID}-1-x.pdf`), PDF);
    writeFileSync(join(dir, `${process.ppid}-1-y.pdf`), PDF);
    expect(await sweepSpool(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual([`${process.ppid}-1-y.pdf`]);
  });

  it('a missing spool folder is nothing to sweep', async () => {
    expect(await sweepSpool(join(dir, 'never-made'))).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

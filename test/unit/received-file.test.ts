// Files a browser tab sends to import: kept under a name of their own in the desk's received folder, never over
// another, old ones cleared away, and a clear refusal for an empty or oversized one.
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepReceivedFile } from '../../src/main/channels/imports';
import { RECEIVED_FILE_MAX_BYTES } from '../../src/shared/contract/imports';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'feedesk-received-')), 'received');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const NOW = new Date('2026-07-24T05:30:00.123Z');

describe('a file a tab sends', () => {
  it('is kept under the time and its own name, and a second with the same name never replaces the first', () => {
    const first = keepReceivedFile(dir, 'students.csv', Buffer.from('a'), NOW);
    const second = keepReceivedFile(dir, 'students.csv', Buffer.from('b'), NOW);
    expect(basename(first)).toBe('20260724T053000Z students.csv');
    expect(basename(second)).toBe('20260724T053000Z-1 students.csv');
    expect(readFileSync(first, 'utf8')).toBe('a');
    expect(readFileSync(second, 'utf8')).toBe('b');
  });

  it.each([
    ['../../feedesk.db.csv', 'feedesk.db.csv'],
    ['C:\\\\Users\\\\me\\\\Fees 2026.xlsx', 'Fees 2026.xlsx'],
    ['विद्यार्थी सूची.csv', 'विद्यार्थी सूची.csv'],
    ['a;rm -rf *.csv', 'a_rm -rf _.csv'],
    ['...csv', 'csv'],
  ])('stays inside the folder whatever its name (%j)', (name, kept) => {
    const path = keepReceivedFile(dir, name, Buffer.from('x'), NOW);
    expect(join(path, '..')).toBe(dir);
    expect(basename(path)).toBe(`20260724T053000Z ${kept}`);
  });

  it('clears away files sent more than a week ago, and keeps the rest', () => {
    const old = keepReceivedFile(dir, 'old.csv', Buffer.from('x'), NOW);
    const recent = keepReceivedFile(dir, 'recent.csv', Buffer.from('x'), NOW);
    const eightDaysAgo = (NOW.getTime() - 8 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, eightDaysAgo, eightDaysAgo);
    keepReceivedFile(dir, 'new.csv', Buffer.from('x'), NOW);
    expect(readdirSync(dir).sort()).toEqual(['20260724T053000Z new.csv', basename(recent)].sort());
  });

  it('is refused when empty or larger than the limit, and nothing is written', () => {
    expect(() => keepReceivedFile(dir, 'empty.csv', Buffer.alloc(0), NOW)).toThrow('is an empty file');
    expect(() => keepReceivedFile(dir, 'big.csv', Buffer.alloc(RECEIVED_FILE_MAX_BYTES + 1), NOW)).toThrow(/is larger than 25 MB/);
    writeFileSync(join(dir, '..', 'marker'), '');
    expect(readdirSync(join(dir, '..'))).toEqual(['marker']);
  });
});

// The store's high-water mark, kept beside it outside the WAL: the last receipt number each series issued, the last audit
// row, and what the sync server confirmed holding. A damaged WAL drops its last commits without a word (SQLite stops
// reading at the first frame whose checksum fails), and a restored backup is older than the desk: at open the store is
// compared with the mark, a store behind it is reported, and its receipt numbers are never issued again.
import { closeSync, constants, existsSync, fdatasyncSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

/** Where a store keeps its mark. */
export const markPathOf = (dbPath: string): string => `${dbPath}.mark`;

interface SeriesMark {
  seq: number;
  receiptNo: string | null;
}

export interface Mark {
  /** The school and desk the store is: a mark of another store is not compared. */
  identity: string;
  /** By `desk code/academic year id`. */
  series: Record<string, SeriesMark>;
  audit: number;
  /** What the sync server acknowledged: the outbox up to `mutation`, the audit chain up to `audit`, the last receipt among them. */
  confirmed: { mutation: number; audit: number; receiptNo: string | null; series: string | null };
}

// Prepared once per connection: the mark is read after every commit.
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function statement(raw: Database.Database, source: string): Database.Statement {
  let byText = prepared.get(raw);
  if (!byText) prepared.set(raw, (byText = new Map()));
  let found = byText.get(source);
  if (!found) byText.set(source, (found = raw.prepare(source)));
  return found;
}

/** The receipt number a series' last payment was printed with: the newest rows are looked at first. */
function receiptNoOf(raw: Database.Database, desk: string, year: string, seq: number): string | null {
  const row = statement(
    raw,
    'select receipt_no from payment where desk_code = ? and academic_year_id = ? and seq = ? order by rowid desc limit 1',
  ).get(desk, year, seq) as { receipt_no: string } | undefined;
  return row?.receipt_no ?? null;
}

/** The last payment among the outbox's first `mutation` changes: the last receipt the server confirmed. */
function confirmedReceipt(raw: Database.Database, mutation: number): { receiptNo: string | null; series: string | null } {
  const row = statement(
    raw,
    `select json_extract(args_json, '$.payment.receipt_no') as receipt_no,
        json_extract(args_json, '$.payment.desk_code') || '/' || json_extract(args_json, '$.payment.academic_year_id') as series
      from outbox where name = 'payments.record' and mutation_id <= ? order by mutation_id desc limit 1`,
  ).get(mutation) as { receipt_no: string | null; series: string | null } | undefined;
  return { receiptNo: row?.receipt_no ?? null, series: row?.series ?? null };
}

/**
 * What the store holds, in the mark's terms. Receipt numbers are looked up only where a position moved since `known`
 * (after most commits nothing has: a few indexed reads).
 */
function positionsOf(raw: Database.Database, known: Mark | null): Mark | null {
  const school = statement(raw, 'select (select id from school) as school, (select code from desk) as desk').get() as {
    school: string | null;
    desk: string | null;
  };
  if (!school.school || !school.desk) return null;
  const identity = `${school.school}/${school.desk}`;
  if (known?.identity !== identity) known = null;
  const series: Record<string, SeriesMark> = {};
  const rows = statement(raw, 'select desk_code, academic_year_id, last_seq from receipt_series').all() as {
    desk_code: string;
    academic_year_id: string;
    last_seq: number;
  }[];
  for (const r of rows) {
    const key = `${r.desk_code}/${r.academic_year_id}`;
    const before = known?.series[key];
    series[key] =
      before?.seq === r.last_seq ? before : { seq: r.last_seq, receiptNo: receiptNoOf(raw, r.desk_code, r.academic_year_id, r.last_seq) };
  }
  const audit = (statement(raw, 'select coalesce(max(seq), 0) as n from audit_log').get() as { n: number }).n;
  const sync = statement(raw, 'select last_ack, audit_held from sync_state where id = 1').get() as
    { last_ack: number; audit_held: number } | undefined;
  const mutation = sync?.last_ack ?? 0;
  const receipt = known?.confirmed.mutation === mutation ? known.confirmed : confirmedReceipt(raw, mutation);
  const confirmed = { mutation, audit: sync?.audit_held ?? 0, receiptNo: receipt.receiptNo, series: receipt.series };
  return { identity, series, audit, confirmed };
}

/** The higher of two marks, field by field: the mark only ever rises, so no open of a damaged store can lower it. */
function higher(a: Mark, b: Mark): Mark {
  const series = { ...a.series };
  for (const [key, s] of Object.entries(b.series)) if (!series[key] || s.seq > series[key].seq) series[key] = s;
  const confirmed = b.confirmed.mutation > a.confirmed.mutation ? { ...b.confirmed } : { ...a.confirmed };
  confirmed.audit = Math.max(a.confirmed.audit, b.confirmed.audit);
  return { identity: a.identity, series, audit: Math.max(a.audit, b.audit), confirmed };
}

/**
 * Whether `b` says nothing `a` does not: the audit position alone does not make a write (every audited action would pay
 * for an fsync); it goes along with the next receipt or acknowledgement.
 */
const sameMark = (a: Mark, b: Mark) => JSON.stringify({ ...a, audit: 0 }) === JSON.stringify({ ...b, audit: 0 });

// Two slots of one block each, written in turn: a write torn by a crash spoils one, and the other still holds the last.
const SLOT = 4096;
const HEADER = 4 + 8; // length, write number
const HASH = 32;

function encodeSlot(mark: Mark, writeNo: number): Buffer {
  const json = Buffer.from(JSON.stringify(mark), 'utf8');
  if (HEADER + json.length + HASH > SLOT) throw new Error(`the store's mark has grown past ${SLOT} bytes`);
  const slot = Buffer.alloc(SLOT);
  slot.writeUInt32LE(json.length, 0);
  slot.writeBigUInt64LE(BigInt(writeNo), 4);
  json.copy(slot, HEADER);
  createHash('sha256')
    .update(slot.subarray(0, HEADER + json.length))
    .digest()
    .copy(slot, HEADER + json.length);
  return slot;
}

function decodeSlot(slot: Buffer): { mark: Mark; writeNo: number } | null {
  if (slot.length < HEADER) return null;
  const length = slot.readUInt32LE(0);
  if (HEADER + length + HASH > slot.length) return null;
  const hash = createHash('sha256')
    .update(slot.subarray(0, HEADER + length))
    .digest();
  if (!hash.equals(slot.subarray(HEADER + length, HEADER + length + HASH))) return null;
  try {
    return { mark: JSON.parse(slot.subarray(HEADER, HEADER + length).toString('utf8')) as Mark, writeNo: Number(slot.readBigUInt64LE(4)) };
  } catch {
    return null;
  }
}

export interface MarkFile {
  /** The mark as last written (null: none yet, or both slots unreadable). */
  readonly current: Mark | null;
  /** After a commit: raises the mark to the store's positions, on disk (fdatasync) before it returns, when they moved. */
  follow(raw: Database.Database): void;
  /** Starts again from the store (the mark was another store's). */
  replace(raw: Database.Database): void;
  close(): void;
}

export function openMarkFile(path: string): MarkFile {
  const created = !existsSync(path);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  if (created) {
    // The new file's name is on disk too, not only its blocks.
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
  let current: Mark | null = null;
  let writeNo = 0;
  for (const offset of [0, SLOT]) {
    const slot = Buffer.alloc(SLOT);
    const decoded = decodeSlot(slot.subarray(0, readSync(fd, slot, 0, SLOT, offset)));
    if (decoded && decoded.writeNo >= writeNo) ({ mark: current, writeNo } = decoded);
  }

  const write = (mark: Mark) => {
    writeNo += 1;
    writeSync(fd, encodeSlot(mark, writeNo), 0, SLOT, (writeNo % 2) * SLOT);
    fdatasyncSync(fd);
    current = mark;
  };

  return {
    get current() {
      return current;
    },
    follow(raw) {
      const now = positionsOf(raw, current);
      if (!now) return;
      // The store became another school's or desk's (a new desk taking the school from the sync server): it starts again.
      const next = current && current.identity === now.identity ? higher(current, now) : now;
      if (!current || !sameMark(current, next)) write(next);
    },
    replace(raw) {
      const now = positionsOf(raw, null);
      if (now) write(now);
    },
    close: () => closeSync(fd),
  };
}

/** What the store has lost against its mark, said for the person at the desk; null when it has lost nothing. */
export interface LostRecords {
  message: string;
  /** The series whose receipt numbers were issued beyond the store's last: raised to the mark so they are not issued again. */
  series: { key: string; seq: number }[];
  /** The last change number the server confirmed: the outbox numbers on after it, or the server takes new changes for old ones. */
  confirmedMutation: number;
}

function lostRecords(raw: Database.Database, mark: Mark, now: Mark): LostRecords | null {
  const behind = Object.entries(mark.series).filter(([key, s]) => s.seq > (now.series[key]?.seq ?? 0));
  const outbox = (statement(raw, 'select coalesce(max(mutation_id), 0) as n from outbox').get() as { n: number }).n;
  const serverHolds = mark.confirmed.mutation > outbox || mark.confirmed.audit > now.audit;
  if (behind.length === 0 && !serverHolds && mark.audit <= now.audit) return null;

  const lastIn = (key: string) => now.series[key]?.receiptNo ?? 'none';
  const issued = behind.map(([key, s]) => `receipt ${s.receiptNo ?? `no. ${s.seq}`} was issued, but the store's last is ${lastIn(key)}`);
  const { receiptNo: confirmed, series: confirmedSeries } = mark.confirmed;
  const confirmedBehind = behind.find(([key]) => key === confirmedSeries);
  let what: string;
  if (serverHolds && confirmed && confirmedBehind) {
    const [key, s] = confirmedBehind;
    const since = s.receiptNo && s.receiptNo !== confirmed ? `, and ${s.receiptNo} was issued after it` : '';
    what = `This desk's store has lost records the sync server already holds: receipts up to ${confirmed} were confirmed by the server, but the store's last is ${lastIn(key)}${since}.`;
  } else if (serverHolds) {
    what = `This desk's store has lost records the sync server already holds: the server confirmed this desk's changes up to no. ${mark.confirmed.mutation} and its audit entries up to ${mark.confirmed.audit}, but the store has them only up to no. ${outbox} and ${now.audit}${issued.length > 0 ? `; ${issued.join('; ')}` : ''}.`;
  } else {
    what = `This desk's store has lost records it had saved (its files were damaged, or an older copy was put back): ${issued.length > 0 ? issued.join('; ') : `audit entries up to ${mark.audit} were written, but the store's last is ${now.audit}`}.`;
  }
  const message = `${what} Stop collecting and call your administrator: restore the latest backup under Backups, and enter again any receipt whose paper copy is missing from the books. Receipt numbers already issued will not be used again.`;
  return { message, series: behind.map(([key, s]) => ({ key, seq: s.seq })), confirmedMutation: mark.confirmed.mutation };
}

/** Raises the store's receipt series to the mark, so a number whose paper is out is never issued again. */
function skipIssuedNumbers(raw: Database.Database, lost: LostRecords): void {
  const raise = raw.prepare(
    'insert into receipt_series (desk_code, academic_year_id, last_seq) values (?, ?, ?) on conflict (desk_code, academic_year_id) do update set last_seq = max(last_seq, excluded.last_seq)',
  );
  // The outbox numbers its changes max + 1, and the server answers a number it holds already as a duplicate: after a
  // loss, the changes made next would be dropped as "sent already". An acknowledged marker row at the last number the
  // server confirmed makes the outbox number on after it.
  const skipChanges = raw.prepare(
    "insert into outbox (mutation_id, id, name, args_json, created_at, state, result, acked_at) select ?, ?, 'sync.lostChanges', '{}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'pending', null, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') where ? > (select coalesce(max(mutation_id), 0) from outbox)",
  );
  raw.transaction(() => {
    for (const { key, seq } of lost.series) {
      const [desk, year] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      raise.run(desk, year, seq);
    }
    skipChanges.run(lost.confirmedMutation, randomUUID(), lost.confirmedMutation);
    // What the server confirmed is acknowledged here too (the acknowledgements were among what was lost).
    raw
      .prepare("update outbox set acked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') where mutation_id <= ? and acked_at is null")
      .run(lost.confirmedMutation);
    raw.prepare('update sync_state set last_ack = max(last_ack, ?) where id = 1').run(lost.confirmedMutation);
  })();
}

/** Keeps the loss among the sync alerts too: the store itself then says so after a restart, once the numbers have moved on. */
function recordAlert(raw: Database.Database, lost: LostRecords, writeNo: string): void {
  raw
    .prepare(
      "insert or ignore into sync_alert (id, kind, message, at) values (?, 'store_lost_records', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    )
    .run(`store-lost-records-${writeNo}`, lost.message);
}

/**
 * At open: compares the store with its mark. A store behind it is reported (the returned loss), its receipt series raised
 * past every number issued, and the loss kept among the sync alerts; a mark of another store (or none) starts again from
 * this one. `log` hears a write that failed (a read-only store): the loss is reported all the same.
 */
export function checkAgainstMark(
  raw: Database.Database,
  file: MarkFile,
  log: (message: string, err?: unknown) => void,
): LostRecords | null {
  const now = positionsOf(raw, null);
  if (!now) return null;
  const mark = file.current;
  if (!mark || mark.identity !== now.identity) {
    file.replace(raw);
    return null;
  }
  const lost = lostRecords(raw, mark, now);
  if (lost) {
    try {
      skipIssuedNumbers(raw, lost);
      recordAlert(raw, lost, createHash('sha256').update(JSON.stringify(mark)).digest('hex').slice(0, 16));
    } catch (err) {
      log('could not set the receipt series past the numbers already issued', err);
    }
  }
  file.follow(raw);
  return lost;
}

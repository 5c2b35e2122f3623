// SQL functions the services use inside set-based statements.
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { classKey, naturalKey } from '../../shared/domain/natural-order';

/**
 * A fee due's id is derived from what it is (student × installment × head), so every desk that generates
 * dues from the same synced structures arrives at the same ids and allocations from other desks point at them.
 * It starts with the student's id, so a school's dues made in student order go into every index in order
 * (a new desk's first pull makes hundreds of thousands of them); the rest is a hash of all three.
 */
export function feeDueId(studentId: string, installmentId: string, headId: string): string {
  const s = studentId.replaceAll('-', '').padEnd(12, '0');
  const h = hash('sha256', `fee-due\0${studentId}\0${installmentId}\0${headId}`, 'hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-5${h.slice(0, 3)}-${((parseInt(h[3]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(4, 7)}-${h.slice(7, 19)}`;
}

/** A key per distinct name: a report orders thousands of rows by a few dozen class and section names. */
function remembered(key: (name: string) => string): (name: unknown) => string | null {
  const seen = new Map<string, string>();
  return (name) => {
    if (name === null || name === undefined) return null;
    const text = String(name);
    let k = seen.get(text);
    if (k === undefined) {
      if (seen.size > 10_000) seen.clear();
      seen.set(text, (k = key(text)));
    }
    return k;
  };
}

export function registerSqlFunctions(raw: Database.Database): void {
  raw.function('fee_due_id', { deterministic: true, varargs: false }, (s: unknown, i: unknown, h: unknown) =>
    feeDueId(String(s), String(i), String(h)),
  );
  // ORDER BY class_key(c.name), natural_key(sec.name): "Class 3" before "Class 10", section "2" before "10".
  raw.function('class_key', { deterministic: true }, remembered(classKey));
  raw.function('natural_key', { deterministic: true }, remembered(naturalKey));
}

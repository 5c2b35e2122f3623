// SQL functions the services use inside set-based statements.
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

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

export function registerSqlFunctions(raw: Database.Database): void {
  raw.function('fee_due_id', { deterministic: true, varargs: false }, (s: unknown, i: unknown, h: unknown) => feeDueId(String(s), String(i), String(h)));
}

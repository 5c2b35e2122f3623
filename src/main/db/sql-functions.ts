// SQL functions the services use inside set-based statements.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

/**
 * A fee due's id is derived from what it is (student × installment × head), so every desk that generates
 * dues from the same synced structures arrives at the same ids and allocations from other desks point at them.
 */
export function feeDueId(studentId: string, installmentId: string, headId: string): string {
  const h = createHash('sha256').update(`fee-due\0${studentId}\0${installmentId}\0${headId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function registerSqlFunctions(raw: Database.Database): void {
  raw.function('fee_due_id', { deterministic: true, varargs: false }, (s: unknown, i: unknown, h: unknown) => feeDueId(String(s), String(i), String(h)));
}

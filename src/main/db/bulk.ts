// Bulk inserts by one prepared statement on the raw connection, inside the caller's open transaction on that same
// connection: far cheaper than building SQL for each chunk of rows (an import writes tens of thousands).
import type Database from 'better-sqlite3-multiple-ciphers';

export function insertRows<T extends object>(raw: Database.Database, table: string, rows: readonly T[]): void {
  if (rows.length === 0) return;
  if (!raw.inTransaction) throw new Error(`bulk insert into ${table} outside a transaction`);
  const columns = Object.keys(rows[0]!);
  const insert = raw.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
  for (const row of rows) insert.run(row);
}

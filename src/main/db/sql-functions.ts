// SQL functions the services use inside set-based statements (ids from the injected id source).
import type Database from 'better-sqlite3-multiple-ciphers';
import type { IdSource } from '../services/context';

export function registerSqlFunctions(raw: Database.Database, ids: IdSource): void {
  raw.function('new_id', { deterministic: false, varargs: false }, () => ids.uuid());
}

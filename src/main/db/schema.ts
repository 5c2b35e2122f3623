// Typed schema of the encrypted store, as the migrations leave it.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Role } from '../../shared/contract/channel';

export interface SchoolTable {
  id: string;
  name: string;
  currency: string;
  locale: string;
  created_at: string;
}

/** This desk. One row: a store belongs to exactly one desk. */
export interface DeskTable {
  id: string;
  code: string;
  created_at: string;
}

/** School-wide policies as JSON values (idle lock minutes, …). */
export interface PolicyTable {
  key: string;
  value_json: string;
}

export interface UserTable {
  id: string;
  username: string;
  full_name: string;
  role: Role;
  password_hash: string;
  active: number;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditTable {
  seq: Generated<number>;
  id: string;
  at: string;
  user_id: string | null;
  desk_code: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
  /** Reserved for the hash chain: filled by a later migration's writer. */
  prev_hash: string | null;
  hash: string | null;
}

export interface DB {
  school: SchoolTable;
  desk: DeskTable;
  policy: PolicyTable;
  app_user: UserTable;
  audit_log: AuditTable;
}

export type Store = Kysely<DB>;
export type Tx = Transaction<DB>;

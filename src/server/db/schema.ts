// The sync server's PostgreSQL tables. Money rows are stored as the desks sent them; the change log is what desks pull.
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { ChainRow } from '../../node-shared/audit-chain';

type Int8 = ColumnType<number, number | bigint, number | bigint>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ServerDB {
  server_meta: { key: string; value: string };
  school: { id: string; name: string; created_at: Stamp };
  branch: { id: string; school_id: string; name: string };
  desk: {
    id: string;
    school_id: string;
    branch_id: string;
    code: string;
    token_hash: string;
    last_mutation_id: Int8;
    last_pull_seq: Int8;
    last_push_at: Stamp | null;
    last_pull_at: Stamp | null;
    enrolled_at: Stamp;
    revoked_at: Stamp | null;
  };
  enrollment: {
    code_hash: string;
    school_id: string;
    branch_id: string;
    desk_code: string;
    expires_at: Stamp;
    redeemed_at: Stamp | null;
    desk_id: string | null;
  };
  mutation: { desk_id: string; mutation_id: Int8; id: string; name: string; status: string; reason: string | null; applied_at: Stamp };
  change: {
    seq: Generated<Int8>;
    school_id: string;
    desk_id: string | null;
    name: string;
    args: ColumnType<unknown, string, string>;
    /** The push that wrote it (random, hex); null on changes from before migration 0007. */
    batch: string | null;
  };
  student: { id: string; school_id: string; admission_no: string; version: number; data: ColumnType<unknown, string, string> };
  payment: {
    id: string;
    school_id: string;
    desk_id: string;
    receipt_no: string;
    student_id: string;
    amount: Int8;
    business_date: string;
    status: 'valid' | 'cancelled' | 'bounced';
    synced_at: Generated<Date>;
  };
  /** Each bank reference (UTR, RRN, a statement line's key) in a school's books, and the payment it is in them as. */
  bank_reference: { school_id: string; ref: string; payment_id: string };
  allocation: {
    id: Generated<Int8>;
    school_id: string;
    payment_id: string;
    due_id: string;
    student_id: string;
    amount: Int8;
    event_id: string | null;
  };
  credit: {
    id: Generated<Int8>;
    school_id: string;
    student_id: string;
    payment_id: string | null;
    amount: Int8;
    kind: string;
    event_id: string | null;
  };
  due_cap: { school_id: string; due_id: string; student_id: string; net: Int8 };
  desk_key: { key_id: string; school_id: string; desk_id: string; desk_code: string; public_key: string; proven: Generated<boolean> };
  alert: {
    id: string;
    school_id: string;
    kind: string;
    message: string;
    payment_id: string | null;
    student_id: string | null;
    amount: Int8 | null;
    at: Stamp;
  };
  /** A desk's audit rows as it sent them: the columns its chain hashes, and the two hashes. */
  audit_row: Omit<ChainRow, 'seq'> & { desk_id: string; seq: Int8; prev_hash: string; hash: string; received_at: Stamp };
  audit_checkpoint: {
    desk_id: string;
    upto_seq: Int8;
    desk_code: string;
    head_hash: string;
    at: string;
    key_id: string;
    signature: string;
    received_at: Stamp;
  };
  audit_alert: {
    id: Generated<Int8>;
    school_id: string;
    desk_id: string;
    kind: 'gap' | 'fork' | 'bad_checkpoint';
    seq: Int8;
    detail: string;
    at: Stamp;
    last_at: Stamp;
    times: Generated<number>;
  };
}

export type ServerStore = Kysely<ServerDB>;
export type ServerTx = Transaction<ServerDB>;

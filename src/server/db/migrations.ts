// The server's own migrations: tenancy, the per-desk mutation log, the change log desks pull, money rows, and each
// desk's audit chain.
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const foundation = [
  `create table server_meta (key text primary key, value text not null)`,
  `create table school (id uuid primary key, name text not null unique, created_at timestamptz not null default now())`,
  `create table branch (id uuid primary key, school_id uuid not null references school (id), name text not null, unique (school_id, name))`,
  `create table desk (id uuid primary key, school_id uuid not null references school (id), branch_id uuid not null references branch (id),
    code text not null, token_hash text not null unique, last_mutation_id bigint not null default 0, last_pull_seq bigint not null default 0,
    last_push_at timestamptz, last_pull_at timestamptz, enrolled_at timestamptz not null default now(), unique (school_id, code))`,
  `create table enrollment (code_hash text primary key, school_id uuid not null references school (id), branch_id uuid not null references branch (id),
    desk_code text not null, expires_at timestamptz not null, redeemed_at timestamptz, desk_id uuid references desk (id))`,
  `create table mutation (desk_id uuid not null references desk (id), mutation_id bigint not null, id uuid not null, name text not null,
    status text not null check (status in ('applied', 'rejected')), reason text, applied_at timestamptz not null default now(),
    primary key (desk_id, mutation_id))`,
  // A record's id is applied once; a refused one may come again (say, after the desk resends from a restore).
  `create unique index mutation_applied_once on mutation (id) where status = 'applied'`,
  `create table change (seq bigserial primary key, school_id uuid not null references school (id), desk_id uuid references desk (id),
    name text not null, args jsonb not null)`,
  `create index change_school_seq on change (school_id, seq)`,
  `create table student (id uuid primary key, school_id uuid not null references school (id), admission_no text not null,
    version integer not null, data jsonb not null)`,
  `create unique index student_admission on student (school_id, lower(admission_no))`,
  `create table payment (id uuid primary key, school_id uuid not null references school (id), desk_id uuid not null references desk (id),
    receipt_no text not null, student_id uuid not null references student (id), amount bigint not null check (amount > 0),
    business_date date not null, status text not null default 'valid' check (status in ('valid', 'cancelled', 'bounced')),
    unique (school_id, receipt_no))`,
  `create table allocation (id bigserial primary key, school_id uuid not null, payment_id uuid not null references payment (id),
    due_id uuid not null, student_id uuid not null, amount bigint not null check (amount <> 0), event_id uuid)`,
  `create index allocation_due on allocation (due_id)`,
  `create index allocation_student on allocation (school_id, student_id)`,
  `create table credit (id bigserial primary key, school_id uuid not null, student_id uuid not null, payment_id uuid references payment (id),
    amount bigint not null check (amount <> 0), kind text not null, event_id uuid)`,
  `create index credit_student on credit (school_id, student_id)`,
  `create table due_cap (due_id uuid primary key, school_id uuid not null, student_id uuid not null, net bigint not null)`,
  `create table desk_key (key_id text primary key, school_id uuid not null references school (id), desk_id uuid not null references desk (id),
    desk_code text not null, public_key text not null)`,
  `create table alert (id uuid primary key, school_id uuid not null references school (id), kind text not null, message text not null,
    payment_id uuid, student_id uuid, amount bigint, at timestamptz not null default now())`,
];

// Each desk's audit chain as it sent it (text kept byte for byte: the hashes cover it), its signed checkpoints,
// and what the server refused: one alert per desk, kind and row, counted each time the desk tries again.
const auditChain = [
  `create table audit_row (desk_id uuid not null references desk (id), seq bigint not null, id text not null, at text not null,
    user_id text, desk_code text not null, action text not null, entity text not null, entity_id text, before_json text,
    after_json text, prev_hash text not null, hash text not null, received_at timestamptz not null default now(),
    primary key (desk_id, seq))`,
  `create table audit_checkpoint (desk_id uuid not null references desk (id), upto_seq bigint not null, desk_code text not null,
    head_hash text not null, at text not null, key_id text not null, signature text not null,
    received_at timestamptz not null default now(), primary key (desk_id, upto_seq))`,
  `create table audit_alert (id bigserial primary key, school_id uuid not null references school (id), desk_id uuid not null references desk (id),
    kind text not null check (kind in ('gap', 'fork', 'bad_checkpoint')), seq bigint not null, detail text not null,
    at timestamptz not null default now(), last_at timestamptz not null default now(), times integer not null default 1,
    unique (desk_id, kind, seq))`,
];

// Desk keys bound to their fingerprints and to the desk that proved it holds them; desks a school's administrator
// revoked (the desk code may then be enrolled again, as a new desk row: the old one keeps its history); and when each
// payment reached the server, to tell how long a desk's payments have been ahead of its audit trail.
const deskControls = [
  `alter table desk_key add column proven boolean not null default false`,
  `alter table desk add column revoked_at timestamptz`,
  `alter table desk drop constraint desk_school_id_code_key`,
  `create unique index desk_code_enrolled on desk (school_id, code) where revoked_at is null`,
  `alter table payment add column synced_at timestamptz not null default now()`,
  `create index audit_row_payment on audit_row (desk_id, entity_id) where action = 'payments.record'`,
];

// Bank references in each school's books (a UTR typed at a counter, a bank statement line confirmed on a desk): the
// server refuses the second desk that puts the same money into the books.
const bankReferences = [
  `create table bank_reference (school_id uuid not null references school (id), ref text not null,
    payment_id uuid not null references payment (id), primary key (school_id, ref))`,
  // The standing payments a server already holds: their UTR or bank reference (the desks' bankKey: capitals, letters
  // and digits only) and the UPI QR reference they name, the first payment of each keeping it.
  `insert into bank_reference (school_id, ref, payment_id)
    select distinct on (school_id, ref) school_id, ref, payment_id from (
      select c.school_id, c.seq, p.id as payment_id, r.ref
      from change c
      join payment p on p.id = (c.args->'payment'->>'id')::uuid and p.status = 'valid'
      cross join lateral (select c.args->'payment'->>'mode' as mode, (c.args->'payment'->>'reference_json')::jsonb as refs) m
      cross join lateral (values
        (upper(regexp_replace(case m.mode when 'upi' then m.refs->>'utr' when 'bank_transfer' then m.refs->>'reference' end,
          '[^A-Za-z0-9]', '', 'g'))),
        (case when m.mode = 'upi' then 'QR:' || (m.refs->>'upiRef') end)) r (ref)
      where c.name = 'payments.record' and r.ref is not null and r.ref <> ''
    ) held
    order by school_id, ref, seq`,
];

/** First 8 bytes of SHA-256 of the raw public key, hex: how desks and the server name a key. */
const fingerprint = (publicKeyBase64: string) =>
  createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest().subarray(0, 8).toString('hex');

export const serverMigrations: Record<string, Migration> = {
  '0001_sync': {
    async up(db: Kysely<unknown>) {
      for (const statement of foundation) await sql.raw(statement).execute(db);
      // The epoch names this database: a desk holding a cookie from another one (a restore, a new server) resyncs.
      await sql`insert into server_meta (key, value) values ('epoch', ${randomBytes(8).toString('hex')})`.execute(db);
    },
  },
  '0002_audit_chain': {
    async up(db: Kysely<unknown>) {
      for (const statement of auditChain) await sql.raw(statement).execute(db);
    },
  },
  '0003_desk_controls': {
    async up(db: Kysely<unknown>) {
      for (const statement of deskControls) await sql.raw(statement).execute(db);
      // A key stored under an id that is not its fingerprint was published to squat that id: it names no real key.
      const keys = await sql<{ key_id: string; public_key: string }>`select key_id, public_key from desk_key`.execute(db);
      for (const k of keys.rows)
        if (fingerprint(k.public_key) !== k.key_id) await sql`delete from desk_key where key_id = ${k.key_id}`.execute(db);
    },
  },
  '0004_bank_references': {
    async up(db: Kysely<unknown>) {
      for (const statement of bankReferences) await sql.raw(statement).execute(db);
    },
  },
  // A batch reads a few kinds of change out of the school's log (the masters' names, UPI references issued, the years
  // rolled over): by kind, not by reading every payment the school ever pushed.
  '0005_change_by_name': {
    async up(db: Kysely<unknown>) {
      await sql`create index change_school_name on change (school_id, name)`.execute(db);
    },
  },
  // Every push reads the allocations and credit of the payments it touches, and looks for the desk code's revoked
  // enrollments: by index, not by scanning every school's rows (issue 21).
  '0006_push_indexes': {
    async up(db: Kysely<unknown>) {
      await sql`create index allocation_payment on allocation (payment_id)`.execute(db);
      await sql`create index credit_payment on credit (payment_id)`.execute(db);
      await sql`create index desk_school_code on desk (school_id, code)`.execute(db);
    },
  },
  // A restore from backup keeps the epoch, and the changes written after it take over the sequence numbers the lost
  // ones had: each change names the push that wrote it, and a desk's cookie names the batch of its last change, so
  // the server can tell a position in the log it still holds from one it lost (issue 21). Old rows keep null: no rewrite.
  '0007_change_batch': {
    async up(db: Kysely<unknown>) {
      await sql`alter table change add column batch text`.execute(db);
    },
  },
};

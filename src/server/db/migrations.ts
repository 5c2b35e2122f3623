// The server's own migrations: tenancy, the per-desk mutation log, the change log desks pull, and money rows.
import { randomBytes } from 'node:crypto';
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

export const serverMigrations: Record<string, Migration> = {
  '0001_sync': {
    async up(db: Kysely<unknown>) {
      for (const statement of foundation) await sql.raw(statement).execute(db);
      // The epoch names this database: a desk holding a cookie from another one (a restore, a new server) resyncs.
      await sql`insert into server_meta (key, value) values ('epoch', ${randomBytes(8).toString('hex')})`.execute(db);
    },
  },
};

// The report benchmark school: the 50,000-student bench school plus enough extra payments that `payment` holds
// 1,000,000 rows, for report.daybook, report.collection.year, report.defaulters and export.payments.xlsx.
// Generated once per generator version into the OS temp folder (on top of benchSchool's cache), then copied fresh
// for every run, like benchSchool.
//
// The extra payments are bench data written straight into the ledger with raw prepared statements, not cashier
// actions: they get no audit_log and no outbox rows (a real payment writes both in its transaction). They keep the
// ledger sound: allocations never take a due above its balance, due.paid/conceded/waived and collection_fact are
// kept by the store's own triggers (0005_reports), receipt numbers continue the desk's gapless series.
//
// The base school is ~96% paid (a few thousand students owe anything), so most extra payments cannot pay dues:
// students who owe get split partial payments that leave most of them still owing (the defaulters report keeps its
// rows; a quarter of them pay off in full), everyone else's payments become advance credit, as recordPayment would.
// No late fines are levied for installments these payments clear (recordPayment would levy them).
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { createKeyStore } from '../../src/main/db/key-store';
import { openStore } from '../../src/main/db/open';
import { BANKS } from '../../src/main/demo/names';
import { type Random, seededRandom } from '../../src/main/demo/random';
import type { ReceiptSnapshot } from '../../src/main/services/receipts';
import { readPolicies } from '../../src/main/services/settings';
import { createFileSettingsStore } from '../../src/main/desk-settings';
import { addDays } from '../../src/shared/domain/dates';
import { formatReceiptNo } from '../../src/shared/domain/receipt-number';
import type { TestDesk } from '../support/harness';
import { benchSchool, KEYCHAIN, openBenchDesk, SCHOOL_FILES } from './school';

/** Bump when this generator changes what the extra rows look like. */
const REPORT_SCHOOL_VERSION = 1;
const STUDENTS = 50_000;
const TARGET_PAYMENTS = 1_000_000;
const CANCELLATIONS = 3_000;
const PER_TRANSACTION = 20_000;
const LAST_DAY = '2027-03-31';
const SEED = 20_270_331;

/** The base school's fingerprint (school.ts's text carries its SCHOOL_VERSION; the same dirs it hashes) plus ours. */
function fingerprint(): string {
  const h = createHash('sha256')
    .update(`report-${REPORT_SCHOOL_VERSION}`)
    .update(readFileSync(join(import.meta.dirname, 'school.ts')));
  for (const dir of ['src/main/db/migrations', 'src/main/demo', 'src/main/services', 'src/shared/domain']) {
    for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  }
  return h.digest('hex').slice(0, 12);
}

export async function reportSchool(workDir: string): Promise<TestDesk> {
  const cache = join(tmpdir(), 'feedesk-bench-cache', `report-${fingerprint()}-${STUDENTS}`);
  if (!existsSync(join(cache, 'ready'))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    const started = performance.now();
    const base = await benchSchool(STUDENTS, cache);
    await base.close();
    const baseSeconds = Math.round((performance.now() - started) / 1000);
    console.log(
      `bench: report school: base school in place after ${baseSeconds} s; adding payments up to ${TARGET_PAYMENTS.toLocaleString('en')} in ${cache}…`,
    );
    const [key] = createKeyStore(KEYCHAIN, createFileSettingsStore(join(cache, 'settings.json'))).automaticKeys();
    const store = await openStore(join(cache, 'feedesk.db'), key!);
    try {
      const extraStarted = performance.now();
      const made = await addPayments(store.raw, await readPolicies(store.db));
      const seconds = Math.round((performance.now() - extraStarted) / 1000);
      console.log(
        `bench: report school: ${made.payments.toLocaleString('en')} payments added (${made.allocated.toLocaleString('en')} paying dues, ${made.cancelled} cancelled) in ${seconds} s`,
      );
      verify(store.raw, made.touchedDues);
      store.raw.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      await store.close();
    }
    console.log(`bench: report school ready in ${Math.round((performance.now() - started) / 1000)} s`);
    writeFileSync(join(cache, 'ready'), new Date().toISOString());
  }
  for (const f of SCHOOL_FILES) cpSync(join(cache, f), join(workDir, f));
  // The day after the school's year: the admin (backups) can log in.
  return openBenchDesk(workDir, '2027-04-01T04:00:00Z');
}

interface Student {
  id: string;
  admissionNo: string;
  fullName: string;
  className: string;
  section: string | null;
  guardianName: string;
}

interface OpenDue {
  id: string;
  installment: string;
  head: string;
  kind: string;
  dueOn: string;
  gross: number;
  concession: number;
  balance: number;
}

type Mode = 'cash' | 'upi' | 'card' | 'cheque' | 'bank_transfer' | 'online';

function referenceFor(r: Random, mode: Mode, day: string): Record<string, string> {
  const digits = (n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
  switch (mode) {
    case 'cash':
      return {};
    case 'upi':
      return { utr: `UPI${digits(12)}` };
    case 'card':
      return { last4: digits(4), authCode: `A${digits(5)}` };
    case 'cheque':
      return { chequeNo: digits(6), bank: r.pick(BANKS), chequeDate: day };
    case 'bank_transfer':
      return { reference: `NEFT${digits(10)}` };
    case 'online':
      return { gateway: 'Razorpay', reference: `pay_${digits(14)}` };
  }
}

/** Weekdays of the academic year up to LAST_DAY. */
function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow !== 0 && dow !== 6) days.push(d);
  }
  return days;
}

/** A daytime instant (03:00–09:59 UTC, as the demo generator's) from seconds into the working day. */
const SECONDS = 7 * 3600;
const time = (second: number) => new Date(Date.UTC(2000, 0, 1, 3, 0, second)).toISOString().slice(11);

async function addPayments(raw: Database.Database, { receiptFormat, finesFirst }: { receiptFormat: string; finesFirst: boolean }) {
  const r = seededRandom(SEED);
  // A throwaway connection on a cache that is rebuilt unless finished: no fsyncs, and the random-keyed indexes
  // (payment and credit ids, payment_student) stay in memory.
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -1048576');
  const all = <T>(source: string, ...params: unknown[]) => raw.prepare(source).all(...params) as T[];
  const year = all<{ id: string; name: string; starts_on: string; ends_on: string }>(
    'select id, name, starts_on, ends_on from academic_year where is_current = 1',
  )[0]!;
  const desk = all<{ code: string }>('select code from desk')[0]!.code;
  const school = all<ReceiptSnapshot['school']>('select name, currency, locale from school')[0]!;
  const series = all<{ last_seq: number }>(
    'select last_seq from receipt_series where desk_code = ? and academic_year_id = ?',
    desk,
    year.id,
  )[0];
  let seq = series?.last_seq ?? 0;
  const existing = all<{ n: number }>('select count(*) as n from payment')[0]!.n;
  const lastReceipt = all<{ receipt_no: string }>(
    'select receipt_no from payment where desk_code = ? and academic_year_id = ? and seq = ?',
    desk,
    year.id,
    seq,
  )[0];
  if (seq > 0 && lastReceipt?.receipt_no !== formatReceiptNo(receiptFormat, { year: year.name, desk, seq })) {
    throw new Error(`report school: receipt ${seq} is numbered ${lastReceipt?.receipt_no}, not as the school's format says`);
  }
  const cashiers = all<{ id: string; name: string }>(
    'select u.id, u.full_name as name from app_user u where u.id in (select distinct cashier_id from payment)',
  );
  const approver = all<{ id: string }>(
    "select id from app_user where role in ('accountant', 'admin') order by role = 'accountant' desc limit 1",
  )[0]!.id;
  const students = all<Student>(`
    select s.id, s.admission_no as admissionNo, s.full_name as fullName, c.name as className, sec.name as section, s.guardian_name as guardianName
    from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
    where s.status = 'active' order by s.admission_no`);
  if (cashiers.length === 0 || students.length === 0) throw new Error('report school: the base school has no payments or no students');

  // Open dues in the order recordPayment's allocation fills them: oldest installment, fines first, heads in order.
  const dues = all<OpenDue & { studentId: string; group: string; headOrder: number }>(`
    select d.id, d.student_id as studentId, d.student_id || ':' || coalesce(d.installment_id, d.id) as "group",
      coalesce(i.label, h.name) as installment, h.name as head, h.sort_order as headOrder, d.kind, d.due_on as dueOn,
      d.amount as gross, d.conceded as concession, d.amount - d.conceded - d.waived - d.paid as balance
    from due d join fee_head h on h.id = d.head_id left join installment i on i.id = d.installment_id
    where d.amount > d.conceded + d.waived + d.paid`);
  const fineRank = (kind: string) => (kind === 'fine' ? (finesFirst ? 0 : 2) : 1);
  dues.sort(
    (a, b) =>
      a.dueOn.localeCompare(b.dueOn) ||
      a.group.localeCompare(b.group) ||
      fineRank(a.kind) - fineRank(b.kind) ||
      a.headOrder - b.headOrder ||
      a.id.localeCompare(b.id),
  );
  const index = new Map(students.map((s, i) => [s.id, i]));
  const openDues: OpenDue[][] = students.map(() => []);
  const outstanding = new Float64Array(students.length);
  for (const d of dues) {
    const i = index.get(d.studentId);
    if (i === undefined) continue;
    openDues[i]!.push({
      id: d.id,
      installment: d.installment,
      head: d.head,
      kind: d.kind,
      dueOn: d.dueOn,
      gross: d.gross,
      concession: d.concession,
      balance: d.balance,
    });
    outstanding[i]! += d.balance;
  }

  // The plan: who pays how much on which day. Owing students split part of what they owe (a quarter pay it all);
  // everyone else's payments are spread at random and become advance credit once nothing is owed.
  const days = weekdays(year.starts_on, year.ends_on < LAST_DAY ? year.ends_on : LAST_DAY);
  const extra = Math.max(0, TARGET_PAYMENTS - existing);
  const planStudent = new Int32Array(extra);
  const planDay = new Int32Array(extra);
  const planSecond = new Int32Array(extra);
  const planAmount = new Float64Array(extra);
  let planned = 0;
  const plan = (student: number, amount: number) => {
    planStudent[planned] = student;
    planDay[planned] = r.int(0, days.length - 1);
    planSecond[planned] = r.int(0, SECONDS - 1);
    planAmount[planned] = amount;
    planned += 1;
  };
  const pool: number[] = [];
  for (let i = 0; i < students.length; i++) {
    const owed = outstanding[i]!;
    if (owed <= 0 || r.chance(0.25)) {
      pool.push(i);
      continue;
    }
    const total = Math.floor((owed * (0.2 + 0.6 * r.next())) / 1_000) * 1_000;
    if (total <= 0) continue;
    const parts = Math.max(1, Math.min(40, Math.round(total / r.int(200_00, 600_00))));
    const part = Math.floor(total / parts / 1_000) * 1_000;
    if (part === 0) {
      plan(i, total);
      continue;
    }
    for (let p = 1; p < parts; p++) plan(i, part);
    plan(i, total - part * (parts - 1));
  }
  const credit = [500_00, 1_000_00, 1_500_00, 2_000_00, 2_500_00, 3_000_00, 5_000_00, 7_500_00, 10_000_00] as const;
  while (planned < extra) plan(pool[r.int(0, pool.length - 1)]!, r.pick(credit) + r.int(0, 3) * 50_00);
  const order = Array.from({ length: extra }, (_, i) => i).sort((a, b) => planDay[a]! - planDay[b]! || planSecond[a]! - planSecond[b]!);
  const cancelDay = new Int32Array(extra).fill(-1);
  for (let n = 0, tries = 0; n < Math.min(CANCELLATIONS, extra) && tries < CANCELLATIONS * 20; tries++) {
    const i = r.int(0, extra - 1);
    if (cancelDay[i]! >= 0 || planDay[i]! >= days.length - 1) continue;
    cancelDay[i] = Math.min(days.length - 1, planDay[i]! + r.int(1, 3));
    n += 1;
  }
  console.log(
    `bench: report school: planned ${extra.toLocaleString('en')} payments over ${days.length} weekdays (${pool.length.toLocaleString('en')} students pay ahead, ${(students.length - pool.length).toLocaleString('en')} pay part of what they owe)`,
  );

  const insertPayment =
    raw.prepare(`insert into payment (id, receipt_no, desk_code, academic_year_id, seq, received_at, business_date, cashier_id,
    student_id, family_id, amount, mode, reference_json, tendered, change_given, credit_used, credit_added, snapshot_json, qr)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, 0, ?, ?, null)`);
  const insertAllocation = raw.prepare('insert into allocation (payment_id, due_id, student_id, amount, event_id) values (?, ?, ?, ?, ?)');
  const insertCredit = raw.prepare(
    'insert into credit_entry (id, student_id, amount, kind, payment_id, event_id, at, note, approved_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEvent = raw.prepare(
    "insert into payment_event (id, payment_id, kind, at, reason, by_user, approved_by, desk_code) values (?, ?, 'cancelled', ?, ?, ?, ?, ?)",
  );
  const saveSeries = raw.prepare(
    'insert into receipt_series (desk_code, academic_year_id, last_seq) values (?, ?, ?) on conflict (desk_code, academic_year_id) do update set last_seq = excluded.last_seq',
  );
  const reasons = [
    'Entered against the wrong installment',
    'Wrong student selected',
    'Amount keyed wrongly',
    'Duplicate entry',
    'Parent paid online the same day',
  ];
  const touchedDues = new Set<string>();
  const made = { payments: 0, allocated: 0, cancelled: 0, touchedDues };

  const writeOne = (i: number) => {
    const s = planStudent[i]!;
    const student = students[s]!;
    const amount = planAmount[i]!;
    const day = days[planDay[i]!]!;
    const receivedAt = `${day}T${time(planSecond[i]!)}`;
    const cashier = cashiers[r.int(0, cashiers.length - 1)]!;
    const mode = r.weighted<Mode>([
      ['cash', 45],
      ['upi', 30],
      ['card', 10],
      ['cheque', 8],
      ['bank_transfer', 5],
      ['online', 2],
    ]);
    const tendered = mode === 'cash' && r.chance(0.5) ? Math.ceil(amount / 500_00) * 500_00 : null;
    const paymentId = randomUUID();
    seq += 1;

    let left = amount;
    const taken: [OpenDue, number][] = [];
    for (const due of openDues[s]!) {
      if (left === 0) break;
      const take = Math.min(left, due.balance);
      if (take <= 0) continue;
      due.balance -= take;
      left -= take;
      taken.push([due, take]);
    }
    outstanding[s] = outstanding[s]! - (amount - left);
    const snapshot: ReceiptSnapshot = {
      yearName: year.name,
      cashier,
      school,
      students: [student],
      lines: taken.map(([d, take]) => ({
        studentId: student.id,
        installment: d.installment,
        head: d.head,
        kind: d.kind,
        dueOn: d.dueOn,
        gross: d.gross,
        concession: d.concession,
        amount: take,
      })),
      balanceAfter: outstanding[s]!,
      note: null,
    };
    insertPayment.run(
      paymentId,
      formatReceiptNo(receiptFormat, { year: year.name, desk, seq }),
      desk,
      year.id,
      seq,
      receivedAt,
      day,
      cashier.id,
      student.id,
      amount,
      mode,
      JSON.stringify(referenceFor(r, mode, day)),
      tendered,
      tendered === null ? null : tendered - amount,
      left,
      JSON.stringify(snapshot),
    );
    for (const [due, take] of taken) {
      insertAllocation.run(paymentId, due.id, student.id, take, null);
      touchedDues.add(due.id);
    }
    if (left > 0) insertCredit.run(randomUUID(), student.id, left, 'overpayment', paymentId, null, receivedAt, null, null);
    made.payments += 1;
    if (taken.length > 0) made.allocated += 1;

    // A cancellation a few days on, reversed the way writeReversal does: negative allocations, credit taken back.
    if (cancelDay[i]! < 0) return;
    const eventId = randomUUID();
    const at = `${days[cancelDay[i]!]!}T${time(r.int(0, SECONDS - 1))}`;
    const reason = r.pick(reasons);
    insertEvent.run(eventId, paymentId, at, reason, cashier.id, approver, desk);
    for (const [due, take] of taken) {
      insertAllocation.run(paymentId, due.id, student.id, -take, eventId);
      due.balance += take;
    }
    outstanding[s] = outstanding[s]! + (amount - left);
    if (left > 0) insertCredit.run(randomUUID(), student.id, -left, 'reversal', paymentId, eventId, at, reason, approver);
    made.cancelled += 1;
  };

  const started = performance.now();
  let reported = 0;
  for (let start = 0; start < extra; start += PER_TRANSACTION) {
    raw.transaction(() => {
      for (const i of order.slice(start, start + PER_TRANSACTION)) writeOne(i);
      // The series moves with its payments, so it stays gapless even if a run stops half way.
      saveSeries.run(desk, year.id, seq);
    })();
    if (made.payments - reported >= 100_000 || made.payments === extra) {
      reported = made.payments;
      console.log(
        `bench: report school: ${made.payments.toLocaleString('en')} / ${extra.toLocaleString('en')} payments in ${Math.round((performance.now() - started) / 1000)} s`,
      );
    }
    // Lets the store's checkpoint timer run between transactions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return made;
}

/** Cheap checks that the ledger still adds up; throws when it does not. */
function verify(raw: Database.Database, touchedDues: Set<string>): void {
  const one = <T>(source: string, ...params: unknown[]) => raw.prepare(source).get(...params) as T;
  const fail = (message: string) => {
    throw new Error(`report school is broken: ${message}`);
  };
  // One pass over the payments: per series, how many, the highest number and the money.
  const bySeries = raw
    .prepare(
      `select p.desk_code as desk, count(*) as n, max(p.seq) as top, sum(p.amount) as total, s.last_seq as last
      from payment p left join receipt_series s on s.desk_code = p.desk_code and s.academic_year_id = p.academic_year_id
      group by p.desk_code, p.academic_year_id`,
    )
    .all() as { desk: string; n: number; top: number; total: number; last: number | null }[];
  const payments = { n: bySeries.reduce((a, s) => a + s.n, 0), total: bySeries.reduce((a, s) => a + s.total, 0) };
  if (payments.n < TARGET_PAYMENTS) fail(`${payments.n} payments, fewer than ${TARGET_PAYMENTS}`);
  for (const s of bySeries) {
    if (s.n !== s.last || s.top !== s.last) fail(`desk ${s.desk}'s series ends at ${s.last} but holds ${s.n} receipts up to ${s.top}`);
  }
  const over = one<{ n: number }>('select count(*) as n from due where paid > amount - conceded - waived or paid < 0');
  if (over.n > 0) fail(`${over.n} dues are paid above their net amount (or below zero)`);
  const touched = [...touchedDues];
  const sample = [
    ...Array.from({ length: Math.min(100, touched.length) }, () => touched[Math.floor(Math.random() * touched.length)]!),
    ...(raw.prepare('select id from due where paid > 0 order by random() limit 100').pluck().all() as string[]),
  ];
  const paidOf = raw.prepare(
    'select d.paid as paid, (select coalesce(sum(a.amount), 0) from allocation a where a.due_id = d.id) as allocated from due d where d.id = ?',
  );
  for (const id of sample) {
    const d = paidOf.get(id) as { paid: number; allocated: number };
    if (d.paid !== d.allocated) fail(`due ${id} says paid ${d.paid} but its allocations sum to ${d.allocated}`);
  }
  const facts = one<{ net: number }>('select sum(collected) - sum(reversed) as net from collection_fact');
  const reversed = one<{ total: number | null }>(
    'select sum(p.amount) as total from payment_event e join payment p on p.id = e.payment_id',
  );
  const expected = payments.total - (reversed.total ?? 0);
  if (facts.net !== expected) fail(`collection_fact nets ${facts.net} but payments less reversed ones come to ${expected}`);
  const negative = one<{ n: number }>(
    'select count(*) as n from (select student_id from credit_entry group by student_id having sum(amount) < 0)',
  );
  if (negative.n > 0) fail(`${negative.n} students have a negative advance credit`);
  console.log(
    `bench: report school verified: ${payments.n.toLocaleString('en')} payments, collections reconcile to ${expected}, ${sample.length} sampled dues match their allocations`,
  );
}

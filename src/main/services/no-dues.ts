// What a student still owes, academic year by academic year (dues open, late fines to date) with the advance credit the
// school holds for them, and the no-dues certificate issued once nothing is owed.
import { sql } from 'kysely';
import type { OutputOf } from '../../shared/contract';
import type { Receipt } from '../../shared/contract/payments';
import type { Owed, Student } from '../../shared/contract/students';
import { AppError } from '../../shared/contract/errors';
import { dateIn } from '../../shared/domain/dates';
import { formatMoney } from '../../shared/domain/money';
import type { Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';
import { readLogo, readPolicies } from './settings';
import { creditBalances, type DueRow, dueRows, pendingFines } from './dues';
import { refundableOf } from './refunds';
import { duesWaivedOnLeaving, getStudent } from './students';

/** One academic year of a student's account: what stays open, fines earned to date, and what was paid towards it. */
export interface YearAccount {
  yearId: string;
  yearName: string;
  startsOn: string;
  dues: number;
  fines: number;
  total: number;
  paid: number;
}

/**
 * Each due's academic year, keyed by due id. A late fine is levied in the year it is paid in, but it is owed for its
 * installment's year, as the fine still pending on that installment is.
 */
async function yearsOfDues(db: Store | Tx, studentId: string) {
  const rows = await sql<{ due_id: string; year_id: string; year_name: string; starts_on: string }>`
    select d.id as due_id, y.id as year_id, y.name as year_name, y.starts_on
    from due d
    left join installment i on i.id = d.installment_id
    left join fee_structure fs on fs.id = i.structure_id
    join academic_year y on y.id = coalesce(fs.academic_year_id, d.academic_year_id)
    where d.student_id = ${studentId}`.execute(db);
  return new Map(rows.rows.map((r) => [r.due_id, r]));
}

/**
 * The student's account year by year, oldest first, as of `asOf` (fines earned by then). With `waivedAfter`, the open
 * dues falling due after that day count as waived, as leaving on it would waive them.
 */
export async function accountByYear(
  db: Store | Tx,
  studentId: string,
  asOf: string,
  waivedAfter: string | null = null,
): Promise<YearAccount[]> {
  const years = await yearsOfDues(db, studentId);
  const rows: DueRow[] = (await dueRows(db, [studentId])).map((r) =>
    waivedAfter !== null && r.due_on > waivedAfter && r.balance > 0 ? { ...r, waived: r.waived + r.balance, balance: 0 } : r,
  );
  const accounts = new Map<string, YearAccount>();
  const accountOf = (dueId: string) => {
    const year = years.get(dueId)!;
    let account = accounts.get(year.year_id);
    if (!account) {
      account = { yearId: year.year_id, yearName: year.year_name, startsOn: year.starts_on, dues: 0, fines: 0, total: 0, paid: 0 };
      accounts.set(year.year_id, account);
    }
    return account;
  };
  for (const r of rows) {
    const account = accountOf(r.id);
    account.dues += Math.max(0, r.balance);
    account.paid += r.paid;
  }
  // A pending fine belongs to its installment's year, which every due of that installment shares.
  for (const fine of pendingFines(rows, asOf)) {
    accountOf(rows.find((r) => r.installment_id === fine.installmentId)!.id).fines += fine.amount;
  }
  return [...accounts.values()]
    .map((a) => ({ ...a, total: a.dues + a.fines }))
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.yearName.localeCompare(b.yearName));
}

/** What stays owed: the years with something open, their total, and the advance credit held (owed to the student). */
export async function owedBy(db: Store | Tx, studentId: string, asOf: string, waivedAfter: string | null = null): Promise<Owed> {
  const years = (await accountByYear(db, studentId, asOf, waivedAfter))
    .filter((y) => y.total > 0)
    .map(({ yearId, yearName, dues, fines, total }) => ({ yearId, yearName, dues, fines, total }));
  const credit = (await creditBalances(db, [studentId])).get(studentId) ?? 0;
  return { asOf, years, total: years.reduce((a, y) => a + y.total, 0), credit };
}

/** What a no-dues certificate says; a duplicate repeats the original's number, date and issuer. */
export interface NoDuesCertificate {
  certificateNo: string;
  copyNo: number;
  school: Receipt['school'];
  /** The school logo (PNG or JPEG), as on receipts. */
  logo: Buffer | null;
  student: Student;
  /** The day the original was issued, and who issued it. */
  issuedOn: string;
  issuedBy: string;
  /** A duplicate's printing: the day and who printed it. */
  reprint: { on: string; by: string } | null;
  /** Fees paid, year by year: a deposit held is the student's money, not a fee. */
  paidByYear: { yearName: string; paid: number }[];
  credit: number;
  /** Refundable deposits still held, to be paid back on a refund voucher; they do not stop the certificate. */
  depositHeld: number;
}

const ACTION = 'students.noDuesCertificate';

/** One per student: its admission number, fixed once dues exist and unique in the school, so every desk gives the same. */
export const certificateNoOf = (admissionNo: string) => `NDC/${admissionNo}`;

async function userName(tx: Tx, userId: string | null): Promise<string> {
  if (!userId) return 'FeeDesk';
  const user = await tx.selectFrom('app_user').select('full_name').where('id', '=', userId).executeTakeFirst();
  return user?.full_name ?? 'a user of another desk';
}

/** Cheques and drafts of this student (or paying their dues) neither cleared nor bounced: a bounce opens dues again, with a charge. */
async function unclearedCheques(tx: Tx, studentId: string) {
  const rows = await sql<{ receipt_no: string; amount: number }>`
    select p.receipt_no, p.amount from payment p
    where p.id in (
        select a.payment_id from due d join allocation a on a.due_id = d.id where d.student_id = ${studentId}
        union select id from payment where student_id = ${studentId})
      and p.mode in ('cheque', 'dd')
      and not exists (select 1 from payment_event e where e.payment_id = p.id)
      and not exists (select 1 from cheque_clearance c where c.payment_id = p.id)
    order by p.business_date, p.receipt_no`.execute(tx);
  return rows.rows;
}

/** The school as its papers head it: name, address and numbers from the settings, as receipts have them. */
export async function letterhead(tx: Store | Tx): Promise<Receipt['school']> {
  const policies = await readPolicies(tx);
  return {
    ...(await tx.selectFrom('school').select(['name', 'currency', 'locale']).executeTakeFirstOrThrow()),
    address: policies.schoolAddress,
    phone: policies.schoolPhone,
    registration: policies.schoolRegistration,
    taxId: policies.schoolTaxId,
  };
}

/** Refuses while anything is owed, naming the amount year by year, or while a cheque that paid could still bounce. */
async function refuseWhileOwing(tx: Tx, student: Student, years: readonly YearAccount[], money: (minor: number) => string) {
  const who = `${student.fullName} (${student.admissionNo})`;
  const owing = years.filter((y) => y.total > 0);
  if (owing.length > 0) {
    const total = owing.reduce((a, y) => a + y.total, 0);
    const byYear = owing.map((y) => `${y.yearName}: ${money(y.total)}`).join('; ');
    throw new AppError('conflict', `${who} still owes ${money(total)} (${byYear}): a no-dues certificate cannot be issued`, 'studentId');
  }
  const cheques = await unclearedCheques(tx, student.id);
  if (cheques.length > 0) {
    const list = cheques.map((c) => `receipt ${c.receipt_no}, ${money(c.amount)}`).join('; ');
    const [what, clears] = cheques.length === 1 ? ['a cheque or draft', 'it clears'] : ['cheques or drafts', 'they clear'];
    throw new AppError(
      'conflict',
      `${who} paid by ${what} not yet cleared (${list}): a no-dues certificate can be issued once ${clears}`,
      'studentId',
    );
  }
}

/**
 * Checks that a left or passed-out student owes nothing today, with no cheque of theirs waiting to clear, and counts
 * the certificate's next copy in its audit row (the first is the original; earlier copies are this desk's audit rows
 * for the student).
 */
export async function issueNoDuesCertificate(tx: Tx, deps: ServiceDeps, actorId: string, studentId: string): Promise<NoDuesCertificate> {
  const student = await getStudent(tx, studentId);
  if (student.status === 'active') {
    throw new AppError(
      'conflict',
      `${student.fullName} (${student.admissionNo}) is still studying here: mark them left before issuing a no-dues certificate`,
      'studentId',
    );
  }
  const school = await letterhead(tx);
  const asOf = dateIn(deps.clock.now());
  const years = await accountByYear(tx, studentId, asOf);
  await refuseWhileOwing(tx, student, years, (minor) => formatMoney(minor, school.currency, school.locale));
  const earlier = await tx
    .selectFrom('audit_log')
    .select(['user_id', 'at'])
    .where('entity', '=', 'student')
    .where('entity_id', '=', studentId)
    .where('action', '=', ACTION)
    .orderBy('seq')
    .execute();
  const original = earlier[0];
  const copyNo = earlier.length + 1;
  const certificateNo = certificateNoOf(student.admissionNo);
  const { deposits, depositHeld } = await refundableOf(tx, studentId);
  const depositIn = (yearName: string) => deposits.filter((d) => d.year === yearName).reduce((a, d) => a + d.refundable, 0);
  const paidByYear = years.map((y) => ({ yearName: y.yearName, paid: y.paid - depositIn(y.yearName) }));
  const credit = (await creditBalances(tx, [studentId])).get(studentId) ?? 0;
  await recordAudit(tx, deps, {
    actorId,
    action: ACTION,
    entity: 'student',
    entityId: studentId,
    after: { certificateNo, copyNo, asOf, paidByYear, credit, depositHeld },
  });
  const printedBy = await userName(tx, actorId);
  return {
    certificateNo,
    copyNo,
    school,
    logo: await readLogo(tx),
    student,
    issuedOn: original ? dateIn(new Date(original.at)) : asOf,
    issuedBy: original ? await userName(tx, original.user_id) : printedBy,
    reprint: original ? { on: asOf, by: printedBy } : null,
    paidByYear,
    credit,
    depositHeld,
  };
}

/** Before leaving on `leftOn`: the open dues it would waive, and what would still be owed today, year by year. */
export async function leavePreview(deps: ServiceDeps, studentId: string, leftOn: string): Promise<OutputOf<'students.leavePreview'>> {
  const db = deps.store();
  const dues = await duesWaivedOnLeaving(db, await getStudent(db, studentId), leftOn);
  return {
    dues: dues.map((d) => ({ dueId: d.id, installment: d.installment, head: d.head, dueOn: d.due_on, balance: d.balance })),
    total: dues.reduce((a, d) => a + d.balance, 0),
    owed: await owedBy(db, studentId, dateIn(deps.clock.now()), leftOn),
  };
}

// Reading the dues ledger: each due's gross, concession, waiver, paid and balance, and its academic year (a previous
// year's dues are arrears); pending late fines; credit.
import { sql } from 'kysely';
import type { OpenItemView } from '../../shared/contract/payments';
import type { FineRule } from '../../shared/domain/fines';
import { fineAsOf } from '../../shared/domain/fines';
import type { DueKind, Store, Tx } from '../db/schema';

export interface DueRow {
  id: string;
  student_id: string;
  installment_id: string | null;
  installment: string;
  seq: number;
  head_id: string;
  head: string;
  head_order: number;
  kind: DueKind;
  due_on: string;
  gross: number;
  concession: number;
  waived: number;
  paid: number;
  balance: number;
  fine_rule_json: string | null;
  /** The due's academic year. */
  year_id: string;
  year_name: string;
  /** Its year began before the current one: a previous year's due, still collectible. */
  arrears: boolean;
}

/**
 * SQL: 1 when the academic year `y` (a table alias) began before the current year, else 0. A previous year's dues are
 * arrears; a year made ahead of time is not.
 */
export const arrearsSql = (y: string): string =>
  `coalesce(${y}.starts_on < (select cy.starts_on from academic_year cy where cy.is_current = 1), 0)`;

/** Every due of these students with what has been taken off and paid. */
export async function dueRows(db: Store | Tx, studentIds: readonly string[]): Promise<DueRow[]> {
  if (studentIds.length === 0) return [];
  const rows = await sql<Omit<DueRow, 'balance' | 'arrears'> & { arrears: number }>`
    select d.id, d.student_id, d.installment_id, coalesce(i.label, d.label, h.name) as installment, coalesce(i.seq, 0) as seq,
      d.head_id, h.name as head, h.sort_order as head_order, d.kind, d.due_on, d.amount as gross,
      coalesce((select sum(c.amount) from due_concession c where c.due_id = d.id), 0) as concession,
      coalesce((select sum(w.amount) from due_waiver w where w.due_id = d.id), 0) as waived,
      coalesce((select sum(a.amount) from allocation a where a.due_id = d.id), 0) as paid,
      fs.fine_rule_json, y.id as year_id, y.name as year_name,
      ${sql.raw(arrearsSql('y'))} as arrears
    from due d
    join fee_head h on h.id = d.head_id
    join academic_year y on y.id = d.academic_year_id
    left join installment i on i.id = d.installment_id
    left join fee_structure fs on fs.id = i.structure_id
    where d.student_id in (${sql.join(studentIds)})
    order by d.due_on, d.student_id, h.sort_order`.execute(db);
  return rows.rows.map((r) => ({ ...r, arrears: r.arrears === 1, balance: r.gross - r.concession - r.waived - r.paid }));
}

export async function creditBalances(db: Store | Tx, studentIds: readonly string[]): Promise<Map<string, number>> {
  const credits = new Map(studentIds.map((id) => [id, 0]));
  if (studentIds.length === 0) return credits;
  const rows = await db
    .selectFrom('credit_entry')
    .select(['student_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('student_id', 'in', studentIds)
    .groupBy('student_id')
    .execute();
  for (const r of rows) credits.set(r.student_id, Number(r.total));
  return credits;
}

export const fineKey = (studentId: string, installmentId: string) => `fine:${studentId}:${installmentId}`;

const DUE_KEY = 'due:';
/** An open item's key when it is a due (levied fines too); a late fine not yet levied has a `fineKey`. */
export const dueKey = (dueId: string) => `${DUE_KEY}${dueId}`;
/** The due a key names, or null when it names a pending fine. */
export const dueIdOf = (key: string): string | null => (key.startsWith(DUE_KEY) ? key.slice(DUE_KEY.length) : null);

/** A late fine an installment has earned by `asOf` and that is not yet levied as a due. */
export interface PendingFine {
  key: string;
  studentId: string;
  installmentId: string;
  installment: string;
  dueOn: string;
  amount: number;
  /** The installment's year: a fine on a previous year's installment is arrears too. */
  yearId: string;
  yearName: string;
  arrears: boolean;
}

/** Fines accrue per installment while its fees are unpaid, less what was already levied for it. */
export function pendingFines(rows: readonly DueRow[], asOf: string): PendingFine[] {
  const groups = new Map<string, DueRow[]>();
  for (const r of rows) {
    if (!r.installment_id) continue;
    const key = fineKey(r.student_id, r.installment_id);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const fines: PendingFine[] = [];
  for (const [key, group] of groups) {
    const fees = group.filter((r) => r.kind === 'fee');
    const first = fees[0];
    if (!first?.fine_rule_json || fees.every((r) => r.balance <= 0)) continue;
    const earned = fineAsOf(JSON.parse(first.fine_rule_json) as FineRule, first.due_on, asOf);
    const levied = group.filter((r) => r.kind === 'fine').reduce((a, r) => a + r.gross, 0);
    const amount = earned - levied;
    if (amount > 0) {
      fines.push({
        key,
        studentId: first.student_id,
        installmentId: first.installment_id!,
        installment: first.installment,
        dueOn: first.due_on,
        amount,
        yearId: first.year_id,
        yearName: first.year_name,
        arrears: first.arrears,
      });
    }
  }
  return fines;
}

/** What a payment can pay today: open dues and pending fines, as the collect screen shows them. */
export function openItemsOf(rows: readonly DueRow[], fines: readonly PendingFine[]): OpenItemView[] {
  const dues: OpenItemView[] = rows
    .filter((r) => r.balance > 0)
    .map((r) => ({
      key: dueKey(r.id),
      studentId: r.student_id,
      kind: r.kind,
      dueOn: r.due_on,
      order: r.head_order,
      group: `${r.student_id}:${r.installment_id ?? r.id}`,
      installment: r.installment,
      head: r.head,
      gross: r.gross,
      concession: r.concession,
      waived: r.waived,
      paid: r.paid,
      balance: r.balance,
      year: r.year_name,
      arrears: r.arrears,
    }));
  const pending: OpenItemView[] = fines.map((f) => ({
    key: f.key,
    studentId: f.studentId,
    kind: 'fine',
    dueOn: f.dueOn,
    order: 0,
    group: `${f.studentId}:${f.installmentId}`,
    installment: f.installment,
    head: 'Late fine',
    gross: f.amount,
    concession: 0,
    waived: 0,
    paid: 0,
    balance: f.amount,
    year: f.yearName,
    arrears: f.arrears,
  }));
  return [...dues, ...pending].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.group.localeCompare(b.group) || a.order - b.order);
}

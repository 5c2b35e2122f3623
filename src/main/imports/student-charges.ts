// The charges by student importer: one row puts a student on a charge plan of the current year (transport by route and
// stop, hostel, an activity) from a day, or charges them once under a fee head (a trip, a lost ID card). Importing the
// same file again changes nothing; a row that would put a student on a plan they are on already is refused.
import type { Tx } from '../db/schema';
import { assignTx, chargeOnceTx } from '../services/charges';
import { formatDate } from '../../shared/domain/date-input';
import { formatAmount } from '../../shared/domain/money';
import type { CellError, Checker, ImportContext, Importer, ImportingUser, Planned, Unparsed, WriteEnv } from './importer';
import { existingStudentField, field, schoolNames } from './importer';
import type { Cell } from './sheet';
import { cellText, parseAmount, parseDate } from './values';

export interface ChargeRecord {
  admissionNo: string;
  charge: string;
  route: string | null;
  stop: string | null;
  startsOn: string | null;
  stopsOn: string | null;
  amount: number | null;
  dueOn: string | null;
  label: string | null;
}

const FIELDS = [
  existingStudentField(),
  field(
    'charge',
    'Charge',
    true,
    ['plan', 'charge plan', 'fee', 'optional fee'],
    'A charge plan of the current year (School bus, Hostel…) to put the student on; or a fee head, for a one-off charge.',
  ),
  field('route', 'Route', false, ['bus route', 'route no'], 'Transport plans: the route the student travels on.'),
  field('stop', 'Stop', false, ['bus stop', 'boarding point', 'pickup point'], 'Transport plans: the stop on that route they board at.'),
  field(
    'startsOn',
    'Starts on',
    false,
    ['from', 'start date', 'start'],
    'Plans: the first day; dues start from the installment in force that day.',
  ),
  field('stopsOn', 'Stops on', false, ['to', 'until', 'end date', 'stop date'], 'Plans, optional: the last day; no dues after it.'),
  field('amount', 'Amount', false, ['charge amount', 'fee amount'], 'One-off charges: how much; 1,250.50, ₹1,250.50 or 1250.5.'),
  field('dueOn', 'Due on', false, ['due date'], 'One-off charges: the day it falls due.'),
  field(
    'label',
    'Label',
    false,
    ['description', 'for', 'narration'],
    'One-off charges: what it is for (Trip to Mysore); empty means the fee head’s name.',
  ),
];

const lower = (s: string) => s.trim().toLowerCase();
const ONE_OFF_ONLY = ['amount', 'dueOn', 'label'] as const;
const PLAN_ONLY = ['route', 'stop', 'startsOn', 'stopsOn'] as const;
const LABELS: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f.key, f.label]));

function parse(
  cells: Record<string, Cell>,
  ctx: ImportContext,
): { record: ChargeRecord; text: Record<string, string> } | Unparsed<ChargeRecord> {
  const errors: CellError[] = [];
  const text = (key: string) => cellText(cells[key] ?? null);
  const date = (key: string) => {
    const raw = text(key);
    if (raw === null) return null;
    const parsed = parseDate(cells[key] ?? null);
    if (!parsed.ok) errors.push({ column: LABELS[key]!, value: raw, reason: parsed.reason });
    return parsed.ok ? parsed.value : null;
  };
  const admissionNo = text('admissionNo');
  if (!admissionNo) errors.push({ column: 'Admission no.', value: '', reason: 'is required' });
  const charge = text('charge');
  if (!charge) errors.push({ column: 'Charge', value: '', reason: 'is required' });
  let amount: number | null = null;
  const amountText = text('amount');
  if (amountText !== null) {
    const parsed = parseAmount(cells['amount'] ?? null, ctx.school.currency);
    if (!parsed.ok) errors.push({ column: 'Amount', value: amountText, reason: parsed.reason });
    else if (parsed.value === 0) errors.push({ column: 'Amount', value: amountText, reason: 'is zero: leave the row out' });
    else amount = parsed.value;
  }
  const record: ChargeRecord = {
    admissionNo: admissionNo ?? '',
    charge: charge ?? '',
    route: text('route'),
    stop: text('stop'),
    startsOn: date('startsOn'),
    stopsOn: date('stopsOn'),
    amount,
    dueOn: date('dueOn'),
    label: text('label'),
  };
  if (errors.length > 0) return { errors, partial: record };
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(record))
    if (v !== null) shown[k] = k === 'amount' ? formatAmount(v as number, ctx.school.currency, ctx.school.locale) : String(v);
  return { record, text: shown };
}

interface PlanInfo {
  id: string;
  name: string;
  kind: string;
  stops: Map<string, { id: string; route: string; name: string }>;
  routes: Set<string>;
}

/** The current year's plans (with their stops), the chargeable heads and the students, read once. */
function schoolOf(ctx: ImportContext) {
  const year = ctx.raw.prepare('select id, name, starts_on, ends_on from academic_year where is_current = 1').get() as
    { id: string; name: string; starts_on: string; ends_on: string } | undefined;
  const plans = new Map<string, PlanInfo>();
  if (year) {
    for (const p of ctx.raw.prepare('select id, name, kind from charge_plan where academic_year_id = ?').all(year.id) as {
      id: string;
      name: string;
      kind: string;
    }[])
      plans.set(lower(p.name), { ...p, stops: new Map(), routes: new Set() });
    for (const s of ctx.raw
      .prepare(
        'select s.id, s.route, s.name, p.name as plan from charge_stop s join charge_plan p on p.id = s.plan_id where p.academic_year_id = ?',
      )
      .all(year.id) as { id: string; route: string; name: string; plan: string }[]) {
      const plan = plans.get(lower(s.plan))!;
      plan.stops.set(`${lower(s.route)}|${lower(s.name)}`, s);
      plan.routes.add(lower(s.route));
    }
  }
  const heads = new Map(
    (ctx.raw.prepare('select id, name from fee_head where system_code is null').all() as { id: string; name: string }[]).map((h) => [
      lower(h.name),
      h,
    ]),
  );
  const students = new Map(
    (ctx.raw.prepare('select id, admission_no, status from student').all() as { id: string; admission_no: string; status: string }[]).map(
      (s) => [lower(s.admission_no), s],
    ),
  );
  return { year, plans, heads, students };
}

function checker(ctx: ImportContext): Checker<ChargeRecord> {
  const { year, plans, heads, students } = schoolOf(ctx);
  const held = ctx.raw.prepare(
    'select starts_on, stops_on, stop_id from student_charge where student_id = ? and plan_id = ? order by starts_on',
  );
  const charged = ctx.raw.prepare(
    `select amount from due where student_id = ? and head_id = ? and label = ? and due_on = ? and installment_id is null
     and (source_id is null or source_id not in (select id from student_charge))`,
  );
  const seen = new Map<string, number>();
  const day = (d: string) => formatDate(d, ctx.school.locale);
  const money = (minor: number) => formatAmount(minor, ctx.school.currency, ctx.school.locale);
  const err = (key: string, value: string | null, reason: string): CellError => ({ column: LABELS[key]!, value: value ?? '', reason });
  return {
    check(row, r) {
      const student = students.get(lower(r.admissionNo));
      if (!student) return { errors: [err('admissionNo', r.admissionNo, 'is not a student of this school: import the students first')] };
      const plan = plans.get(lower(r.charge));
      const head = heads.get(lower(r.charge));
      if (!plan && !head)
        return {
          errors: [
            err(
              'charge',
              r.charge,
              `is neither a charge plan of ${year?.name ?? 'the current year'} nor a fee head: set it up in Fee set-up first`,
            ),
          ],
        };
      const errors: CellError[] = [];
      if (plan) {
        for (const key of ONE_OFF_ONLY)
          if (r[key] !== null)
            errors.push(err(key, String(r[key]), `is for one-off charges: leave it empty on a row that puts a student on ${plan.name}`));
        if (student.status !== 'active') errors.push(err('admissionNo', r.admissionNo, 'is not at the school now (left or passed out)'));
        if (!r.startsOn) errors.push(err('startsOn', '', `is required: the day the student starts on ${plan.name}`));
        else if (year && (r.startsOn < year.starts_on || r.startsOn > year.ends_on))
          errors.push(err('startsOn', r.startsOn, `must fall in ${year.name} (${day(year.starts_on)} to ${day(year.ends_on)})`));
        if (r.startsOn && r.stopsOn && r.stopsOn < r.startsOn)
          errors.push(err('stopsOn', r.stopsOn, `must not be before Starts on (${day(r.startsOn)})`));
        let stopId: string | null = null;
        if (plan.kind === 'transport') {
          if (!r.route) errors.push(err('route', '', `is required: ${plan.name} charges by route and stop`));
          else if (!plan.routes.has(lower(r.route))) errors.push(err('route', r.route, `is not a route of ${plan.name}`));
          else if (!r.stop) errors.push(err('stop', '', `is required: the stop on ${r.route} the student boards at`));
          else {
            const stop = plan.stops.get(`${lower(r.route)}|${lower(r.stop)}`);
            if (!stop) errors.push(err('stop', r.stop, `is not a stop on ${r.route} of ${plan.name}, so it has no fare`));
            else stopId = stop.id;
          }
        } else {
          for (const key of ['route', 'stop'] as const)
            if (r[key] !== null) errors.push(err(key, r[key], `${plan.name} has no routes or stops: leave it empty`));
        }
        if (errors.length > 0) return { errors };
        const key = `plan|${student.id}|${plan.id}`;
        const first = seen.get(key);
        if (first !== undefined)
          return { errors: [err('charge', r.charge, `appears again for this student: row ${first} puts them on ${plan.name}`)] };
        seen.set(key, row);
        const before = held.all(student.id, plan.id) as { starts_on: string; stops_on: string | null; stop_id: string | null }[];
        if (before.some((b) => b.starts_on === r.startsOn && b.stops_on === r.stopsOn && b.stop_id === stopId))
          return { action: 'unchanged' };
        const clash = before.find((b) => b.stops_on === null || b.stops_on >= r.startsOn!);
        if (clash)
          return {
            errors: [
              err(
                'startsOn',
                r.startsOn,
                `the student is on ${plan.name} already from ${day(clash.starts_on)}${clash.stops_on ? ` to ${day(clash.stops_on)}` : ''}: stop that first`,
              ),
            ],
          };
        return { action: 'new' };
      }
      for (const key of PLAN_ONLY)
        if (r[key] !== null)
          errors.push(err(key, String(r[key]), `is for charge plans: ${head!.name} is charged once, by Amount and Due on`));
      if (r.amount === null) errors.push(err('amount', '', `is required: how much to charge under ${head!.name}`));
      if (r.dueOn === null) errors.push(err('dueOn', '', 'is required: the day the charge falls due'));
      if (errors.length > 0) return { errors };
      const label = r.label ?? head!.name;
      const key = `once|${student.id}|${head!.id}|${lower(label)}|${r.dueOn}`;
      const first = seen.get(key);
      if (first !== undefined)
        return { errors: [err('label', label, `appears again for this student on ${day(r.dueOn!)}: row ${first} charges it already`)] };
      seen.set(key, row);
      const before = charged.get(student.id, head!.id, label, r.dueOn) as { amount: number } | undefined;
      if (!before) return { action: 'new' };
      if (before.amount === r.amount) return { action: 'unchanged' };
      return {
        errors: [
          err(
            'amount',
            money(r.amount!),
            `differs from the ${label} charged on record (${money(before.amount)}): it cannot change by import; waive it instead`,
          ),
        ],
      };
    },
  };
}

async function commit(tx: Tx, env: WriteEnv, actor: ImportingUser, rows: Planned<ChargeRecord>[]): Promise<Record<string, unknown>> {
  const year = await tx.selectFrom('academic_year').select('id').where('is_current', '=', 1).executeTakeFirstOrThrow();
  const plans = new Map(
    (await tx.selectFrom('charge_plan').select(['id', 'name']).where('academic_year_id', '=', year.id).execute()).map((p) => [
      lower(p.name),
      p.id,
    ]),
  );
  const stops = await tx.selectFrom('charge_stop').select(['id', 'plan_id', 'route', 'name']).execute();
  const heads = new Map(
    (await tx.selectFrom('fee_head').select(['id', 'name']).where('system_code', 'is', null).execute()).map((h) => [lower(h.name), h]),
  );
  const students = new Map(
    (await tx.selectFrom('student').select(['id', 'admission_no']).execute()).map((s) => [lower(s.admission_no), s.id]),
  );
  // Rows that share a plan, stop and days (or a head, label, amount and day) go in as one assignment (one charge).
  const assignments = new Map<
    string,
    { planId: string; stopId: string | null; startsOn: string; stopsOn: string | null; studentIds: string[] }
  >();
  const charges = new Map<string, { headId: string; label: string; amount: number; dueOn: string; studentIds: string[] }>();
  for (const { record: r, action } of rows) {
    if (action !== 'new') continue;
    const studentId = students.get(lower(r.admissionNo))!;
    const planId = plans.get(lower(r.charge));
    if (planId) {
      const stopId =
        r.route && r.stop
          ? (stops.find((s) => s.plan_id === planId && lower(s.route) === lower(r.route!) && lower(s.name) === lower(r.stop!))?.id ?? null)
          : null;
      const key = [planId, stopId, r.startsOn, r.stopsOn].join('|');
      const group = assignments.get(key) ?? { planId, stopId, startsOn: r.startsOn!, stopsOn: r.stopsOn, studentIds: [] };
      group.studentIds.push(studentId);
      assignments.set(key, group);
    } else {
      const head = heads.get(lower(r.charge))!;
      const label = r.label ?? head.name;
      const key = [head.id, lower(label), r.amount, r.dueOn].join('|');
      const group = charges.get(key) ?? { headId: head.id, label, amount: r.amount!, dueOn: r.dueOn!, studentIds: [] };
      group.studentIds.push(studentId);
      charges.set(key, group);
    }
  }
  let assigned = 0;
  let duesCreated = 0;
  let amount = 0;
  for (const g of assignments.values()) {
    const { result } = await assignTx(tx, env, actor.userId, g);
    assigned += result.assigned;
    duesCreated += result.duesCreated;
    amount += result.amount;
  }
  let oneOffs = 0;
  for (const g of charges.values()) {
    const { result } = await chargeOnceTx(tx, env, g);
    oneOffs += result.duesCreated;
    duesCreated += result.duesCreated;
    amount += result.amount;
  }
  return { assigned, oneOffs, duesCreated, amount };
}

export const studentChargesImporter: Importer<ChargeRecord> = {
  name: 'student_charges',
  title: 'Charges by student',
  fields: FIELDS,
  parse,
  checker,
  commit,
  example: () => ({
    admissionNo: 'GV001234',
    charge: 'School bus',
    route: 'Route 1',
    stop: 'Market',
    startsOn: '2026-10-15',
    stopsOn: '',
    amount: '',
    dueOn: '',
    label: '',
  }),
  lists: (ctx) => {
    const { plans } = schoolOf(ctx);
    return { charge: [...[...plans.values()].map((p) => p.name), ...schoolNames(ctx, 'head')] };
  },
};

// A realistic demo school: classes, structures, families, concessions and a year of payments in every mode,
// with cancellations and bounces. Built through the same services the app uses (set-up through the router,
// bulk admissions and collections through the services' transaction functions, many per transaction).
import type { ChannelName, InputOf, OutputOf, Result } from '../../shared/contract';
import type { PaymentMethod } from '../../shared/contract/payments';
import { addDays, dateIn } from '../../shared/domain/dates';
import type { Tx } from '../db/schema';
import type { Clock, ServiceDeps } from '../services/context';
import { dueRows, openItemsOf, pendingFines } from '../services/dues';
import { recordPaymentTx } from '../services/payments';
import { bouncePaymentTx, cancelPaymentTx } from '../services/reversals';
import { enqueue } from '../services/outbox';
import { insertStudentTx } from '../services/students';
import { recordAudit } from '../services/audit';
import { decideConcession } from '../services/concessions';
import { base32Decode, totp } from '../services/totp-codes';
import { BANKS, GIVEN_NAMES, GUARDIAN_GIVEN, SURNAMES } from './names';
import { type Random, seededRandom } from './random';

export interface DemoOptions {
  students: number;
  seed?: number;
  /** Payments are made up to this day (default: today). */
  until?: string;
}

export const DEMO_USERS = [
  { username: 'principal', fullName: 'Asha Rao', role: 'admin' as const, password: 'demo-admin-2026' },
  { username: 'accounts', fullName: 'Meera Iyer', role: 'accountant' as const, password: 'demo-accounts-2026' },
  { username: 'cashier', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'demo-cashier-2026' },
];

export interface DemoResult {
  students: number;
  payments: number;
  cancelled: number;
  bounced: number;
  /** The admin's two-step sign-in key (base32), to type into an authenticator app. */
  adminTwoStepKey: string;
}

type Invoke = (channel: string, input: unknown, clientId: string) => Promise<Result<unknown>>;

const CLIENT = 'demo-generator';
const CLASSES = [
  'Nursery',
  'LKG',
  'UKG',
  'Class 1',
  'Class 2',
  'Class 3',
  'Class 4',
  'Class 5',
  'Class 6',
  'Class 7',
  'Class 8',
  'Class 9',
  'Class 10',
];
const BATCH = 500;

function caller(invoke: Invoke) {
  return async <C extends ChannelName>(channel: C, input?: InputOf<C>): Promise<OutputOf<C>> => {
    const result = await invoke(channel, input, CLIENT);
    if (!result.ok) throw new Error(`demo school: ${channel} failed: ${result.error.message}`);
    return result.value as OutputOf<C>;
  };
}

/** A clock the generator moves through the year. */
class SimulatedClock implements Clock {
  current = new Date(0);
  now = () => new Date(this.current);
  at(day: string, minute: number) {
    this.current = new Date(`${day}T${String(3 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`);
  }
}

function methodFor(r: Random, day: string): PaymentMethod {
  const mode = r.weighted([
    ['cash', 45],
    ['upi', 30],
    ['card', 10],
    ['cheque', 8],
    ['bank_transfer', 5],
    ['online', 2],
  ] as const);
  const digits = (n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
  switch (mode) {
    case 'cash':
      return { mode };
    case 'upi':
      return { mode, utr: `UPI${digits(12)}` };
    case 'card':
      return { mode, last4: digits(4), authCode: `A${digits(5)}` };
    case 'cheque':
      return { mode, chequeNo: digits(6), bank: r.pick(BANKS), chequeDate: day };
    case 'bank_transfer':
      return { mode, reference: `NEFT${digits(10)}` };
    case 'online':
      return { mode, gateway: 'Razorpay', reference: `pay_${digits(14)}` };
  }
}

/** The demo's admin turns two-step sign-in on as any admin must before doing anything else; the key is printed. */
async function setUpTwoStep(call: ReturnType<typeof caller>, clock: Clock): Promise<string> {
  const { key } = await call('auth.totpBegin');
  await call('auth.totpConfirm', { code: totp(base32Decode(key), clock.now().getTime() / 1000) });
  return key;
}

async function setUpSchool(call: ReturnType<typeof caller>, r: Random, clock: Clock) {
  const { role: _role, ...admin } = DEMO_USERS[0]!;
  await call('setup.initialize', { schoolName: 'Green Valley Public School', currency: 'INR', locale: 'en-IN', deskCode: 'D01', admin });
  const adminTwoStepKey = await setUpTwoStep(call, clock);
  for (const u of DEMO_USERS.slice(1)) await call('users.create', u);
  const year = await call('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  const heads = {
    tuition: await call('masters.createHead', { name: 'Tuition' }),
    transport: await call('masters.createHead', { name: 'Transport' }),
    exam: await call('masters.createHead', { name: 'Exam' }),
    library: await call('masters.createHead', { name: 'Library' }),
    computer: await call('masters.createHead', { name: 'Computer lab', taxRateBp: 1800 }),
  };
  const categories = {
    general: await call('masters.createCategory', { name: 'General' }),
    staff: await call('masters.createCategory', { name: 'Staff child' }),
    rte: await call('masters.createCategory', { name: 'RTE' }),
    scholarship: await call('masters.createCategory', { name: 'Scholarship' }),
  };
  const classes = [];
  for (const [i, name] of CLASSES.entries()) {
    const cls = await call('masters.createClass', { name, sortOrder: i, sections: ['A', 'B', 'C'] });
    const tuition = (18_000 + i * 2_000) * 100;
    await call('structures.create', {
      yearId: year.id,
      classId: cls.id,
      name: `${name} — 2026-27`,
      plan: 'quarterly',
      installments: ['2026-04-10', '2026-07-10', '2026-10-10', '2027-01-10'].map((dueOn, q) => ({ label: `Quarter ${q + 1}`, dueOn })),
      heads: [
        { headId: heads.tuition.id, amount: tuition },
        { headId: heads.transport.id, amount: r.pick([8_000_00, 9_600_00, 12_000_00]) },
        { headId: heads.exam.id, amount: 2_000_00, shares: [0, 1_000_00, 0, 1_000_00] },
        { headId: heads.library.id, amount: 1_200_00 },
        ...(i >= 5 ? [{ headId: heads.computer.id, amount: 2_400_00 }] : []),
      ],
      fineRule: { kind: 'per_day', graceDays: 10, perDay: 10_00, cap: 500_00 },
    });
    classes.push(cls);
  }
  return { year, heads, categories, classes, adminTwoStepKey };
}

export async function generateDemoSchool(invoke: Invoke, deps: ServiceDeps, options: DemoOptions): Promise<DemoResult> {
  const r = seededRandom(options.seed ?? 2026);
  const call = caller(invoke);
  const until = options.until ?? dateIn(deps.clock.now());
  const { year, heads, categories, classes, adminTwoStepKey } = await setUpSchool(call, r, deps.clock);
  const userId = (username: string) =>
    deps.store().selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const admin = await userId(DEMO_USERS[0]!.username);
  const accountant = await userId(DEMO_USERS[1]!.username);
  const clock = new SimulatedClock();
  const env = { clock, ids: deps.ids };
  clock.at(year.startsOn, 0);

  // Admissions: a third of the school are siblings sharing a family, surname, guardian and phone.
  const studentIds: string[] = [];
  for (let start = 0; start < options.students; start += BATCH * 4) {
    await deps
      .store()
      .transaction()
      .execute(async (tx) => {
        let family: { id: string; surname: string; guardian: string; phone: string; left: number } | null = null;
        for (let n = start; n < Math.min(options.students, start + BATCH * 4); n++) {
          if (!family || family.left === 0) {
            family = null;
            if (r.chance(0.15)) {
              family = {
                id: deps.ids.uuid(),
                surname: r.pick(SURNAMES),
                guardian: r.pick(GUARDIAN_GIVEN),
                phone: `9${r.int(100000000, 999999999)}`,
                left: r.int(2, 3),
              };
              await tx
                .insertInto('family')
                .values({ id: family.id, name: `${family.surname} family`, created_at: clock.now().toISOString() })
                .execute();
              await enqueue(tx, env, 'families.create', { id: family.id, name: `${family.surname} family`, studentIds: [] });
            }
          }
          const surname = family?.surname ?? r.pick(SURNAMES);
          const cls = r.pick(classes);
          if (family) family.left -= 1;
          studentIds.push(
            await insertStudentTx(tx, env, admin.id, {
              admissionNo: `GV${String(n + 1).padStart(6, '0')}`,
              fullName: `${r.pick(GIVEN_NAMES)} ${surname}`,
              classId: cls.id,
              sectionId: r.pick(cls.sections).id,
              guardianName: `${family?.guardian ?? r.pick(GUARDIAN_GIVEN)} ${surname}`,
              phone: family?.phone ?? `9${r.int(100000000, 999999999)}`,
              phone2: null,
              email: null,
              categoryId: r.weighted([
                [categories.general.id, 85],
                [categories.staff.id, 6],
                [categories.rte.id, 5],
                [categories.scholarship.id, 4],
              ]),
              familyId: family?.id ?? null,
              joinedOn: r.chance(0.03) ? addDays(year.startsOn, r.int(30, 200)) : year.startsOn,
            }),
          );
        }
      });
  }

  for (const s of await call('structures.list', { yearId: year.id })) await call('structures.assign', { structureId: s.id });
  const concessions = [
    {
      name: 'Staff child',
      kind: 'percent' as const,
      value: 5_000,
      target: 'category' as const,
      categoryId: categories.staff.id,
      headId: heads.tuition.id,
      reason: 'Staff ward policy',
    },
    {
      name: 'RTE',
      kind: 'percent' as const,
      value: 10_000,
      target: 'category' as const,
      categoryId: categories.rte.id,
      reason: 'Right to Education admission',
    },
    {
      name: 'Scholarship',
      kind: 'fixed' as const,
      value: 5_000_00,
      target: 'category' as const,
      categoryId: categories.scholarship.id,
      reason: 'Merit scholarship',
    },
    {
      name: 'Second child',
      kind: 'percent' as const,
      value: 1_000,
      target: 'sibling' as const,
      siblingRank: 2,
      headId: heads.tuition.id,
      reason: 'Sibling rule',
    },
  ];
  // The accountant approves them in the service (as the payments below are made): the demo's accountant sets two-step
  // sign-in up at their first login, and an approver without it is refused at the channel.
  for (const c of concessions) {
    const requested = await call('concessions.request', { yearId: year.id, ...c });
    await deps
      .store()
      .transaction()
      .execute(async (tx) => {
        const row = await tx.selectFrom('concession').selectAll().where('id', '=', requested.id).executeTakeFirstOrThrow();
        const applied = (await decideConcession(tx, deps, row, 'approved', accountant.id, null)).reduce((a, x) => a + x.amount, 0);
        await recordAudit(tx, deps, {
          actorId: accountant.id,
          action: 'concessions.approve',
          entity: 'concession',
          entityId: row.id,
          after: { decision: 'approved', applied, requestedOnDeskBy: admin.id },
        });
      });
  }

  return { ...(await collectTheYear(deps, env, clock, r, { until, cashierId: admin.id, accountantId: accountant.id })), adminTwoStepKey };
}

interface Intent {
  day: string;
  minute: number;
  studentId: string;
  dueOn: string;
  share: 'full' | 'half' | 'over';
}

/** Plans each installment's payment (on time, late, partly, over, or not at all) and records them in day order. */
async function collectTheYear(
  deps: ServiceDeps,
  env: { clock: SimulatedClock; ids: ServiceDeps['ids'] },
  clock: SimulatedClock,
  r: Random,
  o: { until: string; cashierId: string; accountantId: string },
): Promise<Omit<DemoResult, 'adminTwoStepKey'>> {
  const installments = await deps
    .store()
    .selectFrom('due')
    .select(['student_id', 'due_on'])
    .where('kind', '=', 'fee')
    .groupBy(['student_id', 'due_on'])
    .orderBy('due_on')
    .execute();
  const intents: Intent[] = [];
  for (const i of installments) {
    const behaviour = r.weighted([
      ['on_time', 70],
      ['late', 13],
      ['half', 8],
      ['over', 2],
      ['skip', 7],
    ] as const);
    if (behaviour === 'skip') continue;
    const day = addDays(i.due_on, behaviour === 'late' ? r.int(15, 75) : r.int(-10, 5));
    if (day > o.until) continue;
    intents.push({
      day,
      minute: r.int(0, 420),
      studentId: i.student_id,
      dueOn: i.due_on,
      share: behaviour === 'half' ? 'half' : behaviour === 'over' ? 'over' : 'full',
    });
  }
  intents.sort((a, b) => a.day.localeCompare(b.day) || a.minute - b.minute);

  const result = { students: 0, payments: 0, cancelled: 0, bounced: 0 };
  let bounces: { day: string; paymentId: string }[] = [];
  const cashier = { id: o.cashierId, name: 'Asha Rao' };
  for (let start = 0; start < intents.length; start += BATCH) {
    await deps
      .store()
      .transaction()
      .execute(async (tx: Tx) => {
        for (const intent of intents.slice(start, start + BATCH)) {
          const bankDay = bounces.filter((b) => b.day <= intent.day);
          bounces = bounces.filter((b) => b.day > intent.day);
          for (const b of bankDay) {
            clock.at(b.day, 0);
            await bouncePaymentTx(tx, env, o.accountantId, b.paymentId, 'Insufficient funds', undefined);
            result.bounced += 1;
          }
          clock.at(intent.day, intent.minute);
          const rows = await dueRows(tx, [intent.studentId]);
          const owed = openItemsOf(rows, pendingFines(rows, intent.day))
            .filter((i) => i.dueOn <= intent.dueOn)
            .reduce((a, i) => a + i.balance, 0);
          if (owed <= 0) continue;
          const amount =
            intent.share === 'half'
              ? Math.max(100_00, Math.round(owed / 2 / 100_00) * 100_00)
              : intent.share === 'over'
                ? Math.ceil(owed / 1_000_00) * 1_000_00 + 1_000_00
                : owed;
          const method = methodFor(r, intent.day);
          const receipt = await recordPaymentTx(tx, env, cashier, { studentIds: [intent.studentId], amount, method, note: null });
          result.payments += 1;
          if (r.chance(0.01)) {
            await cancelPaymentTx(tx, env, o.cashierId, o.accountantId, receipt.paymentId, 'Entered against the wrong installment');
            result.cancelled += 1;
          } else if (method.mode === 'cheque' && r.chance(0.05)) {
            bounces.push({ day: addDays(intent.day, 7), paymentId: receipt.paymentId });
          }
        }
      });
  }
  result.students = (
    await deps
      .store()
      .selectFrom('student')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  return result;
}

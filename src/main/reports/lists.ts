// Master lists in the layout the importers read, so export → edit → import goes round without retyping headers.
import type { ReportFilters } from '../../shared/contract/reports';
import type { FineRule } from '../../shared/domain/fines';
import { plainAmount } from '../../shared/domain/money';
import { fineRuleText } from '../imports/fine-text';
import { col, type ReportDefinition } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

const STUDENTS_SQL = `
  select s.admission_no, s.full_name, c.name as class_name, sec.name as section, s.guardian_name, s.phone, s.phone2, s.email,
    cat.name as category, f.name as family, s.joined_on
  from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
  left join category cat on cat.id = s.category_id left join family f on f.id = s.family_id
  where (:status = 'all' or s.status = :status) and (:classId is null or s.class_id = :classId)
  order by c.sort_order, class_key(c.name), natural_key(sec.name), s.admission_no`;

const params = (f: F<'students_list'>) => ({ status: f.status, classId: f.classId ?? null });

/** The same headers as the students importer's columns (imports/students.ts). */
export const studentsList: ReportDefinition<F<'students_list'>> = {
  title: () => 'Students',
  subtitle: (f) => (f.status === 'all' ? 'All students' : `Students marked ${f.status}`),
  columns: () => [
    col('admissionNo', 'Admission no.'),
    col('fullName', 'Student name'),
    col('className', 'Class'),
    col('section', 'Section'),
    col('guardianName', 'Guardian'),
    col('phone', 'Phone'),
    col('phone2', 'Phone 2'),
    col('email', 'Email'),
    col('category', 'Category'),
    col('familyKey', 'Family'),
    col('joinedOn', 'Joined on', 'date'),
  ],
  count: (f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${STUDENTS_SQL})`).get(params(f)) as { n: number }).n,
  *rows(f, ctx) {
    for (const s of ctx.raw.prepare(STUDENTS_SQL).iterate(params(f)) as Iterable<Record<string, string | null>>) {
      yield {
        admissionNo: s['admission_no']!,
        fullName: s['full_name']!,
        className: s['class_name']!,
        section: s['section'] ?? null,
        guardianName: s['guardian_name']!,
        phone: s['phone']!,
        phone2: s['phone2'] ?? null,
        email: s['email'] ?? null,
        category: s['category'] ?? null,
        familyKey: s['family'] ?? null,
        joinedOn: s['joined_on']!,
      };
    }
  },
};

const FAMILIES_SQL = `
  select f.name as family, s.admission_no, s.full_name from family f join student s on s.family_id = f.id
  order by f.name, s.joined_on, s.admission_no`;

/** The families importer's layout (imports/families.ts), with each child's name to read by. */
export const familiesList: ReportDefinition<F<'families_list'>> = {
  title: () => 'Families',
  subtitle: () => 'Each family’s children',
  columns: () => [col('family', 'Family'), col('admissionNo', 'Admission no.'), col('student', 'Student name')],
  count: (_f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${FAMILIES_SQL})`).get() as { n: number }).n,
  *rows(_f, ctx) {
    for (const r of ctx.raw.prepare(FAMILIES_SQL).iterate() as Iterable<{ family: string; admission_no: string; full_name: string }>) {
      yield { family: r.family, admissionNo: r.admission_no, student: r.full_name };
    }
  },
};

const STRUCTURES_SQL = `
  select y.name as year, c.name as class_name, cat.name as category, s.name as structure, s.plan, i.label as installment, i.due_on,
    h.name as head, (select sum(x.amount) from structure_item x join installment xi on xi.id = x.installment_id
                     where xi.structure_id = s.id and x.head_id = si.head_id) as head_amount,
    si.amount as share, s.fine_rule_json, s.assigned_at
  from fee_structure s join academic_year y on y.id = s.academic_year_id join class c on c.id = s.class_id
  left join category cat on cat.id = s.category_id
  join installment i on i.structure_id = s.id join structure_item si on si.installment_id = i.id join fee_head h on h.id = si.head_id
  where (:yearId is null or s.academic_year_id = :yearId)
  order by y.starts_on, c.sort_order, class_key(c.name), cat.name nulls first, i.seq, h.sort_order`;

/** The structures importer's layout (imports/structures.ts): a row per structure × installment × fee head. */
export const structuresList: ReportDefinition<F<'structures_list'>> = {
  title: () => 'Fee structures',
  subtitle: () => 'Each structure’s installments and fee heads',
  columns: () => [
    col('year', 'Year'),
    col('className', 'Class'),
    col('category', 'Category'),
    col('structure', 'Structure'),
    col('plan', 'Plan'),
    col('installment', 'Installment'),
    col('dueOn', 'Due on', 'date'),
    col('head', 'Fee head'),
    col('headAmount', 'Head amount', 'money', true),
    col('share', 'Share', 'money', true),
    col('fine', 'Late fine'),
    col('assign', 'Assigned'),
  ],
  count: (f, ctx) =>
    (ctx.raw.prepare(`select count(*) as n from (${STRUCTURES_SQL})`).get({ yearId: f.yearId ?? null }) as { n: number }).n,
  *rows(f, ctx) {
    type Row = {
      year: string;
      class_name: string;
      category: string | null;
      structure: string;
      plan: string;
      installment: string;
      due_on: string;
      head: string;
      head_amount: number;
      share: number;
      fine_rule_json: string | null;
      assigned_at: string | null;
    };
    for (const r of ctx.raw.prepare(STRUCTURES_SQL).iterate({ yearId: f.yearId ?? null }) as Iterable<Row>) {
      yield {
        year: r.year,
        className: r.class_name,
        category: r.category,
        structure: r.structure,
        plan: r.plan,
        installment: r.installment,
        dueOn: r.due_on,
        head: r.head,
        headAmount: r.head_amount,
        share: r.share,
        fine: fineRuleText(r.fine_rule_json ? (JSON.parse(r.fine_rule_json) as FineRule) : null, ctx.school.currency),
        assign: r.assigned_at ? 'yes' : 'no',
      };
    }
  },
};

const DUES_SQL = `
  select s.admission_no, s.full_name, h.name as head, sum(d.amount - d.conceded - d.waived - d.paid) as balance, min(d.due_on) as due_on
  from due d join student s on s.id = d.student_id join class c on c.id = s.class_id join fee_head h on h.id = d.head_id
  where d.amount > d.conceded + d.waived + d.paid and (:classId is null or s.class_id = :classId) and (:dueBy is null or d.due_on <= :dueBy)
  group by s.id, h.id
  order by c.sort_order, class_key(c.name), s.admission_no, h.sort_order`;

const duesParams = (f: F<'dues_list'>) => ({ classId: f.classId ?? null, dueBy: f.dueBy ?? null });

/** What each student still owes per fee head, in the opening balances importer's layout (imports/opening-balances.ts). */
export const duesList: ReportDefinition<F<'dues_list'>> = {
  title: () => 'Dues',
  subtitle: (f) =>
    f.dueBy ? `Open balances falling due by ${f.dueBy}, per student and fee head` : 'Open balances per student and fee head',
  columns: () => [
    col('admissionNo', 'Admission no.'),
    col('amount', 'Amount', 'money', true),
    col('dueOn', 'Due on', 'date'),
    col('head', 'Fee head'),
    col('student', 'Student name'),
  ],
  count: (f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${DUES_SQL})`).get(duesParams(f)) as { n: number }).n,
  *rows(f, ctx) {
    type Row = { admission_no: string; full_name: string; head: string; balance: number; due_on: string };
    for (const r of ctx.raw.prepare(DUES_SQL).iterate(duesParams(f)) as Iterable<Row>) {
      yield { admissionNo: r.admission_no, amount: r.balance, dueOn: r.due_on, head: r.head, student: r.full_name };
    }
  },
  footnote: () =>
    'Each amount is the student’s open balance on that fee head (fees less concessions, waivers and payments); the date is the earliest open due. Imported elsewhere as opening balances, it carries the arrears over.',
};

const CONCESSIONS_SQL = `
  select y.name as year, c.name, c.kind, c.value, c.target, s.admission_no, cat.name as category, c.sibling_rank, h.name as head, c.reason
  from concession c join concession_decision d on d.concession_id = c.id and d.decision = 'approved'
  join academic_year y on y.id = c.academic_year_id left join student s on s.id = c.student_id
  left join category cat on cat.id = c.category_id left join fee_head h on h.id = c.head_id
  where (:yearId is null or c.academic_year_id = :yearId)
  order by y.starts_on, c.target, c.name, s.admission_no, cat.name, c.sibling_rank`;

/** Approved concessions in the concessions importer's layout (imports/concessions.ts). */
export const concessionsList: ReportDefinition<F<'concessions_list'>> = {
  title: () => 'Concessions',
  subtitle: () => 'Approved concessions',
  columns: () => [
    col('year', 'Year'),
    col('name', 'Concession'),
    col('kind', 'Kind'),
    col('value', 'Value'),
    col('target', 'Applies to'),
    col('admissionNo', 'Admission no.'),
    col('category', 'Category'),
    col('siblingRank', 'Sibling rank'),
    col('head', 'Fee head'),
    col('reason', 'Reason'),
  ],
  count: (f, ctx) =>
    (ctx.raw.prepare(`select count(*) as n from (${CONCESSIONS_SQL})`).get({ yearId: f.yearId ?? null }) as { n: number }).n,
  *rows(f, ctx) {
    type Row = {
      year: string;
      name: string;
      kind: 'percent' | 'fixed';
      value: number;
      target: string;
      admission_no: string | null;
      category: string | null;
      sibling_rank: number | null;
      head: string | null;
      reason: string;
    };
    for (const r of ctx.raw.prepare(CONCESSIONS_SQL).iterate({ yearId: f.yearId ?? null }) as Iterable<Row>) {
      yield {
        year: r.year,
        name: r.name,
        kind: r.kind,
        value: r.kind === 'percent' ? `${r.value / 100}%` : plainAmount(r.value, ctx.school.currency),
        target: r.target,
        admissionNo: r.admission_no,
        category: r.category,
        siblingRank: r.sibling_rank === null ? null : String(r.sibling_rank),
        head: r.head,
        reason: r.reason,
      };
    }
  },
};

const CHARGES_SQL = `
  select * from (
    select s.admission_no, p.name as charge, st.route, st.name as stop, sc.starts_on, sc.stops_on,
      null as amount, null as due_on, null as label
    from student_charge sc join student s on s.id = sc.student_id join charge_plan p on p.id = sc.plan_id
    left join charge_stop st on st.id = sc.stop_id
    where (:yearId is null or p.academic_year_id = :yearId)
    union all
    select s.admission_no, h.name, null, null, null, null, d.amount, d.due_on, d.label
    from due d join student s on s.id = d.student_id join fee_head h on h.id = d.head_id
    where d.label is not null and d.installment_id is null
      and (d.source_id is null or d.source_id not in (select id from student_charge))
      and (:yearId is null or d.academic_year_id = :yearId))
  order by admission_no, charge, coalesce(starts_on, due_on)`;

/** Charges by student in the importer's layout (imports/student-charges.ts): plans students are on, and one-offs. */
export const studentChargesList: ReportDefinition<F<'student_charges_list'>> = {
  title: () => 'Charges by student',
  subtitle: () => 'Students on charge plans, and one-off charges',
  columns: () => [
    col('admissionNo', 'Admission no.'),
    col('charge', 'Charge'),
    col('route', 'Route'),
    col('stop', 'Stop'),
    col('startsOn', 'Starts on', 'date'),
    col('stopsOn', 'Stops on', 'date'),
    col('amount', 'Amount'),
    col('dueOn', 'Due on', 'date'),
    col('label', 'Label'),
  ],
  count: (f, ctx) => (ctx.raw.prepare(`select count(*) as n from (${CHARGES_SQL})`).get({ yearId: f.yearId ?? null }) as { n: number }).n,
  *rows(f, ctx) {
    type Row = {
      admission_no: string;
      charge: string;
      route: string | null;
      stop: string | null;
      starts_on: string | null;
      stops_on: string | null;
      amount: number | null;
      due_on: string | null;
      label: string | null;
    };
    for (const r of ctx.raw.prepare(CHARGES_SQL).iterate({ yearId: f.yearId ?? null }) as Iterable<Row>) {
      yield {
        admissionNo: r.admission_no,
        charge: r.charge,
        route: r.route,
        stop: r.stop,
        startsOn: r.starts_on,
        stopsOn: r.stops_on,
        amount: r.amount === null ? null : plainAmount(r.amount, ctx.school.currency),
        dueOn: r.due_on,
        label: r.label,
      };
    }
  },
};

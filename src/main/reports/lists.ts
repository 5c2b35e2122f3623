// Master lists in the layout the importers read, so export → edit → import goes round without retyping headers.
import type { ReportFilters } from '../../shared/contract/reports';
import { col, type ReportDefinition } from './definition';

type F<K extends ReportFilters['report']> = Extract<ReportFilters, { report: K }>;

const STUDENTS_SQL = `
  select s.admission_no, s.full_name, c.name as class_name, sec.name as section, s.guardian_name, s.phone, s.phone2, s.email,
    cat.name as category, f.name as family, s.joined_on
  from student s join class c on c.id = s.class_id left join section sec on sec.id = s.section_id
  left join category cat on cat.id = s.category_id left join family f on f.id = s.family_id
  where (:status = 'all' or s.status = :status) and (:classId is null or s.class_id = :classId)
  order by c.sort_order, sec.name, s.admission_no`;

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

// The principal's dashboard: today's money, this month so far against the same days of last month, trends (a point for
// every day and month, 0 where nothing came in), ageing, who owes most, what waits.
import type { Dashboard } from '../../shared/contract/reports';
import { addDays, addMonths } from '../../shared/domain/dates';
import { monthToDate } from '../../shared/domain/periods';
import { CHEQUES_PENDING_SQL, factModeLabel } from './collections';
import type { ReportContext } from './definition';
import { AGEING_BUCKETS, ageingCutoffs, overdueByStudentSql } from './dues';

/** How far back the dashboard looks for desks that took money and did not close the day. */
const UNCLOSED_LOOKBACK_DAYS = 14;

export function dashboardOf(ctx: ReportContext): Dashboard {
  const { raw, today } = ctx;
  const net = (from: string, to: string) =>
    (
      raw
        .prepare('select coalesce(sum(collected - reversed - refunded), 0) as n from collection_fact where day between ? and ?')
        .get(from, to) as {
        n: number;
      }
    ).n;
  // Like for like: the 1st to today against the same days of last month, never a part month against a whole one.
  const { current, previous } = monthToDate(today);
  const monthStart = current.from;
  const todayByMode = (
    raw
      .prepare(
        'select mode, sum(collected - reversed - refunded) as amount from collection_fact where day = ? group by mode order by amount desc',
      )
      .all(today) as { mode: string; amount: number }[]
  ).map((r) => ({ mode: factModeLabel(r.mode), amount: r.amount }));
  const byDay = new Map(
    (
      raw
        .prepare('select day, sum(collected - reversed - refunded) as amount from collection_fact where day between ? and ? group by day')
        .all(addDays(today, -29), today) as { day: string; amount: number }[]
    ).map((r) => [r.day, r.amount]),
  );
  const daily = Array.from({ length: 30 }, (_, i) => addDays(today, i - 29)).map((day) => ({ day, amount: byDay.get(day) ?? 0 }));
  const byMonth = new Map(
    (
      raw
        .prepare(
          'select substr(day, 1, 7) as month, sum(collected - reversed - refunded) as amount from collection_fact where day >= ? and day <= ? group by month',
        )
        .all(addMonths(monthStart, -11), today) as { month: string; amount: number }[]
    ).map((r) => [r.month, r.amount]),
  );
  const monthly = Array.from({ length: 12 }, (_, i) => addMonths(monthStart, i - 11).slice(0, 7)).map((month) => ({
    month,
    amount: byMonth.get(month) ?? 0,
  }));

  const overdue = overdueByStudentSql();
  const ageingRow = raw
    .prepare(
      `select ${AGEING_BUCKETS.map((b) => `coalesce(sum(${b.key}), 0) as ${b.key}, sum(${b.key} > 0) as n_${b.key}`).join(', ')} from (${overdue})`,
    )
    .get(ageingCutoffs(today)) as Record<string, number | null>;
  const ageing = AGEING_BUCKETS.map((b) => ({ bucket: b.label, amount: ageingRow[b.key] ?? 0, students: ageingRow[`n_${b.key}`] ?? 0 }));
  const topDefaultingClasses = raw
    .prepare(
      `select c.name as className, sum(o.balance) as amount, count(*) as students from (${overdue}) o
       join student s on s.id = o.student_id join class c on c.id = s.class_id group by c.id order by amount desc limit 5`,
    )
    .all(ageingCutoffs(today)) as { className: string; amount: number; students: number }[];

  const pendingConcessions = (
    raw
      .prepare('select count(*) as n from concession c where not exists (select 1 from concession_decision d where d.concession_id = c.id)')
      .get() as { n: number }
  ).n;
  const pendingCheques = (raw.prepare(`select count(*) as n from (${CHEQUES_PENDING_SQL})`).get({ asOf: today }) as { n: number }).n;
  const syncRejected = (raw.prepare("select count(*) as n from outbox where state = 'rejected'").get() as { n: number }).n;
  // Desk-days with money taken or paid back and no standing close (the latest close event is not 'closed'). Today counts too.
  const desksNotClosed = raw
    .prepare(
      `select m.desk_code as desk, m.business_date as day from (
         select desk_code, business_date from payment where business_date between :from and :to
         union select desk_code, business_date from refund where business_date between :from and :to) m
       where coalesce((select kind from day_close d where d.desk_code = m.desk_code and d.business_date = m.business_date order by d.at desc, d.id desc limit 1), '') <> 'closed'
       order by day desc, desk`,
    )
    .all({ from: addDays(today, -UNCLOSED_LOOKBACK_DAYS), to: today }) as { desk: string; day: string }[];

  return {
    today,
    currency: ctx.school.currency,
    locale: ctx.school.locale,
    todayByMode,
    monthToDate: { ...current, amount: net(current.from, current.to) },
    sameDaysLastMonth: { ...previous, amount: net(previous.from, previous.to) },
    daily,
    monthly,
    ageing,
    topDefaultingClasses,
    pending: { concessions: pendingConcessions, cheques: pendingCheques, syncRejected },
    desksNotClosed,
  };
}

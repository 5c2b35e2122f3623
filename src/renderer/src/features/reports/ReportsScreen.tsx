// The accountant's reports: pick one, set its filters, read the table with totals, export it, clear cheques.
import { Alert, Button, Group, MultiSelect, NumberInput, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import { REFUND_KIND_LABELS, REFUND_KINDS, type RefundKind } from '../../../../shared/contract/refunds';
import {
  CASHIER_REPORTS,
  GROUP_KEYS,
  type GroupKey,
  type ReportFilters,
  type ReportName,
  type ReportTable as Report,
} from '../../../../shared/contract/reports';
import type { StudentSummary } from '../../../../shared/contract/students';
import { minorDigits } from '../../../../shared/domain/money';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { StudentSearch } from '../payments/StudentSearch';
import { BankAccountSelect } from './BankAccountSelect';
import { ExportPanel } from './ExportPanel';
import { ReportTable } from './ReportTable';
import { DateField } from '../../components/DateField';
import { useDates } from '../../components/school';

const REPORTS: { value: ReportName; label: string }[] = [
  { value: 'daybook', label: 'Day book' },
  { value: 'collection', label: 'Collection summary' },
  { value: 'receipts', label: 'Receipts register' },
  { value: 'defaulters', label: 'Outstanding dues and defaulters' },
  { value: 'statement', label: 'Student statement' },
  { value: 'family_statement', label: 'Family statement' },
  { value: 'concessions', label: 'Concessions granted' },
  { value: 'reversals', label: 'Cancelled and bounced receipts' },
  { value: 'refunds', label: 'Refund vouchers' },
  { value: 'deposits', label: 'Refundable deposits held' },
  { value: 'cheques', label: 'Cheques pending clearance' },
  { value: 'reconciliation', label: 'Bank reconciliation' },
  { value: 'forecast', label: 'Expected collections forecast' },
  { value: 'journal', label: 'Accounting export (journal)' },
  { value: 'day_close', label: 'Day close report' },
  { value: 'students_list', label: 'Student list (import layout)' },
  { value: 'families_list', label: 'Family list (import layout)' },
  { value: 'structures_list', label: 'Fee structures (import layout)' },
  { value: 'concessions_list', label: 'Concessions list (import layout)' },
  { value: 'student_charges_list', label: 'Charges by student (import layout)' },
  { value: 'dues_list', label: 'Dues per student and head (import layout)' },
];

const GROUP_LABELS: Record<GroupKey, string> = {
  head: 'Fee head',
  class: 'Class',
  mode: 'Mode',
  cashier: 'Cashier',
  desk: 'Desk',
  day: 'Day',
  month: 'Month',
};

const monthStart = (iso: string) => `${iso.slice(0, 7)}-01`;

interface FilterState {
  date: string;
  from: string;
  to: string;
  asOf: string;
  groupBy: GroupKey[];
  view: 'gross' | 'net';
  yearId: string | null;
  classId: string | null;
  categoryId: string | null;
  minBalance: number | string;
  minDaysOverdue: number | string;
  student: StudentSummary | null;
  period: 'week' | 'month';
  periods: number | string;
  layout: 'tally' | 'quickbooks';
  account: string | null;
  refundKind: RefundKind | null;
}

/** `scale`: minor units per major unit of the school's currency. */
function filtersOf(report: ReportName, s: FilterState, scale: number): ReportFilters | null {
  const range = { from: s.from, to: s.to };
  switch (report) {
    case 'daybook':
      return { report, date: s.date };
    case 'receipts':
    case 'concessions':
    case 'reversals':
      return { report, ...range };
    case 'collection':
      return { report, ...range, groupBy: s.groupBy, view: s.view };
    case 'defaulters':
      return {
        report,
        asOf: s.asOf,
        ...(s.yearId ? { yearId: s.yearId } : {}),
        ...(s.classId ? { classId: s.classId } : {}),
        ...(s.categoryId ? { categoryId: s.categoryId } : {}),
        ...(s.minBalance !== '' ? { minBalance: Math.round(Number(s.minBalance) * scale) } : {}),
        ...(s.minDaysOverdue !== '' ? { minDaysOverdue: Number(s.minDaysOverdue) } : {}),
      };
    case 'statement':
      return s.student ? { report, studentId: s.student.id } : null;
    case 'family_statement':
      return s.student?.familyId ? { report, familyId: s.student.familyId } : null;
    case 'cheques':
      return { report, asOf: s.asOf };
    case 'forecast':
      return { report, from: s.asOf, period: s.period, periods: Number(s.periods) };
    case 'journal':
      return { report, ...range, layout: s.layout };
    case 'day_close':
      return { report, date: s.date };
    case 'students_list':
      return { report, status: 'active' };
    case 'families_list':
    case 'structures_list':
    case 'concessions_list':
    case 'student_charges_list':
      return { report };
    case 'dues_list':
      return { report, ...(s.classId ? { classId: s.classId } : {}), dueBy: s.asOf };
    case 'reconciliation':
      return { report, ...range, ...(s.account ? { account: s.account } : {}) };
    case 'refunds':
      return { report, ...range, ...(s.refundKind ? { kind: s.refundKind } : {}) };
    case 'deposits':
      return { report, asOf: s.asOf };
  }
}

export function ReportsScreen({ session }: { session: SessionInfo }) {
  const dates = useDates();
  const today = dates.today();
  const reports = REPORTS.filter((r) => session.user.role !== 'cashier' || CASHIER_REPORTS.has(r.value));
  const [report, setReport] = useState<ReportName>('daybook');
  const [masters, setMasters] = useState<Masters | null>(null);
  const [s, setS] = useState<FilterState>({
    date: today,
    from: monthStart(today),
    to: today,
    asOf: today,
    groupBy: ['head', 'class'],
    view: 'gross',
    yearId: null,
    classId: null,
    categoryId: null,
    minBalance: '',
    minDaysOverdue: '',
    student: null,
    period: 'month',
    periods: 3,
    layout: 'tally',
    account: null,
    refundKind: null,
  });
  const [table, setTable] = useState<{ filters: ReportFilters; data: Report } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FilterState>(key: K, value: FilterState[K]) => setS((old) => ({ ...old, [key]: value }));

  useEffect(() => {
    void request(api().masters.get()).then(setMasters, () => undefined);
  }, []);

  const filters = filtersOf(report, s, 10 ** minorDigits(session.school.currency));
  const run = () => {
    if (!filters) return setError(report === 'family_statement' ? 'Pick a student who belongs to a family.' : 'Pick a student first.');
    setBusy(true);
    setError(null);
    request(api().reports.run(filters))
      .then(
        (data) => setTable({ filters, data }),
        (e: Error) => setError(sentence(e.message)),
      )
      .finally(() => setBusy(false));
  };
  const clear = (paymentId: string) =>
    request(api().cheques.clear({ paymentId, clearedOn: today })).then(run, (e: Error) => setError(sentence(e.message)));

  const ranged = ['receipts', 'collection', 'concessions', 'reversals', 'journal', 'reconciliation', 'refunds'].includes(report);
  return (
    <Stack>
      <Title order={2}>Reports</Title>
      <Paper withBorder p="md">
        <Stack>
          <Group align="flex-end">
            <Select
              label="Report"
              data={reports.map((r) => ({ value: r.value, label: r.label }))}
              value={report}
              onChange={(v) => v && (setReport(v as ReportName), setTable(null))}
              allowDeselect={false}
              w={320}
            />
            {(report === 'daybook' || report === 'day_close') && (
              <DateField label="Day" value={s.date} onChange={(iso) => set('date', iso)} />
            )}
            {ranged && (
              <>
                <DateField label="From" value={s.from} onChange={(iso) => set('from', iso)} />
                <DateField label="To" value={s.to} onChange={(iso) => set('to', iso)} />
              </>
            )}
            {report === 'reconciliation' && <BankAccountSelect value={s.account} onChange={(v) => set('account', v)} />}
            {report === 'refunds' && (
              <Select
                label="Kind"
                clearable
                placeholder="All kinds"
                data={REFUND_KINDS.map((k) => ({ value: k, label: REFUND_KIND_LABELS[k] }))}
                value={s.refundKind}
                onChange={(v) => set('refundKind', v as RefundKind | null)}
                w={200}
              />
            )}
            {(report === 'defaulters' || report === 'cheques' || report === 'dues_list' || report === 'deposits') && (
              <DateField label={report === 'dues_list' ? 'Falling due by' : 'As of'} value={s.asOf} onChange={(iso) => set('asOf', iso)} />
            )}
            {report === 'forecast' && (
              <>
                <DateField label="From" value={s.asOf} onChange={(iso) => set('asOf', iso)} />
                <Select
                  label="Per"
                  data={[
                    { value: 'week', label: 'Week' },
                    { value: 'month', label: 'Month' },
                  ]}
                  value={s.period}
                  onChange={(v) => v && set('period', v as 'week' | 'month')}
                  allowDeselect={false}
                  w={110}
                />
                <NumberInput label="Periods" min={1} max={24} value={s.periods} onChange={(v) => set('periods', v)} w={100} />
              </>
            )}
          </Group>
          {report === 'collection' && (
            <Group align="flex-end">
              <MultiSelect
                label="Group by"
                data={GROUP_KEYS.map((k) => ({ value: k, label: GROUP_LABELS[k] }))}
                value={s.groupBy}
                onChange={(v) => set('groupBy', v as GroupKey[])}
                w={420}
              />
              <Select
                label="View"
                data={[
                  { value: 'gross', label: 'Gross and net' },
                  { value: 'net', label: 'Net only' },
                ]}
                value={s.view}
                onChange={(v) => v && set('view', v as 'gross' | 'net')}
                allowDeselect={false}
                w={160}
              />
            </Group>
          )}
          {report === 'defaulters' && (
            <Group align="flex-end">
              <Select
                label="Year"
                clearable
                placeholder="All years"
                data={(masters?.years ?? []).map((y) => ({ value: y.id, label: y.isCurrent ? `${y.name} (current)` : y.name }))}
                value={s.yearId}
                onChange={(v) => set('yearId', v)}
              />
              <Select
                label="Class"
                clearable
                placeholder="All classes"
                data={(masters?.classes ?? []).map((c) => ({ value: c.id, label: c.name }))}
                value={s.classId}
                onChange={(v) => set('classId', v)}
              />
              <Select
                label="Category"
                clearable
                placeholder="All categories"
                data={(masters?.categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
                value={s.categoryId}
                onChange={(v) => set('categoryId', v)}
              />
              <NumberInput
                label={`Balance at least (${session.school.currency})`}
                min={0}
                value={s.minBalance}
                onChange={(v) => set('minBalance', v)}
              />
              <NumberInput label="Overdue at least (days)" min={0} value={s.minDaysOverdue} onChange={(v) => set('minDaysOverdue', v)} />
            </Group>
          )}
          {report === 'journal' && (
            <Select
              label="Layout"
              data={[
                { value: 'tally', label: 'Tally' },
                { value: 'quickbooks', label: 'QuickBooks' },
              ]}
              value={s.layout}
              onChange={(v) => v && set('layout', v as 'tally' | 'quickbooks')}
              allowDeselect={false}
              w={200}
            />
          )}
          {(report === 'statement' || report === 'family_statement') && (
            <Stack gap={4}>
              <StudentSearch onPick={(student) => set('student', student)} />
              {s.student && (
                <Text size="sm">
                  Student: {s.student.fullName} ({s.student.admissionNo})
                </Text>
              )}
            </Stack>
          )}
          <Group>
            <Button onClick={run} loading={busy}>
              Show report
            </Button>
          </Group>
          {error && <Alert color="red.9">{error}</Alert>}
        </Stack>
      </Paper>
      {table && (
        <ReportTable
          table={table.data}
          session={session}
          onClear={table.filters.report === 'cheques' && session.user.role !== 'cashier' ? clear : null}
        />
      )}
      {table && (
        <Paper withBorder p="md">
          <ExportPanel
            filters={table.filters}
            baseName={`${table.filters.report}-${today}`}
            formats={table.filters.report === 'defaulters' ? ['xlsx', 'csv', 'pdf', 'letters'] : ['xlsx', 'csv', 'pdf']}
          />
        </Paper>
      )}
    </Stack>
  );
}

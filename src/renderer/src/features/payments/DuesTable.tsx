// Open dues with a checkbox each: what the payment pays, oldest first. A previous year's dues come first, under a
// heading of their year ("Arrears 2025-26"); this year's follow as before.
import { Button, Checkbox, Text } from '@mantine/core';
import type { OpenDues, OpenItemView } from '../../../../shared/contract/payments';
import { arrearsLabel, splitArrears } from '../../../../shared/domain/arrears';
import { type Column, DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

interface Props {
  dues: OpenDues;
  selected: ReadonlySet<string>;
  onToggle: (key: string) => void;
  onToggleAll: (on: boolean) => void;
  onWaive: (item: OpenItemView) => void;
  money: MoneyFormat;
}

/** The due as a person names it: its installment and head, and its year when it is arrears. */
const dueName = (item: OpenItemView): string => `${item.arrears ? `${arrearsLabel(item.year)} ` : ''}${item.installment} ${item.head}`;

export function DuesTable({ dues, selected, onToggle, onToggleAll, onWaive, money }: Props) {
  const dates = useDates();
  const { arrears, current } = splitArrears(dues.items);
  // Arrears by year, then this year's dues (under their year's name only when arrears are above them).
  const rows = [...arrears.flatMap((y) => y.items), ...current];
  const groupOf = (item: OpenItemView) => (item.arrears ? arrearsLabel(item.year) : arrears.length > 0 ? item.year : null);
  const all = dues.items.length > 0 && dues.items.every((i) => selected.has(i.key));
  const amount = (n: number) => (n > 0 ? money.format(n) : '—');
  const columns: Column<OpenItemView>[] = [
    {
      header: (
        <Checkbox
          aria-label="Select all dues"
          checked={all}
          indeterminate={!all && selected.size > 0}
          onChange={(e) => onToggleAll(e.currentTarget.checked)}
        />
      ),
      width: 40,
      cell: (item) => <Checkbox aria-label={`Pay ${dueName(item)}`} checked={selected.has(item.key)} onChange={() => onToggle(item.key)} />,
    },
    ...(dues.students.length > 1
      ? [{ header: 'Student', cell: (item: OpenItemView) => dues.students.find((s) => s.id === item.studentId)?.fullName ?? '' }]
      : []),
    { header: 'Installment', cell: (item) => item.installment },
    {
      header: 'Head',
      cell: (item) =>
        item.kind === 'fine' ? (
          <Text c="red.9" span>
            {item.head}
          </Text>
        ) : (
          item.head
        ),
    },
    { header: 'Due on', cell: (item) => dates.date(item.dueOn) },
    { header: 'Amount', align: 'right', cell: (item) => money.format(item.gross) },
    { header: 'Concession', align: 'right', cell: (item) => amount(item.concession + item.waived) },
    { header: 'Paid', align: 'right', cell: (item) => amount(item.paid) },
    {
      header: 'Balance',
      align: 'right',
      cell: (item) => (
        <Text fw={600} span>
          {money.format(item.balance)}
        </Text>
      ),
    },
    {
      header: 'Actions',
      cell: (item) => (
        <Button size="compact-xs" variant="default" aria-label={`Waive ${dueName(item)}`} onClick={() => onWaive(item)}>
          Waive…
        </Button>
      ),
    },
  ];
  return (
    <DataTable
      label="Open dues"
      bordered
      rows={rows}
      rowKey={(item) => item.key}
      columns={columns}
      groupOf={groupOf}
      empty="Nothing is due."
    />
  );
}

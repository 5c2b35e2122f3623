// Open dues with a checkbox each: what the payment pays, oldest first.
import { Checkbox, Table, Text } from '@mantine/core';
import type { OpenDues } from '../../../../shared/contract/payments';
import type { MoneyFormat } from '../../components/money';

interface Props {
  dues: OpenDues;
  selected: ReadonlySet<string>;
  onToggle: (key: string) => void;
  onToggleAll: (on: boolean) => void;
  money: MoneyFormat;
}

export function DuesTable({ dues, selected, onToggle, onToggleAll, money }: Props) {
  const many = dues.students.length > 1;
  const nameOf = (id: string) => dues.students.find((s) => s.id === id)?.fullName ?? '';
  const all = dues.items.length > 0 && dues.items.every((i) => selected.has(i.key));
  return (
    <Table striped withTableBorder aria-label="Open dues" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40}>
            <Checkbox aria-label="Select all dues" checked={all} indeterminate={!all && selected.size > 0} onChange={(e) => onToggleAll(e.currentTarget.checked)} />
          </Table.Th>
          {many && <Table.Th>Student</Table.Th>}
          <Table.Th>Installment</Table.Th>
          <Table.Th>Head</Table.Th>
          <Table.Th>Due on</Table.Th>
          <Table.Th ta="right">Amount</Table.Th>
          <Table.Th ta="right">Concession</Table.Th>
          <Table.Th ta="right">Paid</Table.Th>
          <Table.Th ta="right">Balance</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {dues.items.map((item) => (
          <Table.Tr key={item.key}>
            <Table.Td>
              <Checkbox aria-label={`Pay ${item.installment} ${item.head}`} checked={selected.has(item.key)} onChange={() => onToggle(item.key)} />
            </Table.Td>
            {many && <Table.Td>{nameOf(item.studentId)}</Table.Td>}
            <Table.Td>{item.installment}</Table.Td>
            <Table.Td>{item.kind === 'fine' ? <Text c="red.9" span>{item.head}</Text> : item.head}</Table.Td>
            <Table.Td>{item.dueOn}</Table.Td>
            <Table.Td ta="right">{money.format(item.gross)}</Table.Td>
            <Table.Td ta="right">{item.concession + item.waived > 0 ? money.format(item.concession + item.waived) : '—'}</Table.Td>
            <Table.Td ta="right">{item.paid > 0 ? money.format(item.paid) : '—'}</Table.Td>
            <Table.Td ta="right" fw={600}>
              {money.format(item.balance)}
            </Table.Td>
          </Table.Tr>
        ))}
        {dues.items.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={many ? 9 : 8}>
              <Text>Nothing is due.</Text>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );
}

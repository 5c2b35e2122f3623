// A student's statement with a running balance.
import { Group, Table, Text } from '@mantine/core';
import type { Ledger } from '../../../../shared/contract/payments';
import type { MoneyFormat } from '../../components/money';

export function LedgerTable({ ledger, money }: { ledger: Ledger; money: MoneyFormat }) {
  const t = ledger.totals;
  return (
    <>
      <Table striped withTableBorder aria-label="Student ledger" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Entry</Table.Th>
            <Table.Th ta="right">Debit</Table.Th>
            <Table.Th ta="right">Credit</Table.Th>
            <Table.Th ta="right">Balance</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ledger.entries.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td>{e.date}</Table.Td>
              <Table.Td>{e.description}</Table.Td>
              <Table.Td ta="right">{e.debit ? money.format(e.debit) : ''}</Table.Td>
              <Table.Td ta="right">{e.credit ? money.format(e.credit) : ''}</Table.Td>
              <Table.Td ta="right">{money.format(e.balance)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group mt="sm" gap="xl">
        <Text>Charged {money.format(t.charged)}</Text>
        <Text>Concessions {money.format(t.concessions)}</Text>
        <Text>Paid {money.format(t.paid)}</Text>
        <Text fw={700} data-testid="ledger-balance">
          Balance {money.format(t.balance)}
        </Text>
      </Group>
    </>
  );
}

// A student's statement with a running balance.
import { Group, Text } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import type { Ledger } from '../../../../shared/contract/payments';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

export function LedgerTable({ ledger, money }: { ledger: Ledger; money: MoneyFormat }) {
  const t = ledger.totals;
  const dates = useDates();
  return (
    <>
      <DataTable
        label="Student ledger"
        bordered
        rows={ledger.entries}
        rowKey={(_, i) => i}
        columns={[
          { header: 'Date', cell: (e) => dates.date(e.date) },
          { header: 'Entry', cell: (e) => e.description },
          { header: 'Debit', align: 'right', cell: (e) => (e.debit ? money.format(e.debit) : '') },
          { header: 'Credit', align: 'right', cell: (e) => (e.credit ? money.format(e.credit) : '') },
          { header: 'Balance', align: 'right', cell: (e) => money.format(e.balance) },
        ]}
      />
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

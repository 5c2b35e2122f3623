// What the open student owes, at the top of the collect screen: what has fallen due, a previous year's arrears apart
// from this year's dues.
import { Stack, Text } from '@mantine/core';
import type { OpenDues } from '../../../../shared/contract/payments';
import { arrearsLabel, splitArrears } from '../../../../shared/domain/arrears';
import { fallenDue, sumBalances } from '../../../../shared/domain/due-now';
import type { MoneyFormat } from '../../components/money';

export function DuesTotals({ dues, money }: { dues: OpenDues; money: MoneyFormat }) {
  const { arrears, currentTotal } = splitArrears(dues.items);
  return (
    <Stack gap={0} align="flex-end">
      <Text fw={700} size="lg" data-testid="outstanding">
        Due now {money.format(sumBalances(fallenDue(dues.items, dues.asOf)))}
      </Text>
      {arrears.map((y) => (
        <Text size="sm" fw={600} key={y.year} data-testid="arrears-total">
          {arrearsLabel(y.year)} {money.format(y.total)}
        </Text>
      ))}
      <Text size="sm" data-testid="year-total">
        Whole year {money.format(currentTotal)}
      </Text>
    </Stack>
  );
}

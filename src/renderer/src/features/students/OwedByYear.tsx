// What a student still owes, academic year by academic year, and the advance credit the school holds for them: shown
// before leaving, and on a left student's record, where it decides whether a no-dues certificate can be printed.
import { Alert, Stack, Text } from '@mantine/core';
import type { Owed } from '../../../../shared/contract/students';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

/** "₹4,750.00 (2025-26: ₹3,250.00; 2026-27: ₹1,500.00)". */
export const owedInWords = (owed: Owed, money: MoneyFormat) =>
  `${money.format(owed.total)} (${owed.years.map((y) => `${y.yearName}: ${money.format(y.total)}`).join('; ')})`;

export function OwedByYear({ owed, money, who, left }: { owed: Owed; money: MoneyFormat; who: string; left: boolean }) {
  const dates = useDates();
  const credit =
    owed.credit > 0 ? (
      <Text>
        The school holds {money.format(owed.credit)} of advance credit for {who}: it is theirs, to refund at the counter.
      </Text>
    ) : null;
  if (owed.total === 0) {
    return (
      <Stack gap={4} component="section" aria-label="Still owed">
        <Text>
          {left
            ? `${who} owes nothing as of ${dates.date(owed.asOf)}.`
            : `Nothing stays owed after leaving, as of ${dates.date(owed.asOf)}.`}
        </Text>
        {credit}
      </Stack>
    );
  }
  return (
    <section aria-label="Still owed">
      <Alert color="red.9" title={left ? `${who} still owes fees` : 'Still owed after leaving'}>
        <Stack gap={4}>
          <Text>
            {left ? '' : 'Leaving is still allowed, but '}
            {who} {left ? 'owes' : 'will still owe'} {owedInWords(owed, money)} as of {dates.date(owed.asOf)}: a no-dues certificate can be
            printed only once it is paid.
          </Text>
          <DataTable
            label="Still owed by year"
            bordered
            rows={owed.years}
            rowKey={(y) => y.yearId}
            columns={[
              { header: 'Academic year', cell: (y) => y.yearName },
              { header: 'Dues open', align: 'right', cell: (y) => money.format(y.dues) },
              { header: 'Late fines to date', align: 'right', cell: (y) => money.format(y.fines) },
              { header: 'Owed', align: 'right', cell: (y) => money.format(y.total) },
            ]}
          />
          <Text ta="right" fw={700}>
            Total owed: {money.format(owed.total)}
          </Text>
          {credit}
        </Stack>
      </Alert>
    </section>
  );
}

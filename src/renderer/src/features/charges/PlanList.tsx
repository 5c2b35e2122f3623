// The year's charge plans: kind, head, installments and how many students are on each; transport's stops with fares.
import { Paper, Stack, Text, Title } from '@mantine/core';
import type { ChargePlan } from '../../../../shared/contract/charges';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { type Dates, useDates } from '../../components/school';
import { KIND_LABELS } from './plan-draft';

/** "₹1,200.00 each installment", or each installment's fare when they differ. */
export function faresText(fares: number[], plan: Pick<ChargePlan, 'installments'>, money: MoneyFormat): string {
  if (fares.length > 0 && fares.every((f) => f === fares[0])) return `${money.format(fares[0]!)} each installment`;
  return fares.map((f, i) => `${plan.installments[i]?.label ?? i + 1} ${money.format(f)}`).join(' · ');
}

/** "12 installments, 5 Apr 2026 to 5 Mar 2027", or "1 installment, due 10 Apr 2026". */
function scheduleText(installments: ChargePlan['installments'], dates: Dates): string {
  const first = installments[0];
  const last = installments.at(-1);
  if (!first || !last) return 'no installments';
  if (installments.length === 1) return `1 installment, due ${dates.date(first.dueOn)}`;
  return `${installments.length} installments, ${dates.date(first.dueOn)} to ${dates.date(last.dueOn)}`;
}

const studentsText = (n: number) => (n === 1 ? '1 student on it' : `${n} students on it`);

export function PlanList({ plans, money }: { plans: ChargePlan[]; money: MoneyFormat }) {
  const dates = useDates();
  if (plans.length === 0)
    return (
      <Paper withBorder p="sm">
        <Text>No charge plans for this year yet. Create one below: transport by route and stop, hostel, an activity.</Text>
      </Paper>
    );
  return (
    <Stack gap="sm">
      {plans.map((plan) => {
        return (
          <Paper key={plan.id} withBorder p="sm" component="section" aria-label={`Plan ${plan.name}`}>
            <Title order={4}>{plan.name}</Title>
            <Text>
              {KIND_LABELS[plan.kind]} · head {plan.headName} · {scheduleText(plan.installments, dates)} · {studentsText(plan.students)}
            </Text>
            {plan.kind === 'transport' ? (
              <DataTable
                label={`Stops of ${plan.name}`}
                rows={plan.stops}
                rowKey={(s) => s.id}
                columns={[
                  { header: 'Route', cell: (s) => s.route },
                  { header: 'Stop', cell: (s) => s.name },
                  { header: 'Fare', cell: (s) => faresText(s.fares, plan, money) },
                ]}
              />
            ) : (
              <Text>Fare: {faresText(plan.fares, plan, money)}</Text>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

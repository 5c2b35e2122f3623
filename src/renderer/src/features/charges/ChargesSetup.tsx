// Fee set-up's Charges tab: the current year's charge plans, and the form for a new one.
import { Alert, Stack } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { ChargePlan } from '../../../../shared/contract/charges';
import type { Masters } from '../../../../shared/contract/masters';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { mayCall } from '../../components/access';
import { moneyFor } from '../../components/money';
import { PlanForm } from './PlanForm';
import { PlanList } from './PlanList';

export function ChargesSetup({ session }: { session: SessionInfo }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const [masters, setMasters] = useState<Masters | null>(null);
  const [plans, setPlans] = useState<ChargePlan[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const year = masters?.years.find((y) => y.isCurrent);

  useEffect(() => {
    request(api().masters.get()).then(setMasters, (e: Error) => setFailure(sentence(e.message)));
  }, []);
  const load = useCallback(() => {
    if (!year) return;
    request(api().charges.plans({ yearId: year.id })).then(setPlans, (e: Error) => setFailure(sentence(e.message)));
  }, [year]);
  useEffect(load, [load]);

  if (failure) return <Alert color="red">{failure}</Alert>;
  if (!masters) return null;
  if (!year) return <Alert>Create an academic year first: charge plans belong to one.</Alert>;
  return (
    <Stack>
      <PlanList plans={plans} money={money} />
      {mayCall(session.user.role, 'charges.createPlan') && <PlanForm masters={masters} year={year} money={money} onCreated={load} />}
    </Stack>
  );
}

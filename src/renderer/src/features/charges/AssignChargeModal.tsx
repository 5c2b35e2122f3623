// Puts the students ticked in the register on a charge plan from a day (their dues from the installment in force that
// day), at a stop for transport, and optionally until another day.
import { Alert, Modal, NativeSelect, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { ChargePlan } from '../../../../shared/contract/charges';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { DateField } from '../../components/DateField';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { faresText } from './PlanList';
import { namesOf, studentsCount } from './students-text';

interface Props {
  students: StudentSummary[];
  yearId: string;
  money: MoneyFormat;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function AssignChargeModal({ students, yearId, money, onClose, onDone }: Props) {
  const dates = useDates();
  const [plans, setPlans] = useState<ChargePlan[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { planId: '', stopId: '', startsOn: '', stopsOn: '' },
    validate: { startsOn: (v) => (v ? null : 'Enter the day they start') },
  });
  useEffect(() => {
    request(api().charges.plans({ yearId })).then(setPlans, (e: Error) => setFailure(sentence(e.message)));
  }, [yearId]);
  // The first plan until another is chosen.
  const planId = form.values.planId || plans?.[0]?.id || '';
  const plan = plans?.find((p) => p.id === planId);
  const routes = [...new Set(plan?.stops.map((s) => s.route) ?? [])];

  const submit = form.onSubmit(async (v) => {
    if (!plan) return;
    if (plan.kind === 'transport' && !v.stopId) {
      form.setFieldError('stopId', 'Choose the stop they board at');
      return;
    }
    setFailure(null);
    try {
      const r = await request(
        api().charges.assign({
          planId,
          studentIds: students.map((s) => s.id),
          stopId: plan.kind === 'transport' ? v.stopId || null : null,
          startsOn: v.startsOn,
          stopsOn: v.stopsOn || null,
        }),
      );
      const until = v.stopsOn ? ` to ${dates.date(v.stopsOn)}` : '';
      onDone(
        `${plan.name}: ${studentsCount(r.assigned)} put on from ${dates.date(v.startsOn)}${until} — ${r.duesCreated} dues, ${money.format(r.amount)} in all.`,
      );
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Modal opened onClose={onClose} title={`Put ${studentsCount(students.length)} on a charge`} size="lg">
      <form onSubmit={submit} aria-label="Put on a charge">
        <Stack gap="sm">
          <Text size="sm">{namesOf(students)}</Text>
          {plans?.length === 0 && <Alert color="blue.9">No charge plans for this year yet: create one in Fee set-up → Charges.</Alert>}
          {plans && plans.length > 0 && (
            <>
              <NativeSelect
                label="Plan"
                data-autofocus
                data={plans.map((p) => ({ value: p.id, label: `${p.name} (${p.headName})` }))}
                {...form.getInputProps('planId')}
                value={planId}
                onChange={(e) => {
                  form.setFieldValue('planId', e.currentTarget.value);
                  form.setFieldValue('stopId', '');
                }}
              />
              {plan?.kind === 'transport' && (
                <NativeSelect
                  label="Stop they board at"
                  data={[
                    { value: '', label: 'Choose the stop' },
                    ...routes.map((route) => ({
                      group: route,
                      items: plan.stops
                        .filter((s) => s.route === route)
                        .map((s) => ({ value: s.id, label: `${s.name} — ${faresText(s.fares, plan, money)}` })),
                    })),
                  ]}
                  {...form.getInputProps('stopId')}
                />
              )}
              <DateField label="Starts on" description="Dues from the installment in force that day" {...form.getInputProps('startsOn')} />
              <DateField label="Stops on (optional)" description="Leave empty to the end of the year" {...form.getInputProps('stopsOn')} />
            </>
          )}
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label={`Put ${studentsCount(students.length)} on it`} />
        </Stack>
      </form>
    </Modal>
  );
}

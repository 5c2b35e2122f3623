// A new charge plan for the year: its kind, fee head, name and installments; for transport the stops of each route with
// their fares, for anything else one fare per installment. Refusals land on the field they name.
import { Fieldset, NativeSelect, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { ChargePlan } from '../../../../shared/contract/charges';
import type { Masters } from '../../../../shared/contract/masters';
import { ApiError, api, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { FaresInput } from './FaresInput';
import { InstallmentsInput } from './InstallmentsInput';
import { emptyDraft, formField, KIND_LABELS, planInput, type ChargeKind, type PlanDraft } from './plan-draft';
import { StopsInput } from './StopsInput';

type Year = Masters['years'][number];

/** Fields with a place of their own on this form; a refusal naming another is shown at the foot. */
const placed = (field: string) => /^(name|headId|kind|fares|installments|stops)(\.|$)/.test(field);

export function PlanForm({
  masters,
  year,
  money,
  onCreated,
}: {
  masters: Masters;
  year: Year;
  money: MoneyFormat;
  onCreated: (plan: ChargePlan) => void;
}) {
  const heads = masters.heads.filter((h) => !h.systemCode);
  const [draft, setDraft] = useState<PlanDraft>(() => emptyDraft(heads[0]?.id ?? ''));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [note, setNote] = useState<FormNote | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const change = (part: Partial<PlanDraft>) => setDraft((d) => ({ ...d, ...part }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNote(null);
    const made = planInput(draft, year.id, money);
    if ('errors' in made) {
      setErrors(made.errors);
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      const plan = await request(api().charges.createPlan(made.input));
      setDraft(emptyDraft(draft.headId));
      setNote({ ok: true, text: `${plan.name} created. Put students on it from the Students screen: tick them, then “Put on a charge…”.` });
      onCreated(plan);
    } catch (err) {
      if (err instanceof ApiError && err.field && placed(err.field)) setErrors({ [formField(err.field)]: messageForField(err) });
      else setNote({ ok: false, text: sentence((err as Error).message) });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)} aria-label="New charge plan">
        <Stack gap="sm">
          <Title order={4}>New charge plan for {year.name}</Title>
          <SimpleGrid cols={3}>
            <NativeSelect
              label="Kind"
              description="Transport is charged by stop; others, one fare"
              data={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
              value={draft.kind}
              onChange={(e) => change({ kind: e.currentTarget.value as ChargeKind })}
              error={errors['kind']}
            />
            <NativeSelect
              label="Fee head"
              description="Receipts and reports show its dues under it"
              data={heads.map((h) => ({ value: h.id, label: h.name }))}
              value={draft.headId}
              onChange={(e) => change({ headId: e.currentTarget.value })}
              error={errors['headId']}
            />
            <TextInput
              label="Name"
              description="Shown on each due: “School bus — Oct”"
              placeholder={draft.kind === 'transport' ? 'School bus' : draft.kind === 'hostel' ? 'Hostel' : 'Music class'}
              value={draft.name}
              onChange={(e) => change({ name: e.currentTarget.value })}
              error={errors['name']}
            />
          </SimpleGrid>
          <InstallmentsInput
            installments={draft.installments}
            year={year}
            onChange={(installments) => change({ installments })}
            errors={errors}
          />
          {draft.kind === 'transport' ? (
            <StopsInput stops={draft.stops} installments={draft.installments} onChange={(stops) => change({ stops })} errors={errors} />
          ) : (
            <Fieldset legend="Fare">
              <FaresInput
                of={draft.name.trim() || 'The plan'}
                fares={draft.fares}
                installments={draft.installments}
                onChange={(fares) => change({ fares })}
                error={errors['fares']}
              />
            </Fieldset>
          )}
          <FormFooter note={note} submitting={submitting} label="Create plan" />
        </Stack>
      </form>
    </Paper>
  );
}

// A plan's installments: a label and a due date each, typed or filled in one go as the year's months on the 5th.
import { Button, CloseButton, Fieldset, Group, SimpleGrid, Text, TextInput } from '@mantine/core';
import { DateField } from '../../components/DateField';
import { useDates } from '../../components/school';
import { monthlyOnThe5th, type InstallmentDraft } from './plan-draft';

interface Props {
  installments: InstallmentDraft[];
  year: { name: string; startsOn: string };
  onChange: (installments: InstallmentDraft[]) => void;
  errors: Record<string, string>;
}

export function InstallmentsInput({ installments, year, onChange, errors }: Props) {
  const dates = useDates();
  const first = monthlyOnThe5th(year.startsOn);
  const set = (i: number, change: Partial<InstallmentDraft>) => onChange(installments.map((x, j) => (j === i ? { ...x, ...change } : x)));
  return (
    <Fieldset legend={`Installments (${installments.length})`}>
      <Group gap="xs" mb="xs">
        <Button variant="default" size="xs" onClick={() => onChange(first)}>
          Monthly, {first[0]!.label}–{first.at(-1)!.label}, on the 5th
        </Button>
        <Button variant="default" size="xs" onClick={() => onChange([...installments, { label: '', dueOn: '' }])}>
          Add an installment
        </Button>
        <Text size="sm">
          {year.name}: {dates.date(year.startsOn)} onwards. Students put on the plan pay from the installment in force the day they start.
        </Text>
      </Group>
      <SimpleGrid cols={3} spacing="md" verticalSpacing={4}>
        {installments.map((inst, i) => (
          <Group key={i} gap={4} align="flex-start" wrap="nowrap">
            <TextInput
              label={`Label ${i + 1}`}
              value={inst.label}
              onChange={(e) => set(i, { label: e.currentTarget.value })}
              error={errors[`installments.${i}.label`]}
              w={90}
            />
            <DateField
              label={`Due on ${i + 1}`}
              value={inst.dueOn}
              onChange={(dueOn) => set(i, { dueOn })}
              error={errors[`installments.${i}.dueOn`]}
              w={200}
            />
            <CloseButton
              mt={28}
              aria-label={`Remove installment ${i + 1}`}
              onClick={() => onChange(installments.filter((_, j) => j !== i))}
            />
          </Group>
        ))}
      </SimpleGrid>
      {errors['installments'] && (
        <Text c="red.9" size="sm" role="alert" mt="xs">
          {errors['installments']}
        </Text>
      )}
    </Fieldset>
  );
}

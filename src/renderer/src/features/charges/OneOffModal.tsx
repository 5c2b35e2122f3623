// A charge once (a trip, a lost ID card, books or uniform) to the students ticked: one due each, on the day given.
import { Modal, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { DateField } from '../../components/DateField';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { namesOf, studentsCount } from './students-text';

interface Props {
  students: StudentSummary[];
  masters: Masters;
  money: MoneyFormat;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function OneOffModal({ students, masters, money, onClose, onDone }: Props) {
  const dates = useDates();
  const heads = masters.heads.filter((h) => !h.systemCode);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { headId: heads[0]?.id ?? '', label: '', amount: '', dueOn: dates.today() },
    validate: {
      amount: (v) => ((money.parse(v) ?? 0) > 0 ? null : 'Enter the amount, like 150'),
      dueOn: (v) => (v ? null : 'Enter the day it is due'),
    },
  });

  const submit = form.onSubmit(async (v) => {
    setFailure(null);
    try {
      const r = await request(
        api().charges.oneOff({
          studentIds: students.map((s) => s.id),
          headId: v.headId,
          label: v.label,
          amount: money.parse(v.amount)!,
          dueOn: v.dueOn,
        }),
      );
      onDone(
        `${v.label.trim()}: ${money.format(money.parse(v.amount)!)} charged to ${studentsCount(r.duesCreated)}, due ${dates.date(v.dueOn)} — ${money.format(r.amount)} in all.`,
      );
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Modal opened onClose={onClose} title={`One-off charge to ${studentsCount(students.length)}`} size="lg">
      <form onSubmit={submit} aria-label="One-off charge">
        <Stack gap="sm">
          <Text size="sm">{namesOf(students)}</Text>
          <TextInput label="What it is for" placeholder="Trip to Mysore" data-autofocus {...form.getInputProps('label')} />
          <SimpleGrid cols={2}>
            <TextInput label="Amount each" inputMode="decimal" {...form.getInputProps('amount')} />
            <NativeSelect label="Fee head" data={heads.map((h) => ({ value: h.id, label: h.name }))} {...form.getInputProps('headId')} />
          </SimpleGrid>
          <DateField label="Due on" {...form.getInputProps('dueOn')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label={`Charge ${studentsCount(students.length)}`} />
        </Stack>
      </form>
    </Modal>
  );
}

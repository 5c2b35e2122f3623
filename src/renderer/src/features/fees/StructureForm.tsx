// A new fee structure: class, plan from a first due date, and an amount per head (split evenly).
import { NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import { planInstallments } from '../../../../shared/domain/installments';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { DateField } from '../../components/DateField';

type StandardPlan = 'monthly' | 'quarterly' | 'termwise' | 'annual';

export function StructureForm({ masters, yearId, money, onCreated }: { masters: Masters; yearId: string; money: MoneyFormat; onCreated: () => void }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const heads = masters.heads.filter((h) => !h.systemCode);
  const form = useForm({
    initialValues: {
      classId: masters.classes[0]?.id ?? '',
      categoryId: '',
      name: '',
      plan: 'quarterly' as StandardPlan,
      firstDueOn: '',
      amounts: Object.fromEntries(heads.map((h) => [h.id, ''])) as Record<string, string>,
      fine: '',
    },
  });

  const submit = form.onSubmit(async (v) => {
    const parsed = heads.map((h) => [h.id, v.amounts[h.id]?.trim() ? money.parse(v.amounts[h.id]!) : 0] as const);
    const bad = parsed.find(([, a]) => a === null);
    if (bad) return form.setFieldError(`amounts.${bad[0]}`, 'Enter an amount');
    const fine = v.fine.trim() ? money.parse(v.fine) : null;
    try {
      await request(
        api().structures.create({
          yearId,
          classId: v.classId,
          categoryId: v.categoryId || null,
          name: v.name,
          plan: v.plan,
          installments: /^\d{4}-\d{2}-\d{2}$/.test(v.firstDueOn) ? planInstallments(v.plan, v.firstDueOn) : [],
          heads: parsed.filter(([, a]) => (a ?? 0) > 0).map(([headId, amount]) => ({ headId, amount: amount! })),
          fineRule: fine ? { kind: 'per_day', graceDays: 10, perDay: fine, cap: fine * 50 } : null,
        }),
      );
      form.reset();
      setNote({ ok: true, text: 'Structure created. Assign it to make dues.' });
      onCreated();
    } catch (err) {
      const text = showApiError(form, err, { installments: 'firstDueOn' });
      setNote(text ? { ok: false, text } : null);
    }
  });

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="New fee structure">
        <Stack>
          <Title order={4}>New fee structure</Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <NativeSelect label="Class" data={masters.classes.map((c) => ({ value: c.id, label: c.name }))} {...form.getInputProps('classId')} />
            <NativeSelect label="Category (optional)" data={[{ value: '', label: 'All students' }, ...masters.categories.map((c) => ({ value: c.id, label: c.name }))]} {...form.getInputProps('categoryId')} />
            <NativeSelect label="Plan" data={['monthly', 'quarterly', 'termwise', 'annual']} {...form.getInputProps('plan')} />
            <DateField label="First due date" {...form.getInputProps('firstDueOn')} />
            <TextInput label="Late fine per day (after 10 days)" {...form.getInputProps('fine')} />
          </SimpleGrid>
          <Text fw={600}>Yearly amount per head (split evenly across installments)</Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {heads.map((h) => (
              <TextInput key={h.id} label={h.name} {...form.getInputProps(`amounts.${h.id}`)} />
            ))}
          </SimpleGrid>
          <FormFooter note={note} submitting={form.submitting} label="Create structure" />
        </Stack>
      </form>
    </Paper>
  );
}

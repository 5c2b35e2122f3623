// One-line forms for the small master lists.
import { Checkbox, Group, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import { DateField } from '../../components/DateField';

function QuickForm({
  title,
  fields,
  dateFields = [],
  checks = [],
  submit,
  onAdded,
}: {
  title: string;
  fields: [string, string][];
  dateFields?: string[];
  /** Boxes to tick, as [field, label]: their value is 'yes' when ticked, '' when not. */
  checks?: [string, string][];
  submit: (v: Record<string, string>) => Promise<unknown>;
  onAdded: () => void;
}) {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm<Record<string, string>>({ initialValues: Object.fromEntries([...fields, ...checks].map(([f]) => [f, ''])) });
  return (
    <Paper withBorder p="sm">
      <form
        aria-label={title}
        onSubmit={form.onSubmit(async (v) => {
          try {
            await submit(v);
            form.reset();
            setNote({ ok: true, text: 'Added.' });
            onAdded();
          } catch (err) {
            const text = showApiError(form, err);
            setNote(text ? { ok: false, text } : null);
          }
        })}
      >
        <Stack gap="xs">
          <Title order={5}>{title}</Title>
          <Group grow align="flex-start">
            {fields.map(([f, label]) =>
              dateFields.includes(f) ? (
                <DateField key={f} label={label} {...form.getInputProps(f)} />
              ) : (
                <TextInput key={f} label={label} {...form.getInputProps(f)} />
              ),
            )}
          </Group>
          {checks.map(([f, label]) => (
            <Checkbox
              key={f}
              label={label}
              checked={form.values[f] === 'yes'}
              onChange={(e) => form.setFieldValue(f, e.currentTarget.checked ? 'yes' : '')}
            />
          ))}
          <FormFooter note={note} submitting={form.submitting} label="Add" />
        </Stack>
      </form>
    </Paper>
  );
}

export function QuickAddForms({ onAdded }: { onAdded: () => void }) {
  // Two a row: the year's date boxes need the width to show what was typed and how it reads back.
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <QuickForm
        title="New academic year"
        fields={[
          ['name', 'Name (2027-28)'],
          ['startsOn', 'Starts'],
          ['endsOn', 'Ends'],
        ]}
        dateFields={['startsOn', 'endsOn']}
        submit={(v) => request(api().masters.createYear({ name: v.name!, startsOn: v.startsOn!, endsOn: v.endsOn! }))}
        onAdded={onAdded}
      />
      <QuickForm
        title="New class"
        fields={[
          ['name', 'Class'],
          ['sections', 'Sections (A, B)'],
          ['sortOrder', 'Order'],
        ]}
        submit={(v) =>
          request(
            api().masters.createClass({
              name: v.name!,
              sortOrder: Number(v.sortOrder || 0),
              sections: (v.sections ?? '')
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }),
          )
        }
        onAdded={onAdded}
      />
      <QuickForm
        title="New fee head"
        fields={[['name', 'Head']]}
        checks={[['deposit', 'Refundable deposit (caution money, not income)']]}
        submit={(v) => request(api().masters.createHead({ name: v.name!, deposit: v.deposit === 'yes' }))}
        onAdded={onAdded}
      />
      <QuickForm
        title="New category"
        fields={[['name', 'Category']]}
        submit={(v) => request(api().masters.createCategory({ name: v.name! }))}
        onAdded={onAdded}
      />
    </SimpleGrid>
  );
}

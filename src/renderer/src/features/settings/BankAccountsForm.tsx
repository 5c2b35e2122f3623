// The school's bank accounts whose statements are reconciled: number, a label, and whose layout its statements have.
// Another bank's statements are read through a column mapping, remembered here from the first statement read.
import { Button, Fieldset, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { BankAccount } from '../../../../shared/contract/reconcile';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';

export const BANK_LAYOUT_LABELS: Record<BankAccount['layout'], string> = {
  sbi: 'State Bank of India',
  hdfc: 'HDFC Bank',
  icici: 'ICICI Bank',
  axis: 'Axis Bank',
  kotak: 'Kotak Mahindra Bank',
  other: 'Other bank',
};

const NEW_ACCOUNT: BankAccount = { number: '', label: '', layout: 'sbi', mapping: null };
const digits = (number: string) => number.replace(/[\s-]/g, '');

export function BankAccountsForm() {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({
    initialValues: { bankAccounts: [] as BankAccount[] },
    validate: {
      bankAccounts: {
        number: (number, { bankAccounts }, path) => {
          const index = Number(path.split('.')[1]);
          const first = bankAccounts.findIndex((a) => digits(a.number) === digits(number));
          return digits(number) !== '' && first < index ? `Listed already, as account ${first + 1}` : null;
        },
      },
    },
  });
  useEffect(() => {
    request(api().settings.get()).then(
      ({ bankAccounts }) => {
        form.setValues({ bankAccounts });
        form.resetDirty();
      },
      () => undefined,
    );
    // Loaded once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = form.onSubmit(async ({ bankAccounts }) => {
    setNote(null);
    try {
      // A bank FeeDesk knows is read its own way: a mapping kept from when it was "other" would override that.
      const saved = await request(
        api().settings.update({ bankAccounts: bankAccounts.map((a) => ({ ...a, mapping: a.layout === 'other' ? a.mapping : null })) }),
      );
      form.setValues({ bankAccounts: saved.bankAccounts });
      setNote({ ok: true, text: 'Saved.' });
    } catch (err) {
      const text = showApiError(form, err);
      setNote(text ? { ok: false, text } : null);
    }
  });
  const accounts = form.values.bankAccounts;
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="Bank accounts">
        <Stack>
          <Title order={4}>Bank accounts</Title>
          <Text size="sm" c="dimmed">
            The school’s accounts whose statements are reconciled with the books under Bank reconciliation.
          </Text>
          {accounts.length === 0 && <Text>No bank accounts yet.</Text>}
          {accounts.map((account, i) => (
            <Fieldset key={i} legend={`Account ${i + 1}`} variant="filled">
              <Stack gap="xs">
                <Group grow align="flex-start">
                  <TextInput label="Account number" inputMode="numeric" {...form.getInputProps(`bankAccounts.${i}.number`)} />
                  <NativeSelect
                    label="Bank"
                    data={Object.entries(BANK_LAYOUT_LABELS).map(([value, label]) => ({ value, label }))}
                    {...form.getInputProps(`bankAccounts.${i}.layout`)}
                  />
                </Group>
                <TextInput
                  label="Label"
                  description="How screens and reports name it, e.g. Fees account (SBI)"
                  {...form.getInputProps(`bankAccounts.${i}.label`)}
                />
                {account.layout === 'other' && (
                  <MappingNote account={account} onForget={() => form.setFieldValue(`bankAccounts.${i}.mapping`, null)} />
                )}
                <Group justify="flex-end">
                  <Button variant="default" color="red" size="xs" onClick={() => form.removeListItem('bankAccounts', i)}>
                    Remove account {i + 1}
                  </Button>
                </Group>
              </Stack>
            </Fieldset>
          ))}
          {typeof form.errors['bankAccounts'] === 'string' && (
            <Text c="red.9" role="alert">
              {form.errors['bankAccounts']}
            </Text>
          )}
          <Group>
            <Button variant="default" onClick={() => form.insertListItem('bankAccounts', { ...NEW_ACCOUNT })}>
              Add a bank account
            </Button>
          </Group>
          <FormFooter note={note} submitting={form.submitting} label="Save bank accounts" />
        </Stack>
      </form>
    </Paper>
  );
}

/** Another bank's columns: asked for with its first statement, and forgotten here when they were chosen wrong. */
function MappingNote({ account, onForget }: { account: BankAccount; onForget: () => void }) {
  if (!account.mapping)
    return <Text size="sm">Its statement’s columns are asked for when the first statement is read, and remembered from then on.</Text>;
  const { bank, columns } = account.mapping;
  return (
    <Group justify="space-between" wrap="nowrap">
      <Text size="sm">
        Columns remembered from a {bank} statement: date “{columns.date}”, narration “{columns.narration}”
        {columns.amount ? `, amount “${columns.amount}”` : `, withdrawals “${columns.debit}”, deposits “${columns.credit}”`}.
      </Text>
      <Button variant="default" size="xs" onClick={onForget}>
        Forget the columns
      </Button>
    </Group>
  );
}

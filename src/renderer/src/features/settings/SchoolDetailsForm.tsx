// The school's details printed under its name on every receipt: address, phone, affiliation or registration number,
// and its tax registration (a GSTIN in India, checked by its check character when saved).
import { Paper, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';

const EMPTY = { schoolAddress: '', schoolPhone: '', schoolRegistration: '', schoolTaxId: '' };

export function SchoolDetailsForm({ currency }: { currency: string }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({ initialValues: EMPTY });
  useEffect(() => {
    request(api().settings.get()).then(
      ({ schoolAddress, schoolPhone, schoolRegistration, schoolTaxId }) => {
        form.setValues({ schoolAddress, schoolPhone, schoolRegistration, schoolTaxId });
        form.resetDirty();
      },
      () => undefined,
    );
    // Loaded once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = form.onSubmit(async (values) => {
    setNote(null);
    try {
      const saved = await request(api().settings.update(values));
      form.setValues({
        schoolAddress: saved.schoolAddress,
        schoolPhone: saved.schoolPhone,
        schoolRegistration: saved.schoolRegistration,
        schoolTaxId: saved.schoolTaxId,
      });
      setNote({ ok: true, text: 'Saved: receipts recorded from now on carry these details.' });
    } catch (err) {
      const text = showApiError(form, err);
      setNote(text ? { ok: false, text } : null);
    }
  });
  const india = currency === 'INR';
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="School details on receipts">
        <Stack>
          <Title order={4}>School details on receipts</Title>
          <Textarea
            label="Address"
            description="Up to 4 lines, as on the school’s letterhead"
            autosize
            minRows={2}
            maxRows={4}
            {...form.getInputProps('schoolAddress')}
          />
          <TextInput label="Phone" placeholder={india ? '080 2663 1234' : undefined} {...form.getInputProps('schoolPhone')} />
          <TextInput
            label="Affiliation or registration no."
            placeholder={india ? 'CBSE Affiliation No. 830123' : undefined}
            {...form.getInputProps('schoolRegistration')}
          />
          <TextInput
            label={india ? 'GSTIN' : 'Tax registration no.'}
            description={india ? '15 characters; leave empty if the school has none' : 'Leave empty if the school has none'}
            {...form.getInputProps('schoolTaxId')}
          />
          <FormFooter note={note} submitting={form.submitting} label="Save school details" />
        </Stack>
      </form>
    </Paper>
  );
}

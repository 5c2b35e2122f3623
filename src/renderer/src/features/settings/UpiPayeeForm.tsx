// The school's UPI payee: the UPI ID fee slips' UPI QR codes pay, the name UPI apps show for it, and the merchant
// category code. Empty UPI ID: no UPI QR codes. Only for a school keeping its books in rupees: UPI moves nothing else.
import { Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';

const EMPTY = { upiId: '', upiPayeeName: '', upiMerchantCode: '' };

export function UpiPayeeForm() {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({ initialValues: EMPTY });
  useEffect(() => {
    request(api().settings.get()).then(
      ({ upiId, upiPayeeName, upiMerchantCode }) => {
        form.setValues({ upiId, upiPayeeName, upiMerchantCode });
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
      form.setValues({ upiId: saved.upiId, upiPayeeName: saved.upiPayeeName, upiMerchantCode: saved.upiMerchantCode });
      setNote({
        ok: true,
        text: saved.upiId ? 'Saved: fee slips printed from now on carry a UPI QR code.' : 'Saved: fee slips carry no UPI QR code.',
      });
    } catch (err) {
      const text = showApiError(form, err);
      setNote(text ? { ok: false, text } : null);
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="UPI payments">
        <Stack>
          <Title order={4}>UPI payments</Title>
          <Text size="sm" c="dimmed">
            Use the school’s verified merchant UPI ID from its bank: the higher UPI limit for education payments applies to verified
            merchants, and many UPI apps refuse a preset amount to a personal UPI ID. Leave it empty for no UPI QR codes.
          </Text>
          <TextInput label="UPI ID" placeholder="fees.school@sbi" {...form.getInputProps('upiId')} />
          <TextInput
            label="Payee name"
            description="As the bank registered it: UPI apps show it to the payer"
            {...form.getInputProps('upiPayeeName')}
          />
          <TextInput
            label="Merchant category code"
            description="4 digits from the bank (8211 for schools); leave empty if it gave none"
            inputMode="numeric"
            {...form.getInputProps('upiMerchantCode')}
          />
          <FormFooter note={note} submitting={form.submitting} label="Save UPI payments" />
        </Stack>
      </form>
    </Paper>
  );
}

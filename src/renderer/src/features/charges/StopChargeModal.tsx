// Takes a student off a charge from a day: the dues falling after it are waived with the reason given.
import { Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { DateField } from '../../components/DateField';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

interface Props {
  charge: { id: string; planName: string; startsOn: string };
  studentName: string;
  money: MoneyFormat;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function StopChargeModal({ charge, studentName, money, onClose, onDone }: Props) {
  const dates = useDates();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { stopsOn: '', reason: '' },
    validate: {
      stopsOn: (v) => (v ? null : 'Enter the last day of the charge'),
      reason: (v) => (v.trim() ? null : 'Say why it stops, e.g. “Family moved near the school”'),
    },
  });

  const submit = form.onSubmit(async (v) => {
    setFailure(null);
    try {
      const r = await request(api().charges.stop({ assignmentId: charge.id, stopsOn: v.stopsOn, reason: v.reason }));
      const waived =
        r.duesWaived === 0
          ? 'no dues fall after it, so nothing was waived'
          : `${r.duesWaived === 1 ? '1 later due' : `${r.duesWaived} later dues`} waived, ${money.format(r.amountWaived)}`;
      const paid =
        r.paidAfterStop > 0
          ? ` ${money.format(r.paidAfterStop)} had already been paid for months after the stop: that payment stands and is not given back by itself.`
          : '';
      onDone(`${charge.planName} stopped for ${studentName} on ${dates.date(v.stopsOn)}: ${waived}.${paid}`);
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Modal opened onClose={onClose} title={`Stop ${charge.planName} for ${studentName}`}>
      <form onSubmit={submit} aria-label={`Stop ${charge.planName}`}>
        <Stack gap="sm">
          <Text size="sm">
            On it from {dates.date(charge.startsOn)}. Dues falling after the day it stops are waived, with the reason, on the student’s
            record.
          </Text>
          <DateField label="Stops on" data-autofocus {...form.getInputProps('stopsOn')} />
          <TextInput label="Reason" placeholder="Family moved near the school" {...form.getInputProps('reason')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label={`Stop ${charge.planName}`} />
        </Stack>
      </form>
    </Modal>
  );
}

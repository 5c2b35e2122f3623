// Any action that needs a second person: a reason (and maybe an amount), then the approver's own credentials.
// Mount it when the action starts, so its fields start from that action's values.
import { Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { showApiError } from '../api/form-errors';
import { FormFooter, failureNote } from './FormFooter';

export interface Approval {
  reason: string;
  amountText: string;
  approver: { username: string; password: string };
}

interface Props {
  title: string;
  action: string;
  /** Shown when the action takes an amount (prefilled with this text). */
  amount?: string;
  onClose: () => void;
  onSubmit: (values: Approval) => Promise<void>;
}

export function ApprovalModal({ title, action, amount, onClose, onSubmit }: Props) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<Approval>({ initialValues: { reason: '', amountText: amount ?? '', approver: { username: '', password: '' } } });
  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };
  return (
    <Modal opened onClose={close} title={title}>
      <form
        onSubmit={form.onSubmit(async (values) => {
          try {
            await onSubmit(values);
            close();
          } catch (err) {
            setFailure(showApiError(form, err, { amount: 'amountText' }));
          }
        })}
      >
        <Stack>
          {amount !== undefined && <TextInput label="Amount" {...form.getInputProps('amountText')} />}
          <TextInput label="Reason" data-autofocus {...form.getInputProps('reason')} />
          <TextInput label="Approver (accountant or admin) username" {...form.getInputProps('approver.username')} />
          <PasswordInput label="Approver password" {...form.getInputProps('approver.password')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label={action} />
        </Stack>
      </form>
    </Modal>
  );
}

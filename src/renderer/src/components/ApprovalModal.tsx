// Any action that needs a second person: a reason (and maybe an amount), then the approver's own credentials: password
// and the code from their authenticator app (every approver has two-step sign-in), asked every time, even of the one
// logged in. Mount it when the action starts, so its fields start from that action's values.
import { Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { showApiError } from '../api/form-errors';
import { FormFooter, failureNote } from './FormFooter';

export interface Approval {
  reason: string;
  amountText: string;
  approver: { username: string; password: string; code?: string };
}

type ApprovalForm = Omit<Approval, 'approver'> & { approver: ApproverFields };
export interface ApproverFields {
  username: string;
  password: string;
  code: string;
}
export const NO_APPROVER: ApproverFields = { username: '', password: '', code: '' };

/** The approver as the contract takes it: the code only when typed. */
export function approverCredentials({ username, password, code }: ApproverFields): Approval['approver'] {
  return code.trim() ? { username, password, code: code.trim() } : { username, password };
}

/** The approver's fields: username, password, and the code from their authenticator app. */
export function ApproverInputs({ form, focus = false }: { form: { getInputProps(path: string): object }; focus?: boolean }) {
  return (
    <>
      <TextInput
        label="Approver (accountant or admin) username"
        autoComplete="off"
        data-autofocus={focus || undefined}
        {...form.getInputProps('approver.username')}
      />
      <PasswordInput label="Approver password" autoComplete="off" {...form.getInputProps('approver.password')} />
      <TextInput
        label="Approver’s code"
        description="From the approver’s authenticator app (or a recovery code)"
        inputMode="numeric"
        autoComplete="off"
        {...form.getInputProps('approver.code')}
      />
    </>
  );
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
  const form = useForm<ApprovalForm>({ initialValues: { reason: '', amountText: amount ?? '', approver: NO_APPROVER } });
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
            await onSubmit({ ...values, approver: approverCredentials(values.approver) });
            close();
          } catch (err) {
            setFailure(showApiError(form, err, { amount: 'amountText' }));
          }
        })}
      >
        <Stack>
          {amount !== undefined && <TextInput label="Amount" {...form.getInputProps('amountText')} />}
          <TextInput label="Reason" data-autofocus {...form.getInputProps('reason')} />
          <ApproverInputs form={form} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label={action} />
        </Stack>
      </form>
    </Modal>
  );
}

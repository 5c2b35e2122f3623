// The rollover itself, approved by a second person (an accountant or another admin) with their password and code.
// It runs on main's background worker, so the window stays responsive; the dialog waits, saying so, and cannot be closed.
import { Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { OutputOf } from '../../../../shared/contract';
import { ApiError, api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { ApproverInputs, approverCredentials, NO_APPROVER } from '../../components/ApprovalModal';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { RolloverPlan } from './rollover-draft';

export type RolloverResult = OutputOf<'years.rollover'>;

interface Props {
  plan: RolloverPlan;
  fromName: string;
  toName: string;
  onClose: () => void;
  onDone: (result: RolloverResult) => void;
  /** The plan itself was refused (the school changed since the review): the error goes back to the plan's fields. */
  onPlanRefused: (err: ApiError) => void;
}

export function RolloverApproval({ plan, fromName, toName, onClose, onDone, onPlanRefused }: Props) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { approver: NO_APPROVER } });
  const busy = form.submitting;
  return (
    <Modal
      opened
      onClose={() => !busy && onClose()}
      closeOnEscape={!busy}
      closeOnClickOutside={!busy}
      withCloseButton={!busy}
      title={`Roll ${fromName} over into ${toName}`}
    >
      <form
        onSubmit={form.onSubmit(async (values) => {
          setFailure(null);
          try {
            onDone(await request(api().years.rollover({ plan, approver: approverCredentials(values.approver) })));
          } catch (err) {
            if (err instanceof ApiError && err.field && !err.field.startsWith('approver')) return onPlanRefused(err);
            setFailure(showApiError(form, err));
          }
        })}
      >
        <Stack>
          <Text size="sm">
            This closes {fromName} and makes {toName} the current year on every desk, as the review showed. An accountant or another admin
            approves it with their own password and code.
          </Text>
          <ApproverInputs form={form} focus />
          {busy && (
            <Group gap="xs" role="status" wrap="nowrap">
              <Loader size="sm" />
              <Text size="sm">Rolling over… on a large school this takes up to a minute. Keep FeeDesk open until it is done.</Text>
            </Group>
          )}
          <FormFooter note={failureNote(failure)} submitting={busy} label="Roll over" />
        </Stack>
      </form>
    </Modal>
  );
}

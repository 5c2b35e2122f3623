import { Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { User } from '../../../../shared/contract/users';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';

export function ResetPasswordModal({ user, onClose, onDone }: { user: User | null; onClose: () => void; onDone: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { newPassword: '' } });

  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };

  const submit = form.onSubmit(async ({ newPassword }) => {
    if (!user) return;
    try {
      await request(api().users.resetPassword({ userId: user.id, newPassword }));
      onDone();
      close();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Modal opened={user !== null} onClose={close} title={`Reset password for ${user?.username ?? ''}`}>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm" c="dimmed">
            This also lifts a lockout and logs the user out everywhere.
          </Text>
          <PasswordInput label="New password" data-autofocus {...form.getInputProps('newPassword')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Reset password" />
        </Stack>
      </form>
    </Modal>
  );
}

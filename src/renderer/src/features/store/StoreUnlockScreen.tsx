// Where the OS has no keychain, the store's key comes from a passphrase typed here.
import { Alert, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { CenteredCard } from '../../components/CenteredCard';

export function StoreUnlockScreen({ isNew, onOpen }: { isNew: boolean; onOpen: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { passphrase: '', confirm: '' },
    validate: {
      confirm: (value, values) => (isNew && value !== values.passphrase ? 'The two passphrases differ' : null),
    },
  });

  const submit = form.onSubmit(async ({ passphrase }) => {
    setFailure(null);
    try {
      await request(isNew ? api().store.createPassphrase({ passphrase }) : api().store.unlock({ passphrase }));
      onOpen();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <CenteredCard
      title={isNew ? 'Protect this desk’s data' : 'Unlock FeeDesk'}
      subtitle={
        isNew
          ? 'FeeDesk cannot keep the database key in a system keychain here (there is none, or FeeDesk runs in the browser), so the database is encrypted with a passphrase.'
          : 'Enter the store passphrase to open the database.'
      }
    >
      <form onSubmit={submit}>
        <Stack>
          {isNew && (
            <Text size="sm" c="dimmed">
              Choose at least 12 characters. Without it the data cannot be read: keep it where an admin can find it.
            </Text>
          )}
          <PasswordInput label="Store passphrase" autoFocus {...form.getInputProps('passphrase')} />
          {isNew && <PasswordInput label="Repeat passphrase" {...form.getInputProps('confirm')} />}
          {failure && <Alert color="red">{failure}</Alert>}
          <Button type="submit" loading={form.submitting}>
            {isNew ? 'Encrypt and continue' : 'Unlock'}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}

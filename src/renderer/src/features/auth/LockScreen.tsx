// Covers the app while the session is idle-locked; what is underneath stays as it was.
import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';

export function LockScreen({
  session,
  onUnlock,
  onLogout,
}: {
  session: SessionInfo;
  onUnlock: (s: SessionInfo) => void;
  onLogout: () => void;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { password: '' } });

  const submit = form.onSubmit(async ({ password }) => {
    setFailure(null);
    try {
      onUnlock(await request(api().auth.unlock({ password })));
    } catch (err) {
      setFailure(sentence(err instanceof Error ? err.message : String(err)));
      form.reset();
    }
  });

  return (
    <div role="dialog" aria-modal="true" aria-label="Screen locked" className="lock-screen">
      <Paper withBorder shadow="lg" p="xl" w={400}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={3}>Screen locked</Title>
            <Text c="dimmed">
              {session.user.fullName} ({session.user.username}) — enter your password to continue where you left off.
            </Text>
            <PasswordInput label="Password" autoFocus data-autofocus {...form.getInputProps('password')} />
            {failure && <Alert color="red">{failure}</Alert>}
            <Group justify="space-between">
              <Button variant="subtle" color="gray" onClick={onLogout}>
                Log out
              </Button>
              <Button type="submit" loading={form.submitting}>
                Unlock
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </div>
  );
}

import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { CenteredCard } from '../../components/CenteredCard';

export function LoginScreen({ schoolName, deskCode, onLogin }: { schoolName: string; deskCode: string; onLogin: (s: SessionInfo) => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { username: '', password: '' } });

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      onLogin(await request(api().auth.login(values)));
    } catch (err) {
      // Login errors are never put on one field: which one was wrong is not told.
      setFailure(sentence(err instanceof Error ? err.message : String(err)));
      form.setFieldValue('password', '');
    }
  });

  return (
    <CenteredCard title={schoolName} subtitle={`Fee desk ${deskCode} · log in to continue`}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Username" autoFocus autoComplete="username" {...form.getInputProps('username')} />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <Button type="submit" loading={form.submitting}>
            Log in
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}

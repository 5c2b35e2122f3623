import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { ApiError, api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { CenteredCard } from '../../components/CenteredCard';

interface Props {
  schoolName: string;
  deskCode: string;
  /** Why the window is back here, if not by logging out (the session's 12 hours were up). */
  notice?: string | null;
  onLogin: (s: SessionInfo) => void;
}

export function LoginScreen({ schoolName, deskCode, notice = null, onLogin }: Props) {
  const [failure, setFailure] = useState<string | null>(null);
  // The notice stays until the next attempt to log in.
  const [noticeDismissed, setNoticeDismissed] = useState(false);
  const shownNotice = noticeDismissed ? null : notice;
  // Asked for only once the password was right and the account has two-step sign-in on.
  const [needsCode, setNeedsCode] = useState(false);
  const form = useForm({ initialValues: { username: '', password: '', code: '' } });

  const submit = form.onSubmit(async ({ username, password, code }) => {
    setFailure(null);
    setNoticeDismissed(true);
    try {
      onLogin(await request(api().auth.login({ username, password, ...(needsCode && code ? { code } : {}) })));
    } catch (err) {
      const message = sentence(err instanceof Error ? err.message : String(err));
      if (err instanceof ApiError && err.field === 'code') {
        // The password was right: keep it, and ask for the code from the authenticator app.
        setNeedsCode(true);
        form.setFieldValue('code', '');
        setFailure(needsCode ? message : null);
        return;
      }
      // Login errors are never put on one field: which one was wrong is not told.
      setFailure(message);
      setNeedsCode(false);
      form.setFieldValue('password', '');
      form.setFieldValue('code', '');
    }
  });

  return (
    <CenteredCard title={schoolName} subtitle={`Fee desk ${deskCode} · log in to continue`}>
      <form onSubmit={submit}>
        <Stack>
          {shownNotice && (
            <Alert color="yellow" role="status" title="Logged out">
              {sentence(shownNotice)}
            </Alert>
          )}
          <TextInput label="Username" autoFocus={!needsCode} autoComplete="username" {...form.getInputProps('username')} />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
          {needsCode && (
            <TextInput
              label="Code from your authenticator app"
              description="6 digits, or one of your recovery codes"
              autoFocus
              autoComplete="one-time-code"
              inputMode="numeric"
              {...form.getInputProps('code')}
            />
          )}
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

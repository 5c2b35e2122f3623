// One's own password for everyone; school policies for admins.
import { NumberInput, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';

export function SettingsScreen({ session, onSessionChange }: { session: SessionInfo; onSessionChange: (s: SessionInfo) => void }) {
  return (
    <Stack maw={560}>
      <Title order={2}>Settings</Title>
      {session.user.role === 'admin' && <PolicyForm session={session} onSessionChange={onSessionChange} />}
      <ChangePasswordForm />
    </Stack>
  );
}

function PolicyForm({ session, onSessionChange }: { session: SessionInfo; onSessionChange: (s: SessionInfo) => void }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({ initialValues: { idleLockMinutes: session.idleLockMinutes } });
  const submit = form.onSubmit(async (values) => {
    try {
      const saved = await request(api().settings.update(values));
      onSessionChange({ ...session, idleLockMinutes: saved.idleLockMinutes });
      setNote({ ok: true, text: 'Saved.' });
    } catch (err) {
      const text = showApiError(form, err);
      setNote(text ? { ok: false, text } : null);
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>Screen lock</Title>
          <NumberInput label="Lock the screen after this many idle minutes" min={1} max={120} allowDecimal={false} {...form.getInputProps('idleLockMinutes')} />
          <FormFooter note={note} submitting={form.submitting} label="Save" />
        </Stack>
      </form>
    </Paper>
  );
}

function ChangePasswordForm() {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: { confirm: (v, values) => (v === values.newPassword ? null : 'The two passwords differ') },
  });
  const submit = form.onSubmit(async ({ currentPassword, newPassword }) => {
    setNote(null);
    try {
      await request(api().auth.changePassword({ currentPassword, newPassword }));
      form.reset();
      setNote({ ok: true, text: 'Password changed.' });
    } catch (err) {
      const text = showApiError(form, err);
      if (text) setNote({ ok: false, text });
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>Change my password</Title>
          <PasswordInput label="Current password" {...form.getInputProps('currentPassword')} />
          <PasswordInput label="New password" {...form.getInputProps('newPassword')} />
          <PasswordInput label="Repeat new password" {...form.getInputProps('confirm')} />
          <FormFooter note={note} submitting={form.submitting} label="Change password" />
        </Stack>
      </form>
    </Paper>
  );
}

// One's own password for everyone; school policies for admins.
import { Checkbox, NumberInput, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import { moneyFor } from '../../components/money';

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
  const money = moneyFor(session.school);
  const form = useForm({ initialValues: { idleLockMinutes: session.idleLockMinutes, receiptFormat: '', finesFirst: true, bounceCharge: '' } });
  useEffect(() => {
    request(api().settings.get()).then((p) => {
      form.setValues({ idleLockMinutes: p.idleLockMinutes, receiptFormat: p.receiptFormat, finesFirst: p.finesFirst, bounceCharge: money.format(p.bounceCharge) });
      form.resetDirty();
    }, () => undefined);
    // Loaded once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = form.onSubmit(async ({ bounceCharge, ...values }) => {
    const charge = money.parse(bounceCharge);
    if (charge === null) return form.setFieldError('bounceCharge', 'Enter an amount');
    try {
      const saved = await request(api().settings.update({ ...values, bounceCharge: charge }));
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
          <Title order={4}>Desk policies</Title>
          <NumberInput label="Lock the screen after this many idle minutes" min={1} max={120} allowDecimal={false} {...form.getInputProps('idleLockMinutes')} />
          <TextInput label="Receipt number format" description="{year}, {desk} and {seq:6}, e.g. {year}/{desk}/{seq:6} → 2026-27/D01/000123" {...form.getInputProps('receiptFormat')} />
          <Checkbox label="Collect an installment's late fine before its fees" {...form.getInputProps('finesFirst', { type: 'checkbox' })} />
          <TextInput label="Cheque bounce charge" {...form.getInputProps('bounceCharge')} />
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

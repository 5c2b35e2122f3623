// One's own password for everyone; school policies for admins.
import { Checkbox, NativeSelect, NumberInput, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { RECEIPT_LAYOUTS } from '../../../../shared/contract/receipts';
import type { Policies } from '../../../../shared/contract/settings';

const LAYOUT_LABELS: Record<(typeof RECEIPT_LAYOUTS)[number], string> = {
  thermal80: 'Thermal roll 80 mm',
  thermal58: 'Thermal roll 58 mm',
  a5: 'A5',
  a4: 'A4',
  a4_two_copies: 'A4, school and parent copy',
};
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import { moneyFor } from '../../components/money';
import { LogoForm } from './LogoForm';
import { SchoolDetailsForm } from './SchoolDetailsForm';
import { UpiPayeeForm } from './UpiPayeeForm';
import { BankAccountsForm } from './BankAccountsForm';
import { PrinterForm } from './PrinterForm';
import { TwoStepForm } from './TwoStepForm';

export function SettingsScreen({ session, onSessionChange }: { session: SessionInfo; onSessionChange: (s: SessionInfo) => void }) {
  return (
    <Stack maw={560}>
      <Title order={2}>Settings</Title>
      {session.user.role === 'admin' && <SchoolDetailsForm currency={session.school.currency} />}
      {session.user.role === 'admin' && session.school.currency === 'INR' && <UpiPayeeForm />}
      {session.user.role === 'admin' && <BankAccountsForm />}
      {session.user.role === 'admin' && <PolicyForm session={session} onSessionChange={onSessionChange} />}
      {session.user.role === 'admin' && <PrinterForm />}
      {session.user.role === 'admin' && <LogoForm />}
      <ChangePasswordForm />
      <TwoStepForm />
    </Stack>
  );
}

function PolicyForm({ session, onSessionChange }: { session: SessionInfo; onSessionChange: (s: SessionInfo) => void }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const money = moneyFor(session.school);
  const form = useForm({
    initialValues: {
      idleLockMinutes: session.idleLockMinutes,
      receiptFormat: '',
      finesFirst: true,
      bounceCharge: '',
      verifyBaseUrl: '',
      receiptLayout: 'a5' as Policies['receiptLayout'],
      receiptFooter: '',
      cashDenominations: '',
    },
  });
  useEffect(() => {
    request(api().settings.get()).then(
      (p) => {
        // The school's details are the form below's to save: never sent again from here with what was read now.
        const { schoolAddress: _a, schoolPhone: _p, schoolRegistration: _r, schoolTaxId: _t, ...own } = p;
        form.setValues({
          ...own,
          bounceCharge: money.format(p.bounceCharge),
          cashDenominations: p.cashDenominations.map((d) => money.format(d)).join(', '),
        });
        form.resetDirty();
      },
      () => undefined,
    );
    // Loaded once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = form.onSubmit(async ({ bounceCharge, cashDenominations, ...values }) => {
    const charge = money.parse(bounceCharge);
    if (charge === null) return form.setFieldError('bounceCharge', 'Enter an amount');
    // Amounts are written with the locale's grouping (₹2,000.00), so split on a comma followed by a space.
    const pieces = cashDenominations.trim() === '' ? [] : cashDenominations.split(/[;\n]|,\s+/).map((t) => money.parse(t.trim()));
    if (pieces.some((d) => d === null || d === 0))
      return form.setFieldError('cashDenominations', 'List amounts separated by ", " (for example 500, 200, 100)');
    try {
      const saved = await request(api().settings.update({ ...values, bounceCharge: charge, cashDenominations: pieces as number[] }));
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
          <NumberInput
            label="Lock the screen after this many idle minutes"
            min={1}
            max={120}
            allowDecimal={false}
            {...form.getInputProps('idleLockMinutes')}
          />
          <TextInput
            label="Receipt number format"
            description="{year}, {desk} and {seq:6}, e.g. {year}/{desk}/{seq:6} → 2026-27/D01/000123"
            {...form.getInputProps('receiptFormat')}
          />
          <Checkbox
            label="Collect an installment's late fine before its fees"
            {...form.getInputProps('finesFirst', { type: 'checkbox' })}
          />
          <TextInput label="Cheque bounce charge" {...form.getInputProps('bounceCharge')} />
          <NativeSelect
            label="Receipt layout"
            data={RECEIPT_LAYOUTS.map((l) => ({ value: l, label: LAYOUT_LABELS[l] }))}
            {...form.getInputProps('receiptLayout')}
          />
          <TextInput
            label="Receipt verify link"
            description="The receipt QR is this link followed by the signed code (e.g. your sync server's /verify/)"
            {...form.getInputProps('verifyBaseUrl')}
          />
          <TextInput label="Receipt footer" {...form.getInputProps('receiptFooter')} />
          <TextInput
            label="Notes and coins counted at day close"
            description={`Separated by ", " — leave empty for the standard ${session.school.currency} notes and coins`}
            {...form.getInputProps('cashDenominations')}
          />
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

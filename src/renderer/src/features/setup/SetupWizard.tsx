// First run: school, desk and first admin. Main validates everything; this screen guides.
import { Alert, Button, Group, PasswordInput, Select, Stepper, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { passwordProblem } from '../../../../shared/domain/password-policy';
import { api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { CenteredCard } from '../../components/CenteredCard';

const CURRENCIES = ['INR', 'USD', 'KES', 'UGX', 'TZS', 'NGN', 'GHS', 'ZAR', 'PHP', 'LKR', 'NPR', 'BDT', 'PKR', 'AED', 'GBP', 'EUR'];
const LOCALES = ['en-IN', 'hi-IN', 'en-US', 'en-GB', 'en-KE', 'sw-KE', 'en-NG', 'en-ZA', 'en-PH', 'fil-PH'];

const STEP_FIELDS = [['schoolName', 'currency', 'locale'], ['deskCode'], ['admin.fullName', 'admin.username', 'admin.password', 'confirm']];

export function SetupWizard({ onDone }: { onDone: (session: SessionInfo) => void }) {
  const [step, setStep] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      schoolName: '',
      currency: 'INR',
      locale: 'en-IN',
      deskCode: 'D01',
      admin: { fullName: '', username: '', password: '' },
      confirm: '',
    },
    validate: {
      schoolName: (v) => (v.trim().length < 2 ? 'Enter the school’s name' : null),
      deskCode: (v) => (/^[A-Z][A-Z0-9]{1,7}$/.test(v) ? null : '2–8 capital letters or digits starting with a letter, such as D01'),
      admin: {
        fullName: (v) => (v.trim() ? null : 'Enter the admin’s name'),
        username: (v) => (/^[A-Za-z0-9._-]{3,32}$/.test(v) ? null : '3–32 letters, digits, dot, dash or underscore'),
        password: (v, values) => {
          const problem = passwordProblem(v, values.admin.username);
          return problem ? sentence(problem) : null;
        },
      },
      confirm: (v, values) => (v === values.admin.password ? null : 'The two passwords differ'),
    },
  });

  const stepIsValid = (index: number) => STEP_FIELDS[index]!.every((f) => !form.validateField(f).hasError);

  const next = () => {
    if (stepIsValid(step)) setStep((s) => s + 1);
  };

  const finish = async () => {
    if (!stepIsValid(2)) return;
    setFailure(null);
    const { confirm: _confirm, ...input } = form.getValues();
    try {
      onDone(await request(api().setup.initialize(input)));
    } catch (err) {
      const message = showApiError(form, err);
      const fieldStep = STEP_FIELDS.findIndex((fields) => fields.some((f) => form.errors[f]));
      if (fieldStep >= 0) setStep(fieldStep);
      setFailure(message);
    }
  };

  return (
    <CenteredCard title="Set up FeeDesk" subtitle="A few details before the first collection." width={560}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 2) next();
          else void finish();
        }}
      >
        <Stepper active={step} onStepClick={(i) => i < step && setStep(i)} size="sm" mb="lg">
          <Stepper.Step label="School">
            <Stack>
              <TextInput label="School name" autoFocus {...form.getInputProps('schoolName')} />
              <Group grow>
                <Select label="Currency" data={CURRENCIES} searchable allowDeselect={false} {...form.getInputProps('currency')} />
                <Select label="Locale" data={LOCALES} searchable allowDeselect={false} {...form.getInputProps('locale')} />
              </Group>
            </Stack>
          </Stepper.Step>
          <Stepper.Step label="Desk">
            <TextInput
              label="Desk code"
              description="Printed in every receipt number of this desk, e.g. 2026-27/D01/000123"
              autoFocus
              {...form.getInputProps('deskCode')}
              onChange={(e) => form.setFieldValue('deskCode', e.currentTarget.value.toUpperCase())}
            />
          </Stepper.Step>
          <Stepper.Step label="Admin">
            <Stack>
              <TextInput label="Full name" autoFocus {...form.getInputProps('admin.fullName')} />
              <TextInput label="Username" {...form.getInputProps('admin.username')} />
              <PasswordInput
                label="Password"
                description="At least 10 characters, not the username"
                {...form.getInputProps('admin.password')}
              />
              <PasswordInput label="Repeat password" {...form.getInputProps('confirm')} />
            </Stack>
          </Stepper.Step>
        </Stepper>
        {failure && (
          <Alert color="red" mb="md">
            {failure}
          </Alert>
        )}
        <Group justify="space-between">
          <Button variant="default" onClick={() => setStep((s) => s - 1)} disabled={step === 0}>
            Back
          </Button>
          <Button type="submit">{step < 2 ? 'Next' : 'Finish setup'}</Button>
        </Group>
      </form>
    </CenteredCard>
  );
}

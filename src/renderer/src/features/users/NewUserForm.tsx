import { Group, Paper, PasswordInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ROLES, type Role } from '../../../../shared/contract/channel';
import { passwordProblem } from '../../../../shared/domain/password-policy';
import { api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';

export function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    initialValues: { fullName: '', username: '', role: 'cashier' as Role, password: '' },
    validate: {
      fullName: (v) => (v.trim() ? null : 'Enter the person’s name'),
      password: (v, values) => {
        const problem = passwordProblem(v, values.username);
        return problem ? sentence(problem) : null;
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      await request(api().users.create(values));
      form.reset();
      onCreated();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="Add a user">
        <Stack>
          <Title order={4}>Add a user</Title>
          <Group grow align="flex-start">
            <TextInput label="Full name" {...form.getInputProps('fullName')} />
            <TextInput label="Username" {...form.getInputProps('username')} />
            <Select label="Role" data={[...ROLES]} allowDeselect={false} {...form.getInputProps('role')} />
            <PasswordInput label="First password" {...form.getInputProps('password')} />
          </Group>
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Add user" />
        </Stack>
      </form>
    </Paper>
  );
}

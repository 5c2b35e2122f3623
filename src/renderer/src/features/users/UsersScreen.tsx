// Admin: add users, reset passwords, deactivate and reactivate (never delete).
import { Alert, Badge, Button, Group, Paper, Stack, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { User } from '../../../../shared/contract/users';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { NewUserForm } from './NewUserForm';
import { ResetPasswordModal } from './ResetPasswordModal';

export function UsersScreen({ session }: { session: SessionInfo }) {
  const [users, setUsers] = useState<User[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const load = useCallback(() => {
    request(api().users.list()).then(setUsers, (err: Error) => setFailure(sentence(err.message)));
  }, []);
  useEffect(load, [load]);

  const setActive = async (user: User, active: boolean) => {
    setFailure(null);
    try {
      await request(active ? api().users.reactivate({ userId: user.id }) : api().users.deactivate({ userId: user.id }));
      load();
    } catch (err) {
      setFailure(sentence((err as Error).message));
    }
  };

  const [note, setNote] = useState<string | null>(null);
  const resetTwoStep = async (user: User) => {
    setFailure(null);
    setNote(null);
    try {
      await request(api().users.resetTotp({ userId: user.id }));
      setNote(`Two-step sign-in is off for ${user.username}: they log in with their password and set it up again.`);
    } catch (err) {
      setFailure(sentence((err as Error).message));
    }
  };

  return (
    <Stack>
      <Title order={2}>Users</Title>
      {note && (
        <Alert color="teal" withCloseButton onClose={() => setNote(null)}>
          {note}
        </Alert>
      )}
      {failure && (
        <Alert color="red" withCloseButton onClose={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      <Paper withBorder>
        <DataTable
          label="Users"
          rows={users}
          rowKey={(u) => u.id}
          empty="Loading users…"
          columns={[
            { header: 'Username', cell: (u) => u.username },
            { header: 'Name', cell: (u) => u.fullName },
            { header: 'Role', cell: (u) => u.role },
            {
              header: 'Status',
              cell: (u) =>
                !u.active ? (
                  <Badge color="gray.8">deactivated</Badge>
                ) : u.lockedUntil && u.lockedUntil > new Date().toISOString() ? (
                  <Badge color="red.9">locked out</Badge>
                ) : (
                  <Badge color="teal.9">active</Badge>
                ),
            },
            {
              header: 'Actions',
              cell: (u) => (
                <Group gap="xs" justify="flex-end">
                  <Button size="xs" variant="default" onClick={() => setResetting(u)}>
                    Reset password
                  </Button>
                  {u.id !== session.user.id && (
                    <Button size="xs" variant="default" onClick={() => void resetTwoStep(u)}>
                      Reset two-step
                    </Button>
                  )}
                  {u.id !== session.user.id && (
                    <Button size="xs" variant="subtle" color={u.active ? 'red' : 'teal'} onClick={() => void setActive(u, !u.active)}>
                      {u.active ? 'Deactivate' : 'Reactivate'}
                    </Button>
                  )}
                </Group>
              ),
            },
          ]}
        />
      </Paper>
      <NewUserForm onCreated={load} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onDone={load} />
    </Stack>
  );
}

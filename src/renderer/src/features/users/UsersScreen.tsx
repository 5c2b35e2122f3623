// Admin: add users, reset passwords, deactivate and reactivate (never delete).
import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
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

  return (
    <Stack>
      <Title order={2}>Users</Title>
      {failure && (
        <Alert color="red" withCloseButton onClose={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      <Paper withBorder>
        <Table striped highlightOnHover aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Username</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.username}</Table.Td>
                <Table.Td>{u.fullName}</Table.Td>
                <Table.Td>{u.role}</Table.Td>
                <Table.Td>
                  {!u.active ? (
                    <Badge color="gray.8">deactivated</Badge>
                  ) : u.lockedUntil && u.lockedUntil > new Date().toISOString() ? (
                    <Badge color="red.9">locked out</Badge>
                  ) : (
                    <Badge color="teal.9">active</Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setResetting(u)}>
                      Reset password
                    </Button>
                    {u.id !== session.user.id && (
                      <Button size="xs" variant="subtle" color={u.active ? 'red' : 'teal'} onClick={() => void setActive(u, !u.active)}>
                        {u.active ? 'Deactivate' : 'Reactivate'}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {users.length === 0 && (
          <Text p="md" c="dimmed">
            Loading users…
          </Text>
        )}
      </Paper>
      <NewUserForm onCreated={load} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onDone={load} />
    </Stack>
  );
}

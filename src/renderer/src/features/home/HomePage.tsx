import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { SessionInfo } from '../../../../shared/contract/auth';

export function HomePage({ session }: { session: SessionInfo }) {
  const today = new Intl.DateTimeFormat(session.school.locale, { dateStyle: 'full' }).format(new Date());
  return (
    <Stack>
      <div>
        <Title order={2}>Welcome, {session.user.fullName}</Title>
        <Text c="dimmed">{today}</Text>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            School
          </Text>
          <Text fw={600}>{session.school.name}</Text>
          <Text size="sm">
            {session.school.currency} · {session.school.locale}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Desk
          </Text>
          <Text fw={600}>{session.deskCode}</Text>
          <Text size="sm">Locks after {session.idleLockMinutes} min idle</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Signed in as
          </Text>
          <Text fw={600}>{session.user.username}</Text>
          <Text size="sm">{session.user.role}</Text>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

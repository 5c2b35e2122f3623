import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, request } from '../../api/client';
import { downloadPdf } from '../../components/download';
import { Dashboard } from '../dashboard/Dashboard';

/** Every receipt of a day again, as one PDF (each counted as a duplicate). */
function DayReprint() {
  const dates = useDates();
  const [date, setDate] = useState(() => dates.today());
  const [note, setNote] = useState<string | null>(null);
  const run = () =>
    request(api().receipts.printDay({ date, target: 'pdf' })).then(
      ({ fileName, base64, copies }) => {
        downloadPdf(fileName, base64);
        setNote(`${copies} receipts.`);
      },
      (e: Error) => setNote(e.message),
    );
  return (
    <Card withBorder>
      <Title order={4}>Reprint a day's receipts</Title>
      <Group align="flex-end">
        <DateField label="Day" value={date} onChange={(iso) => iso && setDate(iso)} />
        <Button variant="default" onClick={() => void run()}>
          Reprint as one PDF
        </Button>
        {note && <Text role="status">{note}</Text>}
      </Group>
    </Card>
  );
}
import type { SessionInfo } from '../../../../shared/contract/auth';
import { DateField } from '../../components/DateField';
import { useDates } from '../../components/school';

export function HomePage({ session }: { session: SessionInfo }) {
  const today = new Intl.DateTimeFormat(session.school.locale, { dateStyle: 'full', timeZone: session.school.timeZone }).format(new Date());
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
      {session.user.role !== 'cashier' && <Dashboard session={session} />}
      {session.user.role !== 'cashier' && <DayReprint />}
    </Stack>
  );
}

// Fee set-up: academic years, classes, heads, categories, and the structures that make dues.
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { Structure } from '../../../../shared/contract/structures';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { QuickAddForms } from './QuickAddForms';
import { StructureForm } from './StructureForm';

export function FeesScreen({ session }: { session: SessionInfo }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const [masters, setMasters] = useState<Masters | null>(null);
  const [structures, setStructures] = useState<Structure[]>([]);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(() => {
    const fail = (e: Error) => setNote({ ok: false, text: sentence(e.message) });
    request(api().masters.get()).then(setMasters, fail);
    request(api().structures.list({})).then(setStructures, fail);
  }, []);
  useEffect(load, [load]);

  const assign = async (s: Structure) => {
    try {
      const r = await request(api().structures.assign({ structureId: s.id }));
      setNote({ ok: true, text: `${s.name}: ${r.duesCreated} dues created for ${r.students} students.` });
      load();
    } catch (e) {
      setNote({ ok: false, text: sentence((e as Error).message) });
    }
  };

  const current = masters?.years.find((y) => y.isCurrent);
  return (
    <Stack>
      <Title order={2}>Fee set-up</Title>
      {note && (
        <Alert color={note.ok ? 'green' : 'red'} withCloseButton onClose={() => setNote(null)}>
          {note.text}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Paper withBorder p="sm">
          <Title order={4}>Academic years</Title>
          {masters?.years.map((y) => (
            <Text key={y.id}>
              {y.name} {y.isCurrent && <Badge size="sm">current</Badge>}
            </Text>
          ))}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>Classes</Title>
          {masters?.classes.map((c) => (
            <Text key={c.id}>
              {c.name} {c.sections.length > 0 && `(${c.sections.map((s) => s.name).join(', ')})`}
            </Text>
          ))}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>Fee heads</Title>
          {masters?.heads.map((h) => (
            <Text key={h.id}>
              {h.name} {h.taxRateBp > 0 && `· tax ${h.taxRateBp / 100}%`}
            </Text>
          ))}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>Categories</Title>
          {masters?.categories.map((c) => <Text key={c.id}>{c.name}</Text>)}
        </Paper>
      </SimpleGrid>
      <QuickAddForms onAdded={load} />
      <Paper withBorder>
        <Table aria-label="Fee structures" striped verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Structure</Table.Th>
              <Table.Th>Year</Table.Th>
              <Table.Th>Class</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th>Dues</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {structures.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.yearName}</Table.Td>
                <Table.Td>{s.className}</Table.Td>
                <Table.Td>
                  {s.plan} · {s.installments.length} installments
                </Table.Td>
                <Table.Td ta="right">{money.format(s.total)}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    {s.assignedAt && <Badge color="teal.9">assigned</Badge>}
                    <Button size="xs" variant="default" onClick={() => void assign(s)}>
                      {s.assignedAt ? 'Add new students' : 'Assign to class'}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {masters && current && <StructureForm masters={masters} yearId={current.id} money={money} onCreated={load} />}
      {masters && !current && <Alert>Create an academic year first: structures belong to one.</Alert>}
    </Stack>
  );
}

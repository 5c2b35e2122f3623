// Fee set-up: academic years, classes, heads, categories, and the structures that make dues.
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { Structure } from '../../../../shared/contract/structures';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { ChargesSetup } from '../charges/ChargesSetup';
import { QuickAddForms } from './QuickAddForms';
import { StructureForm } from './StructureForm';
import { ClassesPanel, YearsPanel } from './YearsAndSections';

/** `onRollover`: opens the year-end rollover (offered to those who may do it). */
export function FeesScreen({ session, onRollover }: { session: SessionInfo; onRollover?: () => void }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const [masters, setMasters] = useState<Masters | null>(null);
  const [structures, setStructures] = useState<Structure[]>([]);
  const [note, setNote] = useState<{ ok: boolean; text: string; hint?: boolean } | null>(null);
  const [tab, setTab] = useState<string | null>('structures');

  const load = useCallback(() => {
    const fail = (e: Error) => setNote({ ok: false, text: sentence(e.message) });
    request(api().masters.get()).then(setMasters, fail);
    request(api().structures.list({})).then(setStructures, fail);
  }, []);
  useEffect(load, [load]);

  const assign = async (s: Structure) => {
    try {
      const r = await request(api().structures.assign({ structureId: s.id }));
      setNote(
        r.duesCreated > 0
          ? { ok: true, text: `${s.name}: ${r.duesCreated} dues created for ${r.students} students.` }
          : await nothingCreated(s),
      );
      load();
    } catch (e) {
      setNote({ ok: false, text: sentence((e as Error).message) });
    }
  };

  /** Why an assignment made no dues, and what to do. */
  const nothingCreated = async (s: Structure) => {
    const active = await request(api().students.list({ classId: s.classId, status: 'active', limit: 1 }));
    return active.total === 0
      ? {
          ok: true,
          hint: true,
          text: `${s.name}: 0 dues created — ${s.className} has no students yet. Admit or import students into ${s.className} (Students → Admit a student, or Import): each one gets these dues as they join.`,
        }
      : {
          ok: true,
          hint: true,
          text: s.categoryId
            ? `${s.name}: 0 dues created — the students of ${s.className} in the category ${masters?.categories.find((c) => c.id === s.categoryId)?.name ?? ''} already have them, or there are none yet. A student's category is set on Students → open the student → Edit details.`
            : `${s.name}: 0 dues created — every student of ${s.className} it applies to already has them.`,
        };
  };

  const current = masters?.years.find((y) => y.isCurrent);
  const setUp = (
    <Stack>
      {note && (
        <Alert color={note.hint ? 'blue.9' : note.ok ? 'green' : 'red'} withCloseButton onClose={() => setNote(null)}>
          {note.text}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        {masters && <YearsPanel masters={masters} session={session} onChanged={load} onRollover={onRollover} />}
        {masters && <ClassesPanel masters={masters} session={session} onChanged={load} />}
        <Paper withBorder p="sm">
          <Title order={4}>Fee heads</Title>
          {masters?.heads.map((h) => (
            <Text key={h.id}>
              {h.name} {h.taxRateBp > 0 && `· tax ${h.taxRateBp / 100}%`}
              {h.deposit && ' · refundable deposit'}
            </Text>
          ))}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>Categories</Title>
          {masters?.categories.map((c) => (
            <Text key={c.id}>{c.name}</Text>
          ))}
        </Paper>
      </SimpleGrid>
      <QuickAddForms onAdded={load} />
      <Paper withBorder>
        <DataTable
          label="Fee structures"
          rows={structures}
          rowKey={(s) => s.id}
          columns={[
            { header: 'Structure', cell: (s) => s.name },
            { header: 'Year', cell: (s) => s.yearName },
            { header: 'Class', cell: (s) => s.className },
            { header: 'Plan', cell: (s) => `${s.plan} · ${s.installments.length} installments` },
            { header: 'Total', align: 'right', cell: (s) => money.format(s.total) },
            {
              header: 'Dues',
              cell: (s) => (
                <Group gap="xs">
                  {s.assignedAt && <Badge color="teal.9">assigned</Badge>}
                  <Button size="xs" variant="default" onClick={() => void assign(s)}>
                    {s.assignedAt ? 'Add new students' : 'Assign to class'}
                  </Button>
                </Group>
              ),
            },
          ]}
        />
      </Paper>
      {masters && current && <StructureForm masters={masters} yearId={current.id} money={money} onCreated={load} />}
      {masters && !current && <Alert>Create an academic year first: structures belong to one.</Alert>}
    </Stack>
  );
  return (
    <Stack>
      <Title order={2}>Fee set-up</Title>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="structures">Years, classes and structures</Tabs.Tab>
          <Tabs.Tab value="charges">Charges</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="structures" pt="sm">
          {setUp}
        </Tabs.Panel>
        <Tabs.Panel value="charges" pt="sm">
          <ChargesSetup session={session} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

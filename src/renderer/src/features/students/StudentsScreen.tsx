// The student register: browse by class, admit a student, open one (edit, mark as left, family), group siblings.
import { Alert, Anchor, Badge, Button, Checkbox, Group, NativeSelect, Pagination, Paper, Stack, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { mayCall } from '../../components/access';
import { downloadPdf } from '../../components/download';
import { moneyFor } from '../../components/money';
import { ChargeBar } from '../charges/ChargeBar';
import { AdmitStudentForm } from './AdmitStudentForm';
import { FamilyGroupBar } from './FamilyGroupBar';
import { classOf, StudentPanel } from './StudentPanel';

const PAGE = 50;

export function StudentsScreen({ session }: { session: SessionInfo }) {
  const [masters, setMasters] = useState<Masters | null>(null);
  const [classId, setClassId] = useState('');
  const [page, setPage] = useState(1);
  const [list, setList] = useState<{ total: number; students: StudentSummary[] }>({ total: 0, students: [] });
  const [failure, setFailure] = useState<string | null>(null);
  const [admitting, setAdmitting] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  const [ticked, setTicked] = useState<Map<string, StudentSummary>>(new Map());
  const [note, setNote] = useState<string | null>(null);
  /** Bumped by a charge made from the ticks: the open student's panel reads their charges again. */
  const [charged, setCharged] = useState(0);
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const canEdit = mayCall(session.user.role, 'students.create');
  const canGroup = mayCall(session.user.role, 'families.create');
  const canCharge = mayCall(session.user.role, 'charges.assign');
  const shownTicked = list.students.filter((s) => ticked.has(s.id)).length;
  const tick = (s: StudentSummary, on: boolean) =>
    setTicked((t) => {
      const next = new Map(t);
      if (on) next.set(s.id, s);
      else next.delete(s.id);
      return next;
    });

  const load = useCallback(() => {
    request(api().students.list({ ...(classId ? { classId } : {}), offset: (page - 1) * PAGE, limit: PAGE })).then(setList, (e: Error) =>
      setFailure(sentence(e.message)),
    );
  }, [classId, page]);
  useEffect(load, [load]);
  useEffect(() => {
    request(api().masters.get()).then(setMasters, (e: Error) => setFailure(sentence(e.message)));
  }, []);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Students</Title>
        {canEdit && <Button onClick={() => setAdmitting((a) => !a)}>{admitting ? 'Close form' : 'Admit a student'}</Button>}
      </Group>
      {failure && <Alert color="red">{failure}</Alert>}
      {note && (
        <Text c="teal.9" role="status">
          {note}
        </Text>
      )}
      {opened && masters && (
        <StudentPanel
          key={`${opened}:${charged}`}
          studentId={opened}
          masters={masters}
          session={session}
          money={money}
          onChanged={load}
          onClose={() => setOpened(null)}
        />
      )}
      {admitting && masters && (
        <AdmitStudentForm
          masters={masters}
          onAdmitted={() => {
            setAdmitting(false);
            load();
          }}
        />
      )}
      <Group>
        <NativeSelect
          label="Class"
          value={classId}
          onChange={(e) => {
            setClassId(e.currentTarget.value);
            setPage(1);
          }}
          data={[{ value: '', label: 'All classes' }, ...(masters?.classes.map((c) => ({ value: c.id, label: c.name })) ?? [])]}
        />
        <Text mt="lg">{list.total} students</Text>
        {classId && (
          <Button
            mt="lg"
            variant="default"
            onClick={() =>
              void request(api().slips.print({ classId, perPage: 2, target: 'pdf' })).then(
                ({ fileName, base64 }) => downloadPdf(fileName, base64),
                (e: Error) => setFailure(sentence(e.message)),
              )
            }
          >
            Fee slips for this class
          </Button>
        )}
      </Group>
      {canGroup && ticked.size > 0 && (
        <FamilyGroupBar
          selected={[...ticked.values()]}
          onGrouped={(message) => {
            setNote(message);
            setTicked(new Map());
            load();
          }}
          onClear={() => setTicked(new Map())}
        />
      )}
      {canCharge && ticked.size > 0 && masters && (
        <ChargeBar
          selected={[...ticked.values()]}
          masters={masters}
          money={money}
          onDone={(message) => {
            setNote(message);
            setTicked(new Map());
            setCharged((n) => n + 1);
            load();
          }}
        />
      )}
      <Paper withBorder>
        <DataTable
          label="Students"
          rows={list.students}
          rowKey={(s) => s.id}
          columns={[
            ...(canGroup || canCharge
              ? [
                  {
                    header: (
                      <Checkbox
                        aria-label="Tick all shown"
                        checked={shownTicked > 0 && shownTicked === list.students.length}
                        indeterminate={shownTicked > 0 && shownTicked < list.students.length}
                        onChange={(e) => list.students.forEach((s) => tick(s, e.currentTarget.checked))}
                      />
                    ),
                    width: 36,
                    cell: (s: StudentSummary) => (
                      <Checkbox
                        aria-label={`Tick ${s.fullName}`}
                        checked={ticked.has(s.id)}
                        onChange={(e) => tick(s, e.currentTarget.checked)}
                      />
                    ),
                  },
                ]
              : []),
            { header: 'Admission no.', cell: (s) => s.admissionNo },
            {
              header: 'Name',
              cell: (s) => (
                <Anchor component="button" type="button" onClick={() => setOpened(s.id)} aria-label={`Open ${s.fullName}`}>
                  {s.fullName}
                </Anchor>
              ),
            },
            { header: 'Class', cell: (s) => classOf(s) },
            { header: 'Guardian', cell: (s) => s.guardianName },
            { header: 'Phone', cell: (s) => s.phone },
            { header: 'Family', cell: (s) => (s.familyId ? 'Yes' : '') },
            { header: 'Status', cell: (s) => <Badge color={s.status === 'active' ? 'teal.9' : 'gray.8'}>{s.status}</Badge> },
          ]}
        />
      </Paper>
      {list.total > PAGE && (
        <Pagination
          total={Math.ceil(list.total / PAGE)}
          value={page}
          onChange={setPage}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
      )}
    </Stack>
  );
}

// The student register: browse by class, admit a student.
import { Alert, Badge, Button, Group, NativeSelect, Pagination, Paper, Stack, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { downloadPdf } from '../../components/download';
import { AdmitStudentForm } from './AdmitStudentForm';

const PAGE = 50;

export function StudentsScreen({ session }: { session: SessionInfo }) {
  const [masters, setMasters] = useState<Masters | null>(null);
  const [classId, setClassId] = useState('');
  const [page, setPage] = useState(1);
  const [list, setList] = useState<{ total: number; students: StudentSummary[] }>({ total: 0, students: [] });
  const [failure, setFailure] = useState<string | null>(null);
  const [admitting, setAdmitting] = useState(false);
  const canEdit = session.user.role !== 'cashier';

  const load = useCallback(() => {
    request(api().students.list({ ...(classId ? { classId } : {}), offset: (page - 1) * PAGE, limit: PAGE })).then(setList, (e: Error) => setFailure(sentence(e.message)));
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
      <Paper withBorder>
        <DataTable
          label="Students"
          rows={list.students}
          rowKey={(s) => s.id}
          columns={[
            { header: 'Admission no.', cell: (s) => s.admissionNo },
            { header: 'Name', cell: (s) => s.fullName },
            { header: 'Class', cell: (s) => `${s.className}${s.section ? `-${s.section}` : ''}` },
            { header: 'Guardian', cell: (s) => s.guardianName },
            { header: 'Phone', cell: (s) => s.phone },
            { header: 'Status', cell: (s) => <Badge color={s.status === 'active' ? 'teal.9' : 'gray.8'}>{s.status}</Badge> },
          ]}
        />
      </Paper>
      {list.total > PAGE && <Pagination total={Math.ceil(list.total / PAGE)} value={page} onChange={setPage} getControlProps={(control) => ({ 'aria-label': `${control} page` })} />}
    </Stack>
  );
}

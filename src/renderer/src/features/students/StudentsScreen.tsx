// The student register: browse by class, admit a student.
import { Alert, Badge, Button, Group, NativeSelect, Pagination, Paper, Stack, Table, Text, Title } from '@mantine/core';
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
        <Table striped aria-label="Students" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Admission no.</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Class</Table.Th>
              <Table.Th>Guardian</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.students.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.admissionNo}</Table.Td>
                <Table.Td>{s.fullName}</Table.Td>
                <Table.Td>
                  {s.className}
                  {s.section ? `-${s.section}` : ''}
                </Table.Td>
                <Table.Td>{s.guardianName}</Table.Td>
                <Table.Td>{s.phone}</Table.Td>
                <Table.Td>
                  <Badge color={s.status === 'active' ? 'teal.9' : 'gray.8'}>{s.status}</Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {list.total > PAGE && <Pagination total={Math.ceil(list.total / PAGE)} value={page} onChange={setPage} getControlProps={(control) => ({ 'aria-label': `${control} page` })} />}
    </Stack>
  );
}

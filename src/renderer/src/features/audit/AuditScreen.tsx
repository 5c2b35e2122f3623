// The most recent audit rows: who did what, when, on which desk.
import { Alert, Code, Paper, Stack, Table, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../../shared/contract/audit';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';

export function AuditScreen() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    request(api().audit.list({ limit: 200 })).then(setRows, (err: Error) => setFailure(sentence(err.message)));
  }, []);
  return (
    <Stack>
      <Title order={2}>Audit trail</Title>
      {failure && <Alert color="red">{failure}</Alert>}
      <Paper withBorder>
        <Table striped aria-label="Audit trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>When (UTC)</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Desk</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.seq}>
                <Table.Td>{r.seq}</Table.Td>
                <Table.Td>{r.at.replace('T', ' ').slice(0, 19)}</Table.Td>
                <Table.Td>{r.username ?? '—'}</Table.Td>
                <Table.Td>{r.deskCode}</Table.Td>
                <Table.Td>{r.action}</Table.Td>
                <Table.Td>{r.after ? <Code>{JSON.stringify(r.after)}</Code> : null}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}

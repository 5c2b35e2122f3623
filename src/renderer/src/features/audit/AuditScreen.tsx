// The most recent audit rows: who did what, when, on which desk.
import { Alert, Code, Paper, Stack, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
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
        <DataTable
          label="Audit trail"
          rows={rows}
          rowKey={(r) => r.seq}
          columns={[
            { header: '#', cell: (r) => r.seq },
            { header: 'When (UTC)', cell: (r) => r.at.replace('T', ' ').slice(0, 19) },
            { header: 'Who', cell: (r) => r.username ?? '—' },
            { header: 'Desk', cell: (r) => r.deskCode },
            { header: 'Action', cell: (r) => r.action },
            { header: 'Change', cell: (r) => (r.after ? <Code>{JSON.stringify(r.after)}</Code> : null) },
          ]}
        />
      </Paper>
    </Stack>
  );
}

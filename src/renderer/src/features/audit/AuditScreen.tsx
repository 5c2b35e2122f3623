// The most recent audit rows: who did what, when, on which desk.
import { Alert, Button, Code, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useEffect, useState } from 'react';
import type { AuditEntry, AuditVerifyReport } from '../../../../shared/contract/audit';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { useDates } from '../../components/school';

export function AuditScreen() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const dates = useDates();
  const [failure, setFailure] = useState<string | null>(null);
  const [check, setCheck] = useState<AuditVerifyReport | null>(null);
  const [checking, setChecking] = useState(false);
  const verify = () => {
    setChecking(true);
    setCheck(null);
    request(api().audit.verify())
      .then(setCheck, (err: Error) => setFailure(sentence(err.message)))
      .finally(() => setChecking(false));
  };
  useEffect(() => {
    request(api().audit.list({ limit: 200 })).then(setRows, (err: Error) => setFailure(sentence(err.message)));
  }, []);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Audit trail</Title>
        <Button variant="default" onClick={verify} loading={checking}>
          Verify the chain
        </Button>
      </Group>
      {failure && <Alert color="red">{failure}</Alert>}
      {check && check.intact && (
        <Alert color="teal" title="Intact">
          {check.rows.toLocaleString()} audit rows, {check.checkpoints} signed checkpoints and {check.payments.toLocaleString()} payments checked: nothing was changed.
        </Alert>
      )}
      {check && !check.intact && (
        <Alert color="red" title="Changed outside FeeDesk">
          {check.firstBreak && (
            <Text fw={600}>
              First broken link: {check.firstBreak.table} row {check.firstBreak.row} — {check.firstBreak.problem}
            </Text>
          )}
          <List size="sm">
            {check.findings.map((f, i) => (
              <List.Item key={i}>
                {f.table} {f.row}: {f.problem}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Paper withBorder>
        <DataTable
          label="Audit trail"
          rows={rows}
          rowKey={(r) => r.seq}
          columns={[
            { header: '#', cell: (r) => r.seq },
            { header: 'When', cell: (r) => dates.dateTime(r.at) },
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

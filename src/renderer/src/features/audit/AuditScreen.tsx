// The audit trail as an auditor reads it: who (name and username), what in words with the record named, when in the
// school's zone, on which desk; each row's details a click away, formatted (money, dates, names — never JSON or ids).
import { Alert, Box, Button, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useContext, useEffect, useMemo, useState } from 'react';
import type { AuditEntry, AuditVerifyReport } from '../../../../shared/contract/audit';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { SchoolContext, useDates } from '../../components/school';
import { describe, details, type Formatters, who } from '../../../../shared/domain/audit-text';

const PAGE = 200;
/** Cells align to the top: an opened row's details run long beside one-line cells. */
const TOP = { verticalAlign: 'top' } as const;

function Details({ entry, f }: { entry: AuditEntry; f: Formatters }) {
  const lines = details(entry, f);
  return (
    <Box component="details" mt={2}>
      <Box component="summary" fz="sm" c="blue.9" style={{ cursor: 'pointer' }}>
        Details
      </Box>
      <Box
        component="dl"
        fz="sm"
        m={0}
        mt={4}
        style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, rowGap: 2 }}
      >
        {lines.map((l, i) => (
          <Box key={i} style={{ display: 'contents' }}>
            <Box component="dt" c="dimmed">
              {l.label}
            </Box>
            <Box component="dd" m={0} style={{ overflowWrap: 'anywhere' }}>
              {l.value}
            </Box>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

export function AuditScreen() {
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const dates = useDates();
  const school = useContext(SchoolContext);
  const f = useMemo<Formatters>(
    () => ({ locale: dates.locale, money: moneyFor(school).format, date: dates.date, dateTime: dates.dateTime }),
    [dates, school],
  );
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
  const load = (beforeSeq?: number) =>
    request(api().audit.list({ limit: PAGE, ...(beforeSeq === undefined ? {} : { beforeSeq }) })).then(
      (page) => {
        setRows((shown) => (beforeSeq === undefined ? page : [...shown, ...page]));
        setMore(page.length === PAGE);
      },
      (err: Error) => setFailure(sentence(err.message)),
    );
  const older = () => {
    setLoading(true);
    void load(rows.at(-1)?.seq).finally(() => setLoading(false));
  };
  useEffect(() => {
    void load();
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
          {check.rows.toLocaleString()} audit rows, {check.checkpoints} signed checkpoints and {check.payments.toLocaleString()} payments
          checked: nothing was changed.
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
        <Table striped highlightOnHover aria-label="Audit trail" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Desk</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => {
              const by = who(r);
              return (
                <Table.Tr key={r.seq}>
                  <Table.Td style={TOP}>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {dates.dateTime(r.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={TOP}>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {by.name}
                    </Text>
                    {by.username && (
                      <Text size="xs" c="dimmed">
                        {by.username}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={TOP}>
                    <Text size="sm">{describe(r, f)}</Text>
                    <Details entry={r} f={f} />
                  </Table.Td>
                  <Table.Td style={TOP}>
                    <Text size="sm">{r.deskCode}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
      {more && (
        <Group justify="center">
          <Button variant="default" loading={loading} onClick={older}>
            Show older entries
          </Button>
        </Group>
      )}
    </Stack>
  );
}

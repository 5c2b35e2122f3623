// Sync: the light's detail, enrollment with the school's server, on/off and "sync now" (admin), and for the
// accountant what the server refused (with both values for a stale edit) and the overpayments it found.
import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { Result } from '../../../../shared/contract';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { RejectedItem, SyncStatus } from '../../../../shared/contract/sync';
import { api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { DataTable } from '../../components/DataTable';
import { FormFooter, failureNote } from '../../components/FormFooter';
import { moneyFor } from '../../components/money';
import { catchingUpText, describeSync, timeOf } from './useSyncStatus';
import { useDates } from '../../components/school';

interface Props {
  session: SessionInfo;
  status: SyncStatus | null;
  onStatus: (s: SyncStatus) => void;
}

function EnrollForm({ onStatus }: { onStatus: (s: SyncStatus) => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const form = useForm({ initialValues: { serverUrl: '', code: '' } });
  return (
    <Paper withBorder p="md">
      <form
        aria-label="Enroll this desk"
        onSubmit={form.onSubmit((values) => {
          setSubmitting(true);
          request(api().sync.enroll(values))
            .then(onStatus, (err: unknown) => setFailure(showApiError(form, err)))
            .finally(() => setSubmitting(false));
        })}
      >
        <Stack>
          <Title order={4}>Enroll this desk</Title>
          <Text size="sm">
            Ask the server administrator for a one-time enrollment code for this desk, then enter the server&apos;s address and the code.
          </Text>
          <TextInput label="Sync server address" placeholder="http://192.168.1.10:8787" required {...form.getInputProps('serverUrl')} />
          <TextInput label="Enrollment code" placeholder="ABCD-EFGH-JKLM" required {...form.getInputProps('code')} />
          <FormFooter note={failureNote(failure)} submitting={submitting} label="Enroll" />
        </Stack>
      </form>
    </Paper>
  );
}

function RejectedTable({ rows }: { rows: RejectedItem[] }) {
  const dates = useDates();
  return (
    <DataTable
      label="Changes the server refused"
      rows={rows}
      rowKey={(r) => r.mutationId}
      empty="The server has accepted every change from this desk."
      columns={[
        { header: 'No.', cell: (r) => r.mutationId },
        { header: 'Made', cell: (r) => dates.dateTime(r.createdAt) },
        { header: 'Change', cell: (r) => r.name },
        { header: 'Why', cell: (r) => sentence(r.reason) },
        { header: 'This desk sent', cell: (r) => <Code block>{JSON.stringify(r.record, null, 1)}</Code> },
        { header: 'Server keeps', cell: (r) => (r.server ? <Code block>{JSON.stringify(r.server, null, 1)}</Code> : '—') },
      ]}
    />
  );
}

export function SyncScreen({ session, status, onStatus }: Props) {
  const dates = useDates();
  const [rejected, setRejected] = useState<RejectedItem[]>([]);
  const [alerts, setAlerts] = useState<{ id: string; message: string; amount: number | null; at: string }[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const role = session.user.role;
  const canReview = role === 'admin' || role === 'accountant';

  useEffect(() => {
    if (!canReview) return;
    request(api().sync.rejected()).then(setRejected, (e: Error) => setFailure(sentence(e.message)));
    request(api().sync.alerts()).then(setAlerts, (e: Error) => setFailure(sentence(e.message)));
  }, [canReview, status?.rejected, status?.alerts]);

  if (!status) return null;
  const { label } = describeSync(status);
  const act = (call: Promise<Result<SyncStatus>>) => {
    setBusy(true);
    request(call)
      .then(onStatus, (e: Error) => setFailure(sentence(e.message)))
      .finally(() => setBusy(false));
  };

  return (
    <Stack>
      <Title order={2}>Sync</Title>
      {status.resync && (
        <Alert color="red.9" title="This desk had to resync from the start">
          {sentence(status.resync.reason)} ({timeOf(status.resync.at, dates)}). Check the totals with the accountant.
        </Alert>
      )}
      {failure && <Alert color="red.9">{failure}</Alert>}
      {status.catchingUp && (
        <Alert color="blue.9" role="status">
          {catchingUpText(status, dates.locale)}
        </Alert>
      )}
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Text>
            <b>Status:</b> {label}
            {status.syncing ? ' (syncing…)' : ''}
          </Text>
          <Text>
            <b>Waiting to send:</b> {status.queue}
          </Text>
          <Text>
            <b>Last synced:</b> {timeOf(status.lastSuccessAt, dates)}
          </Text>
          <Text>
            <b>Server:</b> {status.serverUrl ?? 'not set'}
          </Text>
          <Text>
            <b>School:</b> {status.schoolName ? `${status.schoolName} (${status.branchName})` : '—'}
          </Text>
          <Text>
            <b>Next try:</b> {timeOf(status.nextAttemptAt, dates)}
          </Text>
          <Text>
            <b>Audit trail on the server:</b> {status.audit.held.toLocaleString()} of {status.audit.rows.toLocaleString()} rows
          </Text>
        </SimpleGrid>
        {status.audit.stale && (
          <Alert color="red.9" mt="sm" title="This desk's audit trail has not reached the server">
            The records made here since {timeOf(status.audit.unsyncedSince, dates)} (
            {(status.audit.rows - status.audit.held).toLocaleString()} audit rows) are only on this desk. Until the server holds them,
            someone with this desk's store key could rewrite them without anyone noticing. Connect the desk to the network and press Sync
            now.
          </Alert>
        )}
        {status.audit.refused && (
          <Alert
            color="red.9"
            mt="sm"
            title={`The server refused this desk's audit trail (${status.audit.refused.kind.replace('_', ' ')}${status.audit.refused.seq === null ? '' : ` at row ${status.audit.refused.seq}`})`}
          >
            {sentence(status.audit.refused.reason)} ({timeOf(status.audit.refused.at, dates)}). Payments still sync; tell the school's
            administrator.
          </Alert>
        )}
        {status.lastError && (
          <Alert color="red.9" mt="sm" title="Last sync attempt failed">
            {sentence(status.lastError)}
          </Alert>
        )}
        {status.enrolled && (
          <Group mt="md">
            <Button onClick={() => act(api().sync.now())} loading={busy} disabled={!status.enabled}>
              Sync now
            </Button>
            {role === 'admin' && (
              <Switch
                label="Sync with the server"
                checked={status.enabled}
                onChange={(e) => act(api().sync.setEnabled({ enabled: e.currentTarget.checked }))}
              />
            )}
          </Group>
        )}
      </Paper>
      {!status.enrolled && role === 'admin' && <EnrollForm onStatus={onStatus} />}
      {!status.enrolled && role !== 'admin' && <Text>An administrator sets up sync for this desk.</Text>}
      {canReview && (
        <>
          <Title order={3}>Refused by the server ({rejected.length})</Title>
          <Paper withBorder>
            <RejectedTable rows={rejected} />
          </Paper>
          <Title order={3}>Overpayments found ({alerts.length})</Title>
          <Paper withBorder>
            <DataTable
              label="Overpayments found by the server"
              rows={alerts}
              rowKey={(a) => a.id}
              empty="No overpayments."
              columns={[
                { header: 'When', cell: (a) => timeOf(a.at, dates) },
                { header: 'Amount', cell: (a) => (a.amount === null ? '—' : moneyFor(session.school).format(a.amount)) },
                { header: 'What happened', cell: (a) => a.message },
              ]}
            />
          </Paper>
        </>
      )}
    </Stack>
  );
}

// Backups (admin): where and how often, back up now with progress, the folder's backups with Check and Restore, and
// changing the database key.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useCallback, useEffect, useState } from 'react';
import type { BackupEntry, BackupJob, BackupStatus } from '../../../../shared/contract/backup';
import { ApiError, api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import { useDates } from '../../components/school';

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** A grave action asks for the admin's own password and code again, though they are logged in. */
const reauthOf = (password: string, code: string) => ({ password, ...(code.trim() ? { code: code.trim() } : {}) });
const REAUTH_FIELDS = { 'reauth.password': 'password', 'reauth.code': 'code' };

function ReauthFields({ form }: { form: { getInputProps(path: string): object } }) {
  return (
    <Group grow align="flex-start">
      <PasswordInput label="Your password" autoComplete="off" {...form.getInputProps('password')} />
      <TextInput
        label="Your code"
        description="From your authenticator app"
        inputMode="numeric"
        autoComplete="off"
        {...form.getInputProps('code')}
      />
    </Group>
  );
}

export function BackupsScreen({ onRestored }: { onRestored: () => void }) {
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<BackupEntry | null>(null);
  const reload = useCallback(() => {
    request(api().backup.status()).then(setStatus, (err: Error) => setError(sentence(err.message)));
  }, []);
  useEffect(reload, [reload]);
  return (
    <Stack maw={760}>
      <Title order={2}>Backups</Title>
      {error && <Alert color="red.9">{error}</Alert>}
      {status && <BackupSettings status={status} onSaved={setStatus} />}
      {status?.configured && <BackUpNow status={status} onDone={reload} />}
      {status?.configured && <BackupList backups={status.backups} chosen={chosen} onChoose={setChosen} />}
      {chosen && <CheckOrRestore key={chosen.path} backup={chosen} onRestored={onRestored} />}
      <DatabaseKeyForm />
    </Stack>
  );
}

function BackupSettings({ status, onSaved }: { status: BackupStatus; onSaved: (s: BackupStatus) => void }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({
    initialValues: {
      folder: status.folder ?? '',
      keep: status.keep,
      daily: status.dailyAt !== null,
      dailyAt: status.dailyAt ?? '18:00',
      passphrase: '',
      repeat: '',
    },
    validate: { repeat: (v, values) => (v === values.passphrase ? null : 'The two passphrases differ') },
  });
  const submit = form.onSubmit(async ({ folder, keep, daily, dailyAt, passphrase }) => {
    setNote(null);
    try {
      const saved = await request(
        api().backup.configure({ folder, keep, dailyAt: daily ? dailyAt : null, ...(passphrase ? { passphrase } : {}) }),
      );
      form.setValues({ passphrase: '', repeat: '' });
      onSaved(saved);
      setNote({ ok: true, text: 'Saved.' });
    } catch (err) {
      const text = showApiError(form, err);
      if (text) setNote({ ok: false, text });
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>Where and when</Title>
          <TextInput
            label="Backup folder"
            description="A full path: a USB drive or another disk, not this computer's only disk"
            {...form.getInputProps('folder')}
          />
          <NumberInput label="Keep this many backups" min={1} max={365} allowDecimal={false} {...form.getInputProps('keep')} />
          <Group align="flex-end">
            <Checkbox label="Back up every day at" {...form.getInputProps('daily', { type: 'checkbox' })} />
            <TextInput
              aria-label="Daily backup time"
              placeholder="18:00"
              w={100}
              disabled={!form.values.daily}
              {...form.getInputProps('dailyAt')}
            />
          </Group>
          <PasswordInput
            label={status.configured ? 'New backup passphrase' : 'Backup passphrase'}
            description={
              status.configured
                ? 'Leave empty to keep the current one. Backups already made keep theirs.'
                : 'At least 12 characters. Without it no backup can be restored: write it down and keep it safe.'
            }
            {...form.getInputProps('passphrase')}
          />
          <PasswordInput label="Repeat the passphrase" {...form.getInputProps('repeat')} />
          <FormFooter note={note} submitting={form.submitting} label="Save" />
        </Stack>
      </form>
    </Paper>
  );
}

function BackUpNow({ status, onDone }: { status: BackupStatus; onDone: () => void }) {
  const { dateTime: when } = useDates();
  const [job, setJob] = useState<BackupJob | null>(status.running);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (job?.state !== 'running') return;
    const timer = setTimeout(() => {
      request(api().backup.job({ jobId: job.id })).then(
        (next) => {
          setJob(next);
          if (next.state !== 'running') onDone();
        },
        (err: Error) => setError(sentence(err.message)),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [job, onDone]);
  const start = () => {
    setError(null);
    request(api().backup.create()).then(setJob, (err: Error) => setError(sentence(err.message)));
  };
  const { last } = status;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>Back up now</Title>
        <Text size="sm">
          {last ? `Last backup ${when(last.at)}: ${last.ok ? 'written' : `failed — ${last.error ?? 'unknown reason'}`}.` : 'No backup yet.'}
          {status.nextDueAt && ` Next daily backup ${when(status.nextDueAt)}.`}
        </Text>
        {job && (
          <Stack gap={4}>
            <Progress.Root>
              <Progress.Section
                value={job.total ? (100 * job.done) / job.total : 0}
                animated={job.state === 'running'}
                aria-label="Backup progress"
              />
            </Progress.Root>
            <Text size="sm" role="status">
              {job.state === 'running' && 'Backing up… the desk stays usable meanwhile.'}
              {job.state === 'done' && `Backed up to ${job.path}`}
              {job.state === 'cancelled' && 'Backup cancelled: nothing was written.'}
            </Text>
            {job.state === 'failed' && <Alert color="red.9">{sentence(job.error ?? 'the backup failed')}</Alert>}
          </Stack>
        )}
        {error && <Alert color="red.9">{error}</Alert>}
        <Group justify="flex-end">
          {job?.state === 'running' && (
            <Button variant="default" onClick={() => void request(api().backup.cancel({ jobId: job.id })).then(setJob)}>
              Cancel
            </Button>
          )}
          <Button onClick={start} disabled={job?.state === 'running'}>
            Back up now
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function BackupList({
  backups,
  chosen,
  onChoose,
}: {
  backups: BackupEntry[];
  chosen: BackupEntry | null;
  onChoose: (b: BackupEntry) => void;
}) {
  const { dateTime: when } = useDates();
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>This desk's backups in the folder</Title>
        {backups.length === 0 ? (
          <Text size="sm">None yet.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Made</Table.Th>
                <Table.Th>How</Table.Th>
                <Table.Th>Students</Table.Th>
                <Table.Th>Receipts</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {backups.map((b) => (
                <Table.Tr key={b.path}>
                  <Table.Td>{when(b.createdAt)}</Table.Td>
                  <Table.Td>{b.reason === 'scheduled' ? 'Daily' : 'By hand'}</Table.Td>
                  <Table.Td>{b.students.toLocaleString()}</Table.Td>
                  <Table.Td>{b.payments.toLocaleString()}</Table.Td>
                  <Table.Td>{megabytes(b.bytes)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant={chosen?.path === b.path ? 'filled' : 'default'}
                      onClick={() => onChoose(b)}
                      aria-label={`Check or restore the backup of ${when(b.createdAt)}`}
                    >
                      Check or restore…
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

function CheckOrRestore({ backup, onRestored }: { backup: BackupEntry; onRestored: () => void }) {
  const { dateTime: when } = useDates();
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({ initialValues: { passphrase: '', password: '', code: '', sure: false, replaceSynced: false } });
  // The sync server holds this desk's work from after the backup: restoring needs one more, explicit, tick.
  const [syncedSince, setSyncedSince] = useState(0);
  const check = async () => {
    setNote(null);
    try {
      const c = await request(api().backup.check({ path: backup.path, passphrase: form.values.passphrase }));
      setSyncedSince(c.syncedSince);
      setNote({
        ok: true,
        text: `The backup is whole: ${c.students.toLocaleString()} students, ${c.payments.toLocaleString()} receipts, ${c.auditRows.toLocaleString()} audit rows in an intact chain.`,
      });
    } catch (err) {
      const text = showApiError(form, err);
      if (text) setNote({ ok: false, text });
    }
  };
  const restore = form.onSubmit(async ({ passphrase, password, code, sure, replaceSynced }) => {
    setNote(null);
    if (!sure) return form.setFieldError('sure', 'Tick this to replace the data on this desk');
    try {
      const done = await request(
        api().backup.restore({
          path: backup.path,
          passphrase,
          reauth: reauthOf(password, code),
          ...(replaceSynced ? { replaceSynced: true as const } : {}),
        }),
      );
      setNote({
        ok: true,
        text: `Restored the backup of ${when(done.createdAt)}. The data it replaced is kept at ${done.keptAside}. Everyone signs in again.`,
      });
      setTimeout(onRestored, 4000);
    } catch (err) {
      if (err instanceof ApiError && err.field === 'replaceSynced') setSyncedSince((n) => Math.max(n, 1));
      const text = showApiError(form, err, REAUTH_FIELDS);
      if (text) setNote({ ok: false, text });
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={restore}>
        <Stack>
          <Title order={4}>Backup of {when(backup.createdAt)}</Title>
          <PasswordInput label="Backup passphrase" {...form.getInputProps('passphrase')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void check()}>
              Check this backup
            </Button>
          </Group>
          <Text size="sm">
            Restoring replaces everything on this desk with this backup, after checking it whole. Receipts made since are not in it. The
            current data is kept aside, not deleted.
          </Text>
          <ReauthFields form={form} />
          <Checkbox label="Replace this desk's data with this backup" {...form.getInputProps('sure', { type: 'checkbox' })} />
          {syncedSince > 0 && (
            <>
              <Alert color="orange.9">
                This desk sent the sync server work done after this backup. Receipts among it stay on the server and will not come back to
                this desk, and its next receipt numbers would repeat theirs. Restore only if this desk's data is lost, then re-enter those
                receipts.
              </Alert>
              <Checkbox label="Restore anyway: this desk's data is lost" {...form.getInputProps('replaceSynced', { type: 'checkbox' })} />
            </>
          )}
          <FormFooter note={note} submitting={form.submitting} label="Restore" />
        </Stack>
      </form>
    </Paper>
  );
}

function DatabaseKeyForm() {
  const [note, setNote] = useState<FormNote | null>(null);
  const form = useForm({
    initialValues: { password: '', code: '', newPassphrase: '', repeat: '' },
    validate: { repeat: (v, values) => (v === values.newPassphrase ? null : 'The two passphrases differ') },
  });
  const submit = form.onSubmit(async ({ password, code, newPassphrase }) => {
    setNote(null);
    try {
      await request(api().store.rekey({ reauth: reauthOf(password, code), ...(newPassphrase ? { newPassphrase } : {}) }));
      form.reset();
      setNote({ ok: true, text: 'The database key has been changed.' });
    } catch (err) {
      const text = showApiError(form, err, REAUTH_FIELDS);
      if (text) setNote({ ok: false, text });
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>Change the database key</Title>
          <Text size="sm">Re-encrypts this desk's data under a new key (a minute or so for a large school; the desk waits meanwhile).</Text>
          <ReauthFields form={form} />
          <PasswordInput
            label="New store passphrase"
            description="Only where FeeDesk asks for a passphrase when it starts; leave empty where the system keychain holds the key"
            {...form.getInputProps('newPassphrase')}
          />
          <PasswordInput label="Repeat the new passphrase" {...form.getInputProps('repeat')} />
          <FormFooter note={note} submitting={form.submitting} label="Change key" />
        </Stack>
      </form>
    </Paper>
  );
}

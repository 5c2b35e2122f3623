// Bulk import: template, the file, its column mapping, a dry run with every error, the error sheet, then the import.
import { Alert, Badge, Button, Group, Paper, PasswordInput, Progress, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import {
  IMPORTERS,
  IMPORTERS_NEEDING_APPROVAL,
  type HeaderMatchView,
  type ImporterName,
  type ImportJob,
} from '../../../../shared/contract/imports';
import { api, ApiError, request } from '../../api/client';
import { messageNamingField, sentence } from '../../api/form-errors';
import { approverCredentials, NO_APPROVER } from '../../components/ApprovalModal';
import { FileToRead } from '../../components/FileToRead';
import { isFileInTheWay, ReplaceFilePrompt } from '../../components/ReplaceFile';

const TITLES: Record<ImporterName, string> = {
  students: 'Students',
  families: 'Families (siblings)',
  structures: 'Fee structures',
  concessions: 'Concessions',
  opening_balances: 'Opening balances (arrears)',
  student_charges: 'Charges by student (transport, hostel, one-off)',
};
const POLL_MS = 200;
/** The file, however the desk names it in its answer (its path, or a file a browser tab sent). */
const FIELD_LABELS = { path: 'The file', fileName: 'The file', content: 'The file' };

/** Polls a background job until it ends. */
function useImportJob() {
  const [job, setJob] = useState<ImportJob | null>(null);
  const timer = useRef<number | null>(null);
  useEffect(() => () => void (timer.current && window.clearTimeout(timer.current)), []);
  const watch = (started: ImportJob) =>
    new Promise<ImportJob>((resolve) => {
      setJob(started);
      const tick = () =>
        request(api().imports.job({ jobId: started.id })).then((now) => {
          setJob(now);
          if (now.state === 'running') timer.current = window.setTimeout(tick, POLL_MS);
          else resolve(now);
        });
      timer.current = window.setTimeout(tick, POLL_MS);
    });
  return { job, watch, setJob };
}

function JobBar({ job, label }: { job: ImportJob; label: string }) {
  const running = job.state === 'running';
  const percent = job.total > 0 ? Math.round((job.done / job.total) * 100) : running ? 5 : 100;
  return (
    <Stack gap={4}>
      <Progress.Root>
        <Progress.Section value={percent} animated={running} aria-label={`${label} progress`} />
      </Progress.Root>
      <Text size="sm" role="status">
        {running && `${label}… ${job.done.toLocaleString()} rows read`}
        {job.state === 'cancelled' && `${label} cancelled: nothing was written.`}
        {job.state === 'failed' && `${label} failed: ${sentence(job.error ?? '')}`}
      </Text>
    </Stack>
  );
}

export function ImportScreen() {
  const [importer, setImporter] = useState<ImporterName>('students');
  const [folder, setFolder] = useState('');
  const [path, setPath] = useState('');
  const [match, setMatch] = useState<HeaderMatchView | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [inTheWay, setInTheWay] = useState<{ kind: 'template' | 'errors'; path: string } | null>(null);
  const [approver, setApprover] = useState(NO_APPROVER);
  const needsApprover = IMPORTERS_NEEDING_APPROVAL.includes(importer);
  const dry = useImportJob();
  const commit = useImportJob();
  const side = useImportJob();

  useEffect(() => {
    void request(api().reports.exportFolder()).then(({ folder: f }) => setFolder(f.replace(/[\\/]$/, '')));
  }, []);
  const fail = (e: Error) => setError(e instanceof ApiError ? messageNamingField(e, FIELD_LABELS) : sentence(e.message));

  const readColumns = (from = path) => {
    setError(null);
    setMatch(null);
    dry.setJob(null);
    commit.setJob(null);
    request(api().imports.inspect({ importer, path: from })).then((m) => {
      setMatch(m);
      setMapping(m.mapping);
    }, fail);
  };
  const runDry = () => {
    setError(null);
    commit.setJob(null);
    request(api().imports.dryRun({ importer, path, mapping })).then(dry.watch, fail);
  };
  const runCommit = () => {
    const sha256 = dry.job?.summary?.sha256;
    if (!sha256) return;
    request(
      api().imports.commit({ importer, path, mapping, sha256, ...(needsApprover ? { approver: approverCredentials(approver) } : {}) }),
    ).then((j) => {
      setApprover(NO_APPROVER);
      return commit.watch(j);
    }, fail);
  };
  /** Saves the template or the error sheet in the export folder; a file there already is replaced only when the user says. */
  const saveSheet = (kind: 'template' | 'errors', options: { replace?: boolean; out?: string } = {}) => {
    setNote(null);
    setInTheWay(null);
    const out = options.out ?? `${folder}/${importer}-${kind === 'template' ? 'template' : 'errors'}.xlsx`;
    const replace = options.replace ?? false;
    const started =
      kind === 'template'
        ? api().imports.template({ importer, path: out, replace })
        : api().imports.errorSheet({ jobId: dry.job!.id, path: out, replace });
    request(started)
      .then(side.watch)
      .then(
        (j) => setNote(j.state === 'done' ? `Saved ${j.path}` : sentence(j.error ?? j.state)),
        (e: Error) => (isFileInTheWay(e) ? setInTheWay({ kind, path: out }) : fail(e)),
      );
  };
  /** Keeping the file there: this one is saved beside it, its name carrying the time (as the desk shows it). */
  const saveBeside = (kind: 'template' | 'errors', taken: string) => {
    const stamp = new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .format(new Date())
      .replace(/[^0-9]+/g, '-');
    saveSheet(kind, { out: taken.replace(/\.xlsx$/i, ` ${stamp}.xlsx`) });
  };

  const summary = dry.job?.summary ?? null;
  const missing = match ? match.fields.filter((f) => f.required && !mapping[f.key]) : [];
  return (
    <Stack>
      <Title order={2}>Import</Title>
      <Paper withBorder p="md">
        <Stack>
          <Group align="flex-end">
            <Select
              label="What to import"
              data={IMPORTERS.map((i) => ({ value: i, label: TITLES[i] }))}
              value={importer}
              onChange={(v) => v && setImporter(v as ImporterName)}
              allowDeselect={false}
              w={220}
            />
            <Button variant="default" onClick={() => saveSheet('template')}>
              Save a template
            </Button>
          </Group>
          <FileToRead
            label="File to import (XLSX or CSV)"
            placeholder={`${folder}/students.xlsx`}
            path={path}
            onPathChange={setPath}
            onRead={readColumns}
            onError={(e) => (e ? fail(e) : setError(null))}
          >
            <Button onClick={() => readColumns()} disabled={!path}>
              Read columns
            </Button>
          </FileToRead>
          {inTheWay && (
            <ReplaceFilePrompt
              path={inTheWay.path}
              onReplace={() => saveSheet(inTheWay.kind, { replace: true, out: inTheWay.path })}
              onKeep={() => saveBeside(inTheWay.kind, inTheWay.path)}
              keepLabel="Keep it and save this one beside it"
            />
          )}
          {note && <Text role="status">{note}</Text>}
          {error && <Alert color="red">{error}</Alert>}
        </Stack>
      </Paper>
      {match && (
        <Paper withBorder p="md">
          <Title order={4}>Columns</Title>
          <Text size="sm" c="dimmed">
            The header is row {match.headerRow}. Pick the column each field comes from.
          </Text>
          <Table aria-label="Column mapping" verticalSpacing={2}>
            <Table.Tbody>
              {match.fields.map((f) => (
                <Table.Tr key={f.key}>
                  <Table.Td w={200}>
                    {f.label} {f.required && <Badge size="xs">required</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Column for ${f.label}`}
                      data={match.headers.filter(Boolean).map((h) => ({ value: h, label: h }))}
                      value={mapping[f.key] ?? null}
                      onChange={(v) => setMapping((m) => ({ ...m, [f.key]: v }))}
                      placeholder="— no column —"
                      clearable
                      error={f.required && !mapping[f.key] ? 'required' : undefined}
                      size="xs"
                      w={260}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {f.description}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group mt="sm">
            <Button onClick={runDry} disabled={missing.length > 0 || dry.job?.state === 'running'}>
              Dry run
            </Button>
          </Group>
        </Paper>
      )}
      {dry.job && (
        <Paper withBorder p="md">
          <Stack>
            <JobBar job={dry.job} label="Dry run" />
            {summary && (
              <>
                <Group gap="xs" aria-label="Dry run counts">
                  <Badge size="lg">{summary.rows} rows</Badge>
                  <Badge size="lg" color="teal.9">
                    {summary.counts.new} new
                  </Badge>
                  <Badge size="lg" color="blue.9">
                    {summary.counts.updated} updated
                  </Badge>
                  <Badge size="lg" color="gray.8">
                    {summary.counts.unchanged} unchanged
                  </Badge>
                  <Badge size="lg" color="red.9">
                    {summary.counts.errors} with errors
                  </Badge>
                </Group>
                {summary.warnings.map((w) => (
                  <Alert key={w} color="yellow.9" title="Check before importing" role="alert">
                    {w}
                  </Alert>
                ))}
                {summary.errorCount > 0 && (
                  <>
                    <Table aria-label="Errors" striped verticalSpacing={2}>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Row</Table.Th>
                          <Table.Th>Column</Table.Th>
                          <Table.Th>Value</Table.Th>
                          <Table.Th>Problem</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {summary.errors.map((e, i) => (
                          <Table.Tr key={i}>
                            <Table.Td>{e.row}</Table.Td>
                            <Table.Td>{e.column}</Table.Td>
                            <Table.Td>{e.value}</Table.Td>
                            <Table.Td>{e.reason}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                    <Group>
                      <Button variant="default" onClick={() => saveSheet('errors')}>
                        Save the error sheet
                      </Button>
                      <Text size="sm">Fix the rows in the file, save it, and run the dry run again.</Text>
                    </Group>
                  </>
                )}
                {summary.errorCount === 0 && (
                  <Group align="flex-end">
                    {needsApprover && (
                      <>
                        <TextInput
                          label="Approved by (username)"
                          value={approver.username}
                          onChange={(e) => setApprover({ ...approver, username: e.currentTarget.value })}
                          autoComplete="off"
                        />
                        <PasswordInput
                          label="Approver’s password"
                          value={approver.password}
                          onChange={(e) => setApprover({ ...approver, password: e.currentTarget.value })}
                          autoComplete="off"
                        />
                        <TextInput
                          label="Approver’s code"
                          value={approver.code}
                          onChange={(e) => setApprover({ ...approver, code: e.currentTarget.value })}
                          inputMode="numeric"
                          autoComplete="off"
                        />
                      </>
                    )}
                    <Button
                      color="teal.9"
                      onClick={runCommit}
                      disabled={
                        commit.job?.state === 'running' ||
                        summary.counts.new + summary.counts.updated === 0 ||
                        (needsApprover && (!approver.username || !approver.password))
                      }
                    >
                      Import {summary.counts.new + summary.counts.updated} rows
                    </Button>
                  </Group>
                )}
              </>
            )}
          </Stack>
        </Paper>
      )}
      {commit.job && (
        <Paper withBorder p="md">
          <JobBar job={commit.job} label="Import" />
          {commit.job.state === 'running' && (
            <Button
              mt="xs"
              variant="default"
              color="red"
              onClick={() => void request(api().imports.cancel({ jobId: commit.job!.id })).then(commit.setJob)}
            >
              Cancel import
            </Button>
          )}
          {commit.job.state === 'done' && commit.job.summary && (
            <Text role="status">
              Imported: {commit.job.summary.counts.new} new, {commit.job.summary.counts.updated} updated,{' '}
              {commit.job.summary.counts.unchanged} unchanged.
            </Text>
          )}
        </Paper>
      )}
    </Stack>
  );
}

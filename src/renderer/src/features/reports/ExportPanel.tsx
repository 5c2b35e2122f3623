// Export a report to a file: choose the format and path, watch the progress bar, cancel if it is taking too long.
import { Alert, Button, Group, Progress, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { ExportFormat, ExportJob, ReportFilters } from '../../../../shared/contract/reports';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { isFileInTheWay, ReplaceFilePrompt } from '../../components/ReplaceFile';

const FORMATS: { value: ExportFormat; label: string; ext: string }[] = [
  { value: 'xlsx', label: 'Excel workbook (XLSX)', ext: 'xlsx' },
  { value: 'csv', label: 'CSV', ext: 'csv' },
  { value: 'pdf', label: 'PDF', ext: 'pdf' },
  { value: 'letters', label: 'Reminder letters (PDF, one page per student)', ext: 'pdf' },
];

const POLL_MS = 200;

/** Asks main for the job's progress until it ends; the export itself runs on a worker there. */
function useJob() {
  const [job, setJob] = useState<ExportJob | null>(null);
  const timer = useRef<number | null>(null);
  useEffect(() => () => void (timer.current && window.clearTimeout(timer.current)), []);
  const watch = (started: ExportJob) => {
    setJob(started);
    const tick = () =>
      request(api().reports.job({ jobId: started.id })).then((now) => {
        setJob(now);
        if (now.state === 'running') timer.current = window.setTimeout(tick, POLL_MS);
      });
    timer.current = window.setTimeout(tick, POLL_MS);
  };
  return { job, watch, setJob };
}

export function ExportPanel({
  filters,
  baseName,
  formats = ['xlsx', 'csv', 'pdf'],
}: {
  filters: ReportFilters;
  baseName: string;
  formats?: ExportFormat[];
}) {
  const [format, setFormat] = useState<ExportFormat>(formats[0]!);
  const [folder, setFolder] = useState<string | null>(null);
  // The path the user typed, for the report and format it was typed for; otherwise the suggested one.
  const [typed, setTyped] = useState<{ key: string; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The path main found a file at, while the user decides whether to replace it.
  const [inTheWay, setInTheWay] = useState<string | null>(null);
  const pathInput = useRef<HTMLInputElement>(null);
  const { job, watch, setJob } = useJob();
  const ext = FORMATS.find((f) => f.value === format)!.ext;

  useEffect(() => {
    void request(api().reports.exportFolder()).then(({ folder: f }) => setFolder(f));
  }, []);
  const key = `${baseName}|${format}`;
  const suggested = folder === null ? '' : `${folder.replace(/[\\/]$/, '')}/${baseName}${format === 'letters' ? '-letters' : ''}.${ext}`;
  const path = typed?.key === key ? typed.value : suggested;

  const start = (replace = false) => {
    setError(null);
    setInTheWay(null);
    setJob(null);
    request(api().reports.export({ filters, format, path, replace })).then(watch, (e: Error) =>
      isFileInTheWay(e) ? setInTheWay(path) : setError(sentence(e.message)),
    );
  };
  /** Keeping the file: back to the name, its last part selected for typing another. */
  const keep = () => {
    setInTheWay(null);
    const input = pathInput.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(
      Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1,
      path.lastIndexOf('.') > 0 ? path.lastIndexOf('.') : path.length,
    );
  };
  const cancel = () => job && void request(api().reports.cancel({ jobId: job.id })).then(setJob);
  const running = job?.state === 'running';
  const percent = job && job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : running ? 5 : 100;

  return (
    <Stack gap="xs" aria-label="Export">
      <Group align="flex-end">
        <Select
          label="Export as"
          data={FORMATS.filter((f) => formats.includes(f.value)).map((f) => ({ value: f.value, label: f.label }))}
          value={format}
          onChange={(v) => v && setFormat(v as ExportFormat)}
          allowDeselect={false}
          w={280}
        />
        <TextInput
          ref={pathInput}
          label="Save to"
          value={path}
          onChange={(e) => setTyped({ key, value: e.currentTarget.value })}
          style={{ flex: 1 }}
          error={error}
        />
        <Button onClick={() => start()} disabled={running || path === '' || inTheWay !== null}>
          Export
        </Button>
        {running && (
          <Button variant="default" color="red" onClick={cancel}>
            Cancel export
          </Button>
        )}
      </Group>
      {inTheWay !== null && (
        <ReplaceFilePrompt path={inTheWay} onReplace={() => start(true)} onKeep={keep} keepLabel="Keep it and choose another name" />
      )}
      {job && (
        <Stack gap={4}>
          <Progress.Root>
            <Progress.Section value={percent} animated={running} aria-label="Export progress" />
          </Progress.Root>
          <Text size="sm" role="status">
            {job.state === 'running' &&
              (job.total === 0
                ? 'Preparing the export: counting the rows…'
                : `Exporting… ${job.done.toLocaleString()} of ${job.total.toLocaleString()} rows`)}
            {job.state === 'done' && `Saved ${job.done.toLocaleString()} ${format === 'letters' ? 'letters' : 'rows'} to ${job.path}`}
            {job.state === 'cancelled' && 'Export cancelled: no file was written.'}
          </Text>
          {job.state === 'failed' && <Alert color="red.9">{sentence(job.error ?? 'the export failed')}: no file was written.</Alert>}
        </Stack>
      )}
    </Stack>
  );
}

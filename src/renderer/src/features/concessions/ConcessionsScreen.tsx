// Concessions: anyone requests; an accountant or admin approves with their own credentials.
import { Alert, Badge, Button, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useForm } from '@mantine/form';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Concession } from '../../../../shared/contract/concessions';
import type { Masters } from '../../../../shared/contract/masters';
import { api, request } from '../../api/client';
import { sentence, showApiError } from '../../api/form-errors';
import { ApproverInputs, approverCredentials, NO_APPROVER } from '../../components/ApprovalModal';
import { FormFooter, type FormNote, failureNote } from '../../components/FormFooter';
import { moneyFor } from '../../components/money';

export function ConcessionsScreen({ session }: { session: SessionInfo }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const [list, setList] = useState<Concession[]>([]);
  const [masters, setMasters] = useState<Masters | null>(null);
  const [deciding, setDeciding] = useState<Concession | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const load = useCallback(() => {
    request(api().concessions.list({})).then(setList, (e: Error) => setFailure(sentence(e.message)));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    request(api().masters.get()).then(setMasters, (e: Error) => setFailure(sentence(e.message)));
  }, []);
  const describe = (c: Concession) => (c.kind === 'percent' ? `${c.value / 100}%` : money.format(c.value));

  return (
    <Stack>
      <Title order={2}>Concessions</Title>
      {failure && <Alert color="red">{failure}</Alert>}
      <Paper withBorder>
        <DataTable
          label="Concessions"
          rows={list}
          rowKey={(c) => c.id}
          empty="No concessions yet."
          columns={[
            { header: 'Name', cell: (c) => c.name },
            {
              header: 'For',
              cell: (c) =>
                c.target === 'student'
                  ? c.studentName
                  : c.target === 'sibling'
                    ? `child no. ${c.siblingRank} and later`
                    : masters?.categories.find((x) => x.id === c.categoryId)?.name,
            },
            { header: 'Off', cell: (c) => `${describe(c)} ${c.headName ? `of ${c.headName}` : 'of all heads'}` },
            { header: 'Reason', cell: (c) => c.reason },
            {
              header: 'Status',
              cell: (c) => (
                <Badge color={c.status === 'approved' ? 'teal.9' : c.status === 'rejected' ? 'red.9' : 'indigo.9'}>{c.status}</Badge>
              ),
            },
            { header: 'Applied', align: 'right', cell: (c) => money.format(c.applied) },
            {
              header: 'Actions',
              cell: (c) =>
                c.status === 'requested' && (
                  <Button size="xs" variant="default" onClick={() => setDeciding(c)}>
                    Decide…
                  </Button>
                ),
            },
          ]}
        />
      </Paper>
      {masters && <RequestForm masters={masters} money={money} onRequested={load} />}
      <DecideModal concession={deciding} onClose={() => setDeciding(null)} onDone={load} />
    </Stack>
  );
}

function RequestForm({ masters, money, onRequested }: { masters: Masters; money: ReturnType<typeof moneyFor>; onRequested: () => void }) {
  const [note, setNote] = useState<FormNote | null>(null);
  const year = masters.years.find((y) => y.isCurrent);
  const form = useForm({
    initialValues: {
      name: '',
      kind: 'percent',
      value: '',
      target: 'category',
      categoryId: masters.categories[0]?.id ?? '',
      siblingRank: '2',
      headId: '',
      reason: '',
    },
  });
  const submit = form.onSubmit(async (v) => {
    if (!year) return setNote({ ok: false, text: 'Create an academic year first.' });
    const value = v.kind === 'percent' ? Math.round(Number(v.value) * 100) : money.parse(v.value);
    if (!value || Number.isNaN(value)) return form.setFieldError('value', v.kind === 'percent' ? 'Enter a percentage' : 'Enter an amount');
    try {
      await request(
        api().concessions.request({
          yearId: year.id,
          name: v.name,
          kind: v.kind as 'percent' | 'fixed',
          value,
          target: v.target as 'category' | 'sibling',
          categoryId: v.target === 'category' ? v.categoryId : null,
          siblingRank: v.target === 'sibling' ? Number(v.siblingRank) : null,
          headId: v.headId || null,
          reason: v.reason,
        }),
      );
      form.reset();
      setNote({ ok: true, text: 'Requested: an accountant or admin must approve it.' });
      onRequested();
    } catch (err) {
      const text = showApiError(form, err);
      setNote(text ? { ok: false, text } : null);
    }
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="Request a concession">
        <Stack>
          <Title order={4}>Request a concession</Title>
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <NativeSelect
              label="Kind"
              data={[
                { value: 'percent', label: 'Percent' },
                { value: 'fixed', label: 'Fixed amount' },
              ]}
              {...form.getInputProps('kind')}
            />
            <TextInput label={form.values.kind === 'percent' ? 'Percent off' : 'Amount off'} {...form.getInputProps('value')} />
            <NativeSelect
              label="Head"
              data={[
                { value: '', label: 'All heads' },
                ...masters.heads.filter((h) => !h.systemCode).map((h) => ({ value: h.id, label: h.name })),
              ]}
              {...form.getInputProps('headId')}
            />
            <NativeSelect
              label="For"
              data={[
                { value: 'category', label: 'A category' },
                { value: 'sibling', label: 'A sibling rule' },
              ]}
              {...form.getInputProps('target')}
            />
            {form.values.target === 'category' ? (
              <NativeSelect
                label="Category"
                data={masters.categories.map((c) => ({ value: c.id, label: c.name }))}
                {...form.getInputProps('categoryId')}
              />
            ) : (
              <TextInput label="From child number" {...form.getInputProps('siblingRank')} />
            )}
            <TextInput label="Reason" {...form.getInputProps('reason')} />
          </SimpleGrid>
          <FormFooter note={note} submitting={form.submitting} label="Request" />
        </Stack>
      </form>
    </Paper>
  );
}

function DecideModal({ concession, onClose, onDone }: { concession: Concession | null; onClose: () => void; onDone: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { approver: NO_APPROVER, note: '' } });
  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };
  const decide = async (approve: boolean) => {
    if (!concession) return;
    const v = form.getValues();
    try {
      await request(
        approve
          ? api().concessions.approve({ concessionId: concession.id, approver: approverCredentials(v.approver), note: v.note || null })
          : api().concessions.reject({ concessionId: concession.id, approver: approverCredentials(v.approver), note: v.note }),
      );
      onDone();
      close();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  };
  return (
    <Modal opened={concession !== null} onClose={close} title={`Decide: ${concession?.name ?? ''}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void decide(true);
        }}
      >
        <Stack>
          <ApproverInputs form={form} focus />
          <TextInput label="Note (required to reject)" {...form.getInputProps('note')} />
          <Group justify="space-between">
            <Button variant="default" color="red" onClick={() => void decide(false)}>
              Reject
            </Button>
          </Group>
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Approve" />
        </Stack>
      </form>
    </Modal>
  );
}

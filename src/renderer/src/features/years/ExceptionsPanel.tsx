// The students the class map is wrong for: found with the counter's search, then detained, leaving, or moved into
// another section of the next class, each with a reason; listed, and removable, until the review.
import { Button, Group, NativeSelect, Paper, Radio, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { StudentSearch } from '../payments/StudentSearch';
import type { Draft, ExceptionRow, Outcome } from './rollover-draft';

interface Props {
  masters: Masters;
  draft: Draft;
  onChange: (change: (draft: Draft) => Draft) => void;
  errors: Readonly<Record<string, string>>;
}

const classLabel = (s: ExceptionRow['student']) => `${s.className}${s.section ? `-${s.section}` : ''}`;

/** What happens to the student, in words (for the list). */
export function outcomeText(row: ExceptionRow, masters: Masters, draft: Draft): string {
  const sectionName = (id: string) =>
    masters.classes.flatMap((c) => c.sections.map((s) => ({ ...s, cls: c.name }))).find((s) => s.id === id);
  if (row.outcome === 'left') return 'Leaves the school';
  if (row.outcome === 'detained') {
    const section = row.sectionId ? sectionName(row.sectionId) : undefined;
    return `Detained: stays in ${row.student.className}${section ? `-${section.name}` : row.student.section ? `-${row.student.section}` : ''}`;
  }
  const section = sectionName(row.sectionId);
  const next = draft.classes.find((c) => c.fromClassId === row.student.classId)?.toClassId;
  return `Promoted into ${section ? `${section.cls}-${section.name}` : (masters.classes.find((c) => c.id === next)?.name ?? 'the next class')}`;
}

export function ExceptionsPanel({ masters, draft, onChange, errors }: Props) {
  const [picked, setPicked] = useState<ExceptionRow | null>(null);
  const [pickNote, setPickNote] = useState<string | null>(null);
  const [ownErrors, setOwnErrors] = useState<Record<string, string>>({});
  const search = useRef<HTMLInputElement>(null);
  const editor = useRef<HTMLFormElement>(null);
  const pickedId = picked?.student.id;
  useEffect(() => {
    if (pickedId) editor.current?.querySelector<HTMLInputElement>('input[type="radio"]:checked')?.focus();
  }, [pickedId]);

  const pick = async (found: StudentSummary) => {
    setPickNote(null);
    setOwnErrors({});
    if (draft.exceptions.some((e) => e.student.id === found.id)) return setPickNote(`${found.fullName} is on the list already.`);
    if (found.status !== 'active')
      return setPickNote(`${found.fullName} is not at the school now (${found.status}): only students at the school are promoted.`);
    try {
      const s = await request(api().students.get({ studentId: found.id }));
      setPicked({
        student: {
          id: s.id,
          admissionNo: s.admissionNo,
          fullName: s.fullName,
          classId: s.classId,
          className: s.className,
          section: s.section,
        },
        outcome: 'detained',
        sectionId: '',
        reason: '',
      });
    } catch (e) {
      setPickNote(sentence((e as Error).message));
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return;
    const found: Record<string, string> = {};
    if (!picked.reason.trim()) found['reason'] = 'Give the reason: it is kept in the student’s class history';
    if (picked.outcome === 'section' && !picked.sectionId) found['sectionId'] = 'Choose the section';
    setOwnErrors(found);
    if (Object.keys(found).length > 0) return;
    onChange((d) => ({ ...d, exceptions: [...d.exceptions, { ...picked, reason: picked.reason.trim() }] }));
    setPicked(null);
    search.current?.focus();
  };

  const remove = (id: string) => {
    onChange((d) => ({ ...d, exceptions: d.exceptions.filter((e) => e.student.id !== id) }));
    search.current?.focus();
  };

  const cls = masters.classes.find((c) => c.id === picked?.student.classId);
  const nextId = draft.classes.find((c) => c.fromClassId === picked?.student.classId)?.toClassId ?? null;
  const next = masters.classes.find((c) => c.id === nextId);
  const set = (change: Partial<ExceptionRow>) => setPicked((p) => (p ? { ...p, ...change } : p));

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="rollover-exceptions">
      <Stack gap="sm">
        <Title order={3} id="rollover-exceptions">
          Exceptions
        </Title>
        <Text size="sm">Students who are detained, leave at the end of the year, or go into another section than their class’s.</Text>
        <StudentSearch ref={search} autoFocus={false} onPick={(s) => void pick(s)} />
        {pickNote && (
          <Text c="red.9" role="alert">
            {pickNote}
          </Text>
        )}
        {picked && (
          <form ref={editor} onSubmit={add} aria-label={`Exception for ${picked.student.fullName}`}>
            <Paper withBorder p="sm" bg="gray.0">
              <Stack gap="xs">
                <Text fw={600}>
                  {picked.student.fullName} · {picked.student.admissionNo} · {classLabel(picked.student)}
                </Text>
                <Radio.Group
                  label="What happens to them"
                  value={picked.outcome}
                  onChange={(v) => set({ outcome: v as Outcome, sectionId: '' })}
                >
                  <Group mt={4}>
                    <Radio value="detained" label={`Detained: stays in ${picked.student.className}`} />
                    <Radio value="left" label="Leaves the school" />
                    <Radio value="section" label={`Another section of ${next?.name ?? 'the next class'}`} disabled={!next} />
                  </Group>
                </Radio.Group>
                <Group align="flex-start" grow>
                  <TextInput
                    label="Reason"
                    value={picked.reason}
                    onChange={(e) => set({ reason: e.currentTarget.value })}
                    error={ownErrors['reason']}
                  />
                  {picked.outcome === 'detained' && cls && cls.sections.length > 0 && (
                    <NativeSelect
                      label="Section next year"
                      value={picked.sectionId}
                      onChange={(e) => set({ sectionId: e.currentTarget.value })}
                      data={[
                        { value: '', label: `The same (${classLabel(picked.student)})` },
                        ...cls.sections.map((s) => ({ value: s.id, label: `${cls.name}-${s.name}` })),
                      ]}
                    />
                  )}
                  {picked.outcome === 'section' && next && (
                    <NativeSelect
                      label={`Section of ${next.name}`}
                      value={picked.sectionId}
                      onChange={(e) => set({ sectionId: e.currentTarget.value })}
                      data={[
                        { value: '', label: 'Choose…' },
                        ...next.sections.map((s) => ({ value: s.id, label: `${next.name}-${s.name}` })),
                      ]}
                      error={ownErrors['sectionId']}
                    />
                  )}
                </Group>
                <Group justify="flex-end" gap="xs">
                  <Button variant="default" onClick={() => (setPicked(null), search.current?.focus())}>
                    Cancel
                  </Button>
                  <Button type="submit">Add exception</Button>
                </Group>
              </Stack>
            </Paper>
          </form>
        )}
        <Table aria-label="Exceptions" verticalSpacing={4} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Student</Table.Th>
              <Table.Th>Class now</Table.Th>
              <Table.Th>Next year</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.exceptions.map((e) => (
              <Table.Tr key={e.student.id}>
                <Table.Td>
                  {e.student.fullName} ({e.student.admissionNo})
                </Table.Td>
                <Table.Td>{classLabel(e.student)}</Table.Td>
                <Table.Td>
                  {outcomeText(e, masters, draft)}
                  {errors[`exception:${e.student.id}`] && (
                    <Text size="sm" c="red.9" role="alert">
                      {errors[`exception:${e.student.id}`]}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{e.reason}</Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => remove(e.student.id)}
                    aria-label={`Remove ${e.student.fullName}`}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
            {draft.exceptions.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text size="sm">None: every student follows their class.</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}

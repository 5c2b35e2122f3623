// Academic years (which is current, switching it with a confirmation) and classes with their sections (adding one).
import { Alert, Badge, Button, Group, Modal, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import { api, ApiError, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { mayCall } from '../../components/access';
import { useDates } from '../../components/school';

type Year = Masters['years'][number];

interface YearsPanelProps {
  masters: Masters;
  session: SessionInfo;
  onChanged: () => void;
  /** Opens the year-end rollover screen. */
  onRollover?: (() => void) | undefined;
}

export function YearsPanel({ masters, session, onChanged, onRollover }: YearsPanelProps) {
  const dates = useDates();
  const [asked, setAsked] = useState<Year | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const current = masters.years.find((y) => y.isCurrent);
  const canSwitch = mayCall(session.user.role, 'masters.setCurrentYear');

  const switchTo = async (year: Year) => {
    setBusy(true);
    try {
      await request(api().masters.setCurrentYear({ yearId: year.id }));
      setNote({ ok: true, text: `${year.name} is now the current year.` });
      onChanged();
    } catch (e) {
      setNote({ ok: false, text: sentence((e as Error).message) });
    } finally {
      setBusy(false);
      setAsked(null);
    }
  };

  return (
    <Paper withBorder p="sm" component="section" aria-label="Academic years">
      <Stack gap={6}>
        <Title order={4}>Academic years</Title>
        {masters.years.map((y) => (
          <Group key={y.id} justify="space-between" gap="xs" wrap="nowrap" align="flex-start" preventGrowOverflow={false}>
            <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
              <Text fw={600}>{y.name}</Text>
              <Text size="xs">
                {dates.date(y.startsOn)} – {dates.date(y.endsOn)}
              </Text>
            </Stack>
            {y.isCurrent ? (
              <Badge size="sm" style={{ flexShrink: 0 }}>
                current
              </Badge>
            ) : (
              canSwitch && (
                <Button
                  size="compact-xs"
                  variant="default"
                  style={{ flexShrink: 0 }}
                  onClick={() => setAsked(y)}
                  aria-label={`Make current: ${y.name}`}
                >
                  Make current
                </Button>
              )
            )}
          </Group>
        ))}
        {current && onRollover && mayCall(session.user.role, 'years.rollover') && (
          <Button size="xs" variant="default" onClick={onRollover} mt={4}>
            Year-end rollover…
          </Button>
        )}
        <Modal opened={asked !== null} onClose={() => setAsked(null)} title={asked ? `Make ${asked.name} the current year?` : ''} centered>
          {asked && (
            <Stack gap="sm">
              <Text>
                From now on, on every desk, payments and receipt numbers belong to {asked.name}, and fee structures are made and assigned
                for it
                {current ? ` (instead of ${current.name})` : ''}. Dues already made stay as they are.
              </Text>
              <Group justify="flex-end" gap="xs">
                <Button variant="default" onClick={() => setAsked(null)}>
                  Cancel
                </Button>
                <Button loading={busy} onClick={() => void switchTo(asked)} data-autofocus>
                  Yes, make {asked.name} current
                </Button>
              </Group>
            </Stack>
          )}
        </Modal>
        {note &&
          (note.ok ? (
            <Text c="teal.9" size="sm" role="status">
              {note.text}
            </Text>
          ) : (
            <Alert color="red">{note.text}</Alert>
          ))}
      </Stack>
    </Paper>
  );
}

export function ClassesPanel({ masters, session, onChanged }: { masters: Masters; session: SessionInfo; onChanged: () => void }) {
  const [classId, setClassId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const chosen = masters.classes.find((c) => c.id === classId) ?? masters.classes[0];

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setError(null);
    setDone(null);
    try {
      await request(api().masters.addSection({ classId: chosen.id, name }));
      setDone(`Section ${name.trim()} added to ${chosen.name}.`);
      setName('');
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? messageForField(err) : sentence(String(err)));
    }
  };

  return (
    <Paper withBorder p="sm" component="section" aria-label="Classes">
      <Stack gap={6}>
        <Title order={4}>Classes</Title>
        {masters.classes.map((c) => (
          <Text key={c.id}>
            {c.name} {c.sections.length > 0 && `(${c.sections.map((s) => s.name).join(', ')})`}
          </Text>
        ))}
        {chosen && mayCall(session.user.role, 'masters.addSection') && (
          <form onSubmit={(e) => void add(e)} aria-label="Add a section">
            <Stack gap={4} mt="xs">
              <NativeSelect
                size="xs"
                label="Add a section to"
                value={chosen.id}
                onChange={(e) => setClassId(e.currentTarget.value)}
                data={masters.classes.map((c) => ({ value: c.id, label: c.name }))}
              />
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  size="xs"
                  label="New section"
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  placeholder="C"
                  style={{ flex: 1 }}
                />
                <Button size="xs" type="submit">
                  Add section
                </Button>
              </Group>
              {error && (
                <Text size="xs" c="red.9" role="alert">
                  {error}
                </Text>
              )}
              {done && (
                <Text size="sm" c="teal.9" role="status">
                  {done}
                </Text>
              )}
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

// Grouping the students ticked in the register as one family (brothers and sisters).
import { Button, Group, Paper, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, ApiError, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';

/** "Anika Rao" → "Rao family". */
const suggestedName = (s: StudentSummary | undefined) => (s ? `${s.fullName.trim().split(/\s+/).at(-1)} family` : '');

export function FamilyGroupBar({ selected, onGrouped, onClear }: { selected: StudentSummary[]; onGrouped: (message: string) => void; onClear: () => void }) {
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const familyName = name ?? suggestedName(selected[0]);

  const group = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const family = await request(api().families.create({ name: familyName, studentIds: selected.map((s) => s.id) }));
      setName(null);
      onGrouped(`${family.name}: ${selected.map((s) => s.fullName).join(', ')} grouped as one family.`);
    } catch (err) {
      setError(err instanceof ApiError ? messageForField(err) : sentence(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="sm" bg="blue.0">
      <form onSubmit={(e) => void group(e)} aria-label="Group as a family">
        <Group align="flex-end">
          <Text mb={8}>
            {selected.length} ticked: {selected.map((s) => s.fullName).join(', ')}
          </Text>
          <TextInput label="Family name" value={familyName} onChange={(e) => setName(e.currentTarget.value)} error={error} />
          <Button type="submit" loading={busy}>
            Group as a family
          </Button>
          <Button variant="default" onClick={onClear}>
            Clear ticks
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

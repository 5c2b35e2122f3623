// Grouping the students ticked in the register as one family (brothers and sisters), or adding the ticked ones to the
// family one of them is already in (a younger child admitted later).
import { Button, Group, Paper, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, ApiError, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';

/** "Anika Rao" → "Rao family". */
const suggestedName = (s: StudentSummary | undefined) => (s ? `${s.fullName.trim().split(/\s+/).at(-1)} family` : '');
const names = (list: StudentSummary[]) => list.map((s) => s.fullName).join(', ');

export function FamilyGroupBar({
  selected,
  onGrouped,
  onClear,
}: {
  selected: StudentSummary[];
  onGrouped: (message: string) => void;
  onClear: () => void;
}) {
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const familyIds = [...new Set(selected.flatMap((s) => (s.familyId ? [s.familyId] : [])))];
  const joining = selected.filter((s) => !s.familyId);
  // Exactly one family among the ticked, and someone to add to it: they join it.
  const joinId = familyIds.length === 1 && joining.length > 0 ? familyIds[0]! : null;
  const [existing, setExisting] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    if (!joinId) return;
    let live = true;
    request(api().families.get({ familyId: joinId })).then(
      (f) => live && setExisting({ id: f.id, name: f.name }),
      (e: Error) => live && setError(sentence(e.message)),
    );
    return () => {
      live = false;
    };
  }, [joinId]);
  const family = joinId && existing?.id === joinId ? existing : null;
  const familyName = name ?? suggestedName(selected[0]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      const message = await work();
      setName(null);
      onGrouped(message);
    } catch (err) {
      setError(err instanceof ApiError ? messageForField(err) : sentence(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const create = () =>
    run(async () => {
      const made = await request(api().families.create({ name: familyName, studentIds: selected.map((s) => s.id) }));
      return `${made.name}: ${names(selected)} grouped as one family.`;
    });

  const join = (target: { id: string; name: string }) =>
    run(async () => {
      for (const s of joining) {
        const full = await request(api().students.get({ studentId: s.id }));
        const { id: studentId, version, fullName, classId, sectionId, guardianName, phone, phone2, email, categoryId } = full;
        await request(
          api().students.update({
            studentId,
            version,
            fullName,
            classId,
            sectionId,
            guardianName,
            phone,
            phone2,
            email,
            categoryId,
            familyId: target.id,
          }),
        );
      }
      return `${names(joining)} added to ${target.name}.`;
    });

  return (
    <Paper withBorder p="sm" bg="blue.0">
      <form
        aria-label="Group as a family"
        onSubmit={(e) => {
          e.preventDefault();
          void (family ? join(family) : create());
        }}
      >
        <Group align="flex-end">
          <Text mb={8}>
            {selected.length} ticked: {names(selected)}
          </Text>
          {family ? (
            <Button type="submit" loading={busy}>
              Add {names(joining)} to {family.name}
            </Button>
          ) : (
            <>
              <TextInput label="Family name" value={familyName} onChange={(e) => setName(e.currentTarget.value)} error={error} />
              <Button type="submit" loading={busy} disabled={joinId !== null}>
                Group as a family
              </Button>
            </>
          )}
          <Button variant="default" onClick={onClear}>
            Clear ticks
          </Button>
        </Group>
        {family && error && (
          <Text c="red.9" role="alert">
            {error}
          </Text>
        )}
        {familyIds.length > 1 && (
          <Text size="sm">These students are in different families now: grouping them makes one new family of them all.</Text>
        )}
      </form>
    </Paper>
  );
}

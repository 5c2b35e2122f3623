// The rollover's plan: the new year's name and dates, where each class goes (and sections the next class lacks), the
// change to each fee head and its rounding, and whether concessions carry over.
import { Checkbox, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { Masters } from '../../../../shared/contract/masters';
import { minorDigits } from '../../../../shared/domain/money';
import { DateField } from '../../components/DateField';
import { type ClassRow, type Draft, ROUNDINGS, unmatchedSections } from './rollover-draft';

export const GRADUATES = 'graduates';

interface Props {
  masters: Masters;
  draft: Draft;
  onChange: (change: (draft: Draft) => Draft) => void;
  errors: Readonly<Record<string, string>>;
  currency: string;
  locale: string;
}

/** ₹10 rather than ₹10.00: a rounding step is a whole number of rupees. */
function wholeUnits(minor: number, currency: string, locale: string): string {
  const major = minor / 10 ** minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(major);
}

export function PlanForm({ masters, draft, onChange, errors, currency, locale }: Props) {
  const from = masters.years.find((y) => y.id === draft.fromYearId);
  const setRow = (fromClassId: string, change: (row: ClassRow) => ClassRow) =>
    onChange((d) => ({ ...d, classes: d.classes.map((r) => (r.fromClassId === fromClassId ? change(r) : r)) }));
  const heads = masters.heads.filter((h) => !h.systemCode);
  return (
    <>
      <Paper withBorder p="md" component="section" aria-labelledby="rollover-new-year">
        <Stack gap="sm">
          <Title order={3} id="rollover-new-year">
            The new year
          </Title>
          <SimpleGrid cols={3}>
            <TextInput
              label="Name of the new year"
              description={`The year after ${from?.name ?? 'the current one'}, like 2027-28`}
              value={draft.name}
              onChange={(e) => {
                const name = e.currentTarget.value;
                onChange((d) => ({ ...d, name }));
              }}
              error={errors['newYear.name']}
            />
            <DateField
              label="Starts on"
              value={draft.startsOn}
              onChange={(startsOn) => onChange((d) => ({ ...d, startsOn }))}
              error={errors['newYear.startsOn']}
            />
            <DateField
              label="Ends on"
              value={draft.endsOn}
              onChange={(endsOn) => onChange((d) => ({ ...d, endsOn }))}
              error={errors['newYear.endsOn']}
            />
          </SimpleGrid>
        </Stack>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="rollover-classes">
        <Stack gap="sm">
          <Title order={3} id="rollover-classes">
            Promotion
          </Title>
          <Text size="sm">Each class’s students move up together; the exceptions below stay back, leave or change section.</Text>
          {errors['classes'] && (
            <Text c="red.9" role="alert">
              {errors['classes']}
            </Text>
          )}
          <Table aria-label="Where each class goes" verticalSpacing={4} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Class now</Table.Th>
                <Table.Th>Goes to</Table.Th>
                <Table.Th>Sections</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {draft.classes.map((row) => {
                const cls = masters.classes.find((c) => c.id === row.fromClassId)!;
                const next = masters.classes.find((c) => c.id === row.toClassId);
                const unmatched = unmatchedSections(masters, row);
                return (
                  <Table.Tr key={row.fromClassId}>
                    <Table.Td>{cls.name}</Table.Td>
                    <Table.Td>
                      <NativeSelect
                        size="xs"
                        aria-label={`Next class for ${cls.name}`}
                        value={row.toClassId ?? GRADUATES}
                        onChange={(e) => {
                          const value = e.currentTarget.value;
                          setRow(row.fromClassId, (r) => ({ ...r, toClassId: value === GRADUATES ? null : value, sections: {} }));
                        }}
                        data={[
                          ...masters.classes.map((c) => ({ value: c.id, label: c.id === cls.id ? `${c.name} (stays)` : c.name })),
                          { value: GRADUATES, label: 'Graduates (alumni)' },
                        ]}
                        error={errors[`class:${row.fromClassId}`]}
                      />
                    </Table.Td>
                    <Table.Td>
                      {!next ? (
                        <Text size="sm">Leave the school as alumni</Text>
                      ) : (
                        <Stack gap={4}>
                          {unmatched.length < cls.sections.length && <Text size="sm">Sections of the same name: kept</Text>}
                          {cls.sections.length === 0 && <Text size="sm">No sections</Text>}
                          {unmatched.map((s) => (
                            <NativeSelect
                              key={s.id}
                              size="xs"
                              label={`Section ${s.name} goes to`}
                              value={row.sections[s.id] ?? ''}
                              onChange={(e) => {
                                const to = e.currentTarget.value;
                                setRow(row.fromClassId, (r) => ({ ...r, sections: { ...r.sections, [s.id]: to } }));
                              }}
                              data={[
                                { value: '', label: `${next.name}-${s.name} (a new section)` },
                                ...next.sections.map((t) => ({ value: t.id, label: `${next.name}-${t.name}` })),
                              ]}
                              error={errors[`section:${row.fromClassId}:${s.id}`]}
                            />
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="rollover-fees">
        <Stack gap="sm">
          <Title order={3} id="rollover-fees">
            Fees in the new year
          </Title>
          <Text size="sm">
            Each fee structure is copied into the new year, its due dates a year on. A change in percent raises (or with a minus, lowers)
            every installment of that head; blank keeps it as it is.
          </Text>
          <SimpleGrid cols={4}>
            {heads.map((h) => (
              <TextInput
                key={h.id}
                label={`${h.name}: change in %`}
                placeholder="0"
                inputMode="decimal"
                value={draft.percents[h.id] ?? ''}
                onChange={(e) => {
                  const typed = e.currentTarget.value;
                  onChange((d) => ({ ...d, percents: { ...d.percents, [h.id]: typed } }));
                }}
                error={errors[`fee:${h.id}`]}
              />
            ))}
            <NativeSelect
              label="Round each installment to"
              value={String(draft.roundTo)}
              onChange={(e) => {
                const roundTo = Number(e.currentTarget.value);
                onChange((d) => ({ ...d, roundTo }));
              }}
              data={ROUNDINGS.map((r) => ({ value: String(r), label: `the nearest ${wholeUnits(r, currency, locale)}` }))}
              error={errors['roundTo']}
            />
          </SimpleGrid>
          <Checkbox
            label="Carry approved concessions into the new year"
            description="Category and sibling concessions, and a student’s own for as long as they stay at the school"
            checked={draft.carryConcessions}
            onChange={(e) => {
              const carryConcessions = e.currentTarget.checked;
              onChange((d) => ({ ...d, carryConcessions }));
            }}
          />
        </Stack>
      </Paper>
    </>
  );
}
